package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/secretkey"
	"github.com/traininghub/traininghub/internal/store"
)

// pgDatabases makes a database for each phase on the server at address, and drops them
// all at the end of the run.
type pgDatabases struct {
	admin   *sql.DB
	address string
	made    []string
}

func (p *pgDatabases) create(ctx context.Context) (string, error) {
	suffix := make([]byte, 6)
	rand.Read(suffix)
	name := "loadgen_" + hex.EncodeToString(suffix)
	if _, err := p.admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		return "", err
	}
	p.made = append(p.made, name)
	u, err := url.Parse(p.address)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

func (p *pgDatabases) dropAll() {
	for _, name := range p.made {
		_, _ = p.admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	}
	p.admin.Close()
}

// runPostgres measures the booking API on PostgreSQL with one server and with two servers
// on one database, beside a naive reference measured on the same server in the same run:
// one-row transactions from as many connections as there are clients.
func runPostgres(ctx context.Context, o options, out io.Writer) error {
	admin, err := sql.Open("pgx", o.postgres)
	if err != nil {
		return err
	}
	dbs := &pgDatabases{admin: admin, address: o.postgres}
	defer dbs.dropAll()
	fmt.Fprintf(out, "traininghub load run on PostgreSQL (%s): %d users x %d sessions = %d bookings a phase\n\n",
		store.SafeAddress(o.postgres), o.users, o.sessions, o.users*o.sessions)

	naive, err := dbs.create(ctx)
	if err != nil {
		return err
	}
	for _, clients := range o.clientSet {
		r, err := measureNaivePostgres(ctx, naive, 20000, clients)
		if err != nil {
			return fmt.Errorf("naive PostgreSQL reference: %w", err)
		}
		fmt.Fprintf(out, "naive one-row transactions from %d connections: %d in %v = %.0f/s\n",
			clients, r.ok, r.elapsed.Round(time.Millisecond), r.rate())
	}
	fmt.Fprintln(out)

	for _, servers := range []int{1, 2} {
		for i, clients := range o.clientSet {
			phase := o
			phase.clients = clients
			dsn, err := dbs.create(ctx)
			if err != nil {
				return err
			}
			keyPath := filepath.Join(o.dir, fmt.Sprintf("pg%d-%d.key", servers, i))
			f, err := newFixtureKeyed(ctx, dsn, keyPath, phase, true)
			if err != nil {
				return fmt.Errorf("fixture: %w", err)
			}
			bases, stop, err := startServers(f, dsn, keyPath, servers)
			if err != nil {
				f.db.Close()
				return err
			}
			api, err := loadBookings(ctx, bases, f, phase)
			if err == nil {
				fmt.Fprintf(out, "API bookings, %d server(s), %d clients: %d ok (%d confirmed, %d waitlisted), %d busy (503), %d errors in %v = %.0f/s; p50 %v, p99 %v\n",
					servers, clients, api.ok, api.confirmed, api.waitlisted, api.busy, api.errors, api.elapsed.Round(time.Millisecond), api.rate(),
					api.p(50), api.p(99))
				err = checkConsistency(ctx, f, api)
			}
			if err == nil && servers == 1 && i == len(o.clientSet)-1 {
				var cat result
				if cat, err = loadCatalogue(ctx, bases[0], o); err == nil {
					fmt.Fprintf(out, "catalogue page GET /courses, 1 server, %d clients: %.0f req/s; p50 %v, p99 %v\n",
						o.clients, cat.rate(), cat.p(50), cat.p(99))
				}
			}
			stop()
			f.db.Close()
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// startServers starts n servers in this process on the database at dsn, each with its own
// handle (its own pools and change listener), as n serve processes would have.
func startServers(f *fixture, dsn, keyPath string, n int) ([]string, func(), error) {
	var bases []string
	var stops []func()
	stopAll := func() {
		for _, s := range stops {
			s()
		}
	}
	for i := range n {
		g := f
		if i > 0 {
			db, err := store.Open(dsn)
			if err != nil {
				stopAll()
				return nil, nil, err
			}
			stops = append(stops, func() { db.Close() })
			accounts := account.NewService(db, clock.System, account.NewHasher(account.TestHashParams, 2))
			key, err := secretkey.Load(keyPath)
			if err != nil {
				stopAll()
				return nil, nil, err
			}
			if _, err := accounts.UseSecretKey(context.Background(), key); err != nil {
				stopAll()
				return nil, nil, err
			}
			g = &fixture{db: db, accounts: accounts, courses: course.NewService(db, clock.System),
				bookings: booking.NewService(db, clock.System)}
		}
		base, stop, err := startServer(g)
		if err != nil {
			stopAll()
			return nil, nil, err
		}
		bases, stops = append(bases, base), append(stops, stop)
	}
	return bases, stopAll, nil
}

// measureNaivePostgres commits n one-row, booking-shaped inserts from clients connections
// at once: the naive ceiling on this server, with none of the engine's rules.
func measureNaivePostgres(ctx context.Context, dsn string, n, clients int) (result, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return result{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(clients)
	table := fmt.Sprintf("naive_%d", clients)
	if _, err := db.ExecContext(ctx, `CREATE TABLE `+table+` (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
		session_id BIGINT NOT NULL, user_id BIGINT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (session_id, user_id))`); err != nil {
		return result{}, err
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	began := time.Now()
	for range clients {
		wg.Go(func() {
			for {
				k := next.Add(1)
				if k > int64(n) {
					return
				}
				if _, err := db.ExecContext(ctx, `INSERT INTO `+table+` (session_id, user_id, status, created_at) VALUES ($1, $2, 'confirmed', $3)`,
					k%10, k, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return result{ok: int64(n), elapsed: time.Since(began)}, firstErr
}
