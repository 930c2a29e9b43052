package outbox_test

import (
	"context"
	"io"
	"log/slog"
	"net/mail"
	"sync"
	"testing"
	"time"

	"bytes"

	thmail "github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/mail/mailtest"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// serverWorker is a worker as one serve process runs it, on its own handle of the
// database.
func serverWorker(env *testkit.Env, db *store.DB, srv *mailtest.Server) *outbox.Worker {
	return outbox.NewWorker(db, outbox.Config{
		Sender:   thmail.NewSMTP(thmail.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: thmail.TLSNone, Timeout: 5 * time.Second}),
		Renderer: kindRenderer{}, Host: host, From: thmail.Address{Email: "training@" + host},
		Now: env.Clock.Now, Connections: 4, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
}

// skipOnSQLite: leases are for servers sharing a PostgreSQL database; SQLite allows one
// server per file (docs/operations.md), whose claims stay in memory.
func skipOnSQLite(t *testing.T) {
	t.Helper()
	if !testkit.OnPostgres() {
		t.Skip("set TRAININGHUB_TEST_POSTGRES: leases are for servers sharing PostgreSQL")
	}
}

// secondHandle opens the test's database again, as a second serve process would.
func secondHandle(t *testing.T, env *testkit.Env) *store.DB {
	t.Helper()
	db, err := store.Open(env.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestTwoServersSendEachMessageOnce: two workers on two handles of one database, eight
// connections between them, drain the outbox at the same moment. Each message reaches the
// mail server exactly once: a worker leases a message before sending it, and a lease
// another server holds is passed by.
func TestTwoServersSendEachMessageOnce(t *testing.T) {
	skipOnSQLite(t)
	env := testkit.New(t)
	srv := mailtest.Start(t, mailtest.Options{})
	const n = 60
	enqueue(t, env, outbox.BookingConfirmed, n)
	workers := []*outbox.Worker{serverWorker(env, env.DB, srv), serverWorker(env, secondHandle(t, env), srv)}

	var wg sync.WaitGroup
	sent := make([]int, len(workers))
	start := make(chan struct{})
	for i, w := range workers {
		wg.Go(func() {
			<-start
			for {
				k, err := w.RunOnce(context.Background())
				if err != nil {
					t.Errorf("worker %d: %v", i, err)
					return
				}
				if k == 0 {
					return
				}
				sent[i] += k
			}
		})
	}
	close(start)
	wg.Wait()

	seen := map[string]int{}
	for _, m := range srv.Messages() {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		seen[msg.Header.Get("Message-Id")]++
	}
	if len(seen) != n {
		t.Errorf("%d different messages arrived, want %d", len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("%s arrived %d times", id, k)
		}
	}
	if got := statuses(t, env.DB)[outbox.Sent]; got != n {
		t.Errorf("%d recorded as sent, want %d", got, n)
	}
	t.Logf("the two workers sent %d and %d", sent[0], sent[1])
}

// TestLeaseOfADeadServerRunsOut: a message leased by a server that then died is left
// alone while the lease lasts, and sent by another server once it has run out.
func TestLeaseOfADeadServerRunsOut(t *testing.T) {
	skipOnSQLite(t)
	env := testkit.New(t)
	srv := mailtest.Start(t, mailtest.Options{})
	enqueue(t, env, outbox.BookingConfirmed, 1)
	survivor := serverWorker(env, secondHandle(t, env), srv)
	// The dead server's lease, as it took it just before it died.
	testkit.Exec(t, env.DB, `UPDATE outbox SET claimed_until = ?`, store.FormatTime(env.Clock.Now().Add(survivor.Lease())))

	if k, err := survivor.RunOnce(context.Background()); err != nil || k != 0 {
		t.Fatalf("while the lease lasts the survivor handled %d (%v), want 0", k, err)
	}
	env.Clock.Advance(survivor.Lease())
	if k, err := survivor.RunOnce(context.Background()); err != nil || k != 1 {
		t.Fatalf("after the lease ran out the survivor handled %d (%v), want 1", k, err)
	}
	if got := len(srv.Messages()); got != 1 {
		t.Errorf("%d messages arrived, want 1", got)
	}
	var claimed *string
	if err := env.DB.R.QueryRow(`SELECT claimed_until FROM outbox`).Scan(&claimed); err != nil || claimed != nil {
		t.Errorf("after sending, claimed_until = %v (%v), want NULL", claimed, err)
	}
}
