// Command loadgen measures traininghub under load: it starts the real server on a
// loopback port over a fresh SQLite file, books places through the JSON API from many
// concurrent clients, fetches the catalogue page, and times a bare booking-transaction
// loop on its own database as the ceiling the API is compared with.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/demo"
	"github.com/traininghub/traininghub/internal/secretkey"
	"github.com/traininghub/traininghub/internal/server"
	"github.com/traininghub/traininghub/internal/store"
)

type options struct {
	dir         string
	clients     int   // for the catalogue, and the booking phase when clientSet is empty
	clientSet   []int // booking phases, one fresh database each
	sync        store.Sync
	users       int
	sessions    int
	catalogue   time.Duration
	maxDuration time.Duration
	serveBin    string // a built traininghub binary: measure a real serve process too
	postgres    string // a PostgreSQL server: run the phases there, in databases made for them
}

func main() {
	var o options
	flag.StringVar(&o.dir, "dir", "", "directory for the database files (default: a new temporary directory)")
	clients := flag.String("clients", "64", "concurrent HTTP clients; a list such as 1,8,64,256 runs the booking phase once for each")
	syncSetting := flag.String("sync", string(store.SyncFull), "the server's --sync: full or normal")
	flag.IntVar(&o.users, "users", 500, "practitioners who book")
	flag.IntVar(&o.sessions, "sessions", 10, "sessions each practitioner books (bookings = users x sessions)")
	flag.DurationVar(&o.catalogue, "catalogue", 10*time.Second, "how long to load the catalogue page")
	flag.DurationVar(&o.maxDuration, "max", 5*time.Minute, "stop the booking phase after this long whatever happens")
	flag.StringVar(&o.serveBin, "serve-bin", "", "a built traininghub binary (go build -o /tmp/traininghub ./cmd/traininghub): time its start-up and read its memory on the last phase's database")
	flag.StringVar(&o.postgres, "postgres", "", "a PostgreSQL address (postgres://user@host:5432/postgres) where loadgen makes a database for each phase: measure PostgreSQL, with one and with two servers, instead of SQLite")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (server and clients) to this file")
	flag.Parse()
	var err error
	if o.clientSet, err = parseClients(*clients); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen: -clients:", err)
		os.Exit(2)
	}
	o.clients = o.clientSet[len(o.clientSet)-1]
	if o.sync, err = store.ParseSync(*syncSetting); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen: -sync:", err)
		os.Exit(2)
	}
	if *cpuProfile != "" {
		stop, err := profileCPU(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen: -cpuprofile:", err)
			os.Exit(2)
		}
		defer stop()
	}
	if err := run(context.Background(), o, os.Stdout); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// fixture is a server and database ready to be booked.
type fixture struct {
	db       *store.DB
	accounts *account.Service
	courses  *course.Service
	bookings *booking.Service
	tokens   []string
	userIDs  []int64
	sessions []int64
}

func newFixture(ctx context.Context, path string, o options, withDemo bool) (*fixture, error) {
	return newFixtureKeyed(ctx, path, path+".key", o, withDemo)
}

// newFixtureKeyed is newFixture with the secret key file named (a PostgreSQL database has
// no file beside which to keep it).
func newFixtureKeyed(ctx context.Context, path, keyPath string, o options, withDemo bool) (*fixture, error) {
	db, err := store.OpenSync(path, o.sync)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	f := &fixture{db: db,
		// Bookers never sign in with a password, so cheap hashing keeps set-up quick.
		accounts: account.NewService(db, clock.System, account.NewHasher(account.TestHashParams, 2)),
		courses:  course.NewService(db, clock.System),
		bookings: booking.NewService(db, clock.System),
	}
	// The load test's own database gets its own key file, as a first start makes one, so
	// a serve process started on it later can use the same key.
	key, err := secretkey.Create(keyPath)
	if err != nil {
		return nil, err
	}
	if _, err := f.accounts.UseSecretKey(ctx, key); err != nil {
		return nil, err
	}
	if withDemo {
		// The demo partnership gives the catalogue page its real size: ten courses.
		if _, err := demo.Seed(ctx, f.accounts, f.courses, f.bookings, time.Now()); err != nil {
			return nil, err
		}
	}
	org, err := f.accounts.CreateOrganisation(ctx, "Load Test Agency", account.SocialCare)
	if err != nil {
		return nil, err
	}
	cid, err := f.courses.CreateCourse(ctx, course.CourseInput{Title: "Load test: child sexual exploitation awareness",
		Summary: "Load test course", DurationMinutes: 180, Status: course.Published, Topics: []string{"Exploitation"}})
	if err != nil {
		return nil, err
	}
	start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Hour)
	for i := range o.sessions {
		// Capacity below demand, so the run mixes confirmed places and waiting lists.
		id, err := f.courses.CreateSession(ctx, course.SessionInput{CourseID: cid,
			StartsAt: start.Add(time.Duration(i) * 24 * time.Hour), EndsAt: start.Add(time.Duration(i)*24*time.Hour + 3*time.Hour),
			Venue: "Guildhall, Bath", Capacity: min(course.MaxCapacity, max(1, o.users*3/4))})
		if err != nil {
			return nil, err
		}
		f.sessions = append(f.sessions, id)
	}
	for i := range o.users {
		u, err := f.accounts.CreateUser(ctx, account.NewUser{Email: fmt.Sprintf("p%05d@load.example.org", i),
			Name: fmt.Sprintf("Practitioner %d", i), OrganisationID: org.ID, Roles: []account.Role{account.Practitioner}})
		if err != nil {
			return nil, err
		}
		tok, err := f.accounts.CreateToken(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		f.userIDs = append(f.userIDs, u.ID)
		f.tokens = append(f.tokens, tok)
	}
	return f, nil
}

func run(ctx context.Context, o options, out io.Writer) error {
	if o.dir == "" {
		d, err := os.MkdirTemp("", "traininghub-load-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		o.dir = d
	}
	if o.postgres != "" {
		return runPostgres(ctx, o, out)
	}
	fmt.Fprintf(out, "traininghub load run: server at synchronous=%s, %d users x %d sessions = %d bookings a phase\n\n",
		o.sync, o.users, o.sessions, o.users*o.sessions)

	// References measured in this run, on this machine, as it is loaded now.
	naive := []struct {
		label    string
		sync     store.Sync
		n, group int
	}{
		{"naive one-row transactions, synchronous=normal (the naive ceiling)", store.SyncNormal, 20000, 1},
		{"naive one-row transactions, synchronous=full", store.SyncFull, 3000, 1},
		{"naive rows at synchronous=full, 64 to a commit", store.SyncFull, 20000, 64},
	}
	var naiveCeiling float64
	for i, n := range naive {
		r, err := measureNaive(ctx, filepath.Join(o.dir, fmt.Sprintf("naive%d.db", i)), n.sync, n.n, n.group)
		if err != nil {
			return fmt.Errorf("%s: %w", n.label, err)
		}
		if i == 0 {
			naiveCeiling = r.rate()
		}
		fmt.Fprintf(out, "%s: %d in %v = %.0f/s\n", n.label, r.ok, r.elapsed.Round(time.Millisecond), r.rate())
	}
	ceiling, err := measureCeiling(ctx, filepath.Join(o.dir, "ceiling.db"), o)
	if err != nil {
		return fmt.Errorf("ceiling: %w", err)
	}
	fmt.Fprintf(out, "booking engine, one booking after another, no HTTP: %d in %v = %.0f/s\n\n",
		ceiling.ok, ceiling.elapsed.Round(time.Millisecond), ceiling.rate())

	var base, lastPath string
	var last *fixture
	var lastAPI result
	for i, clients := range o.clientSet {
		phase := o
		phase.clients = clients
		lastPath = filepath.Join(o.dir, fmt.Sprintf("server%d.db", i))
		f, err := newFixture(ctx, lastPath, phase, true)
		if err != nil {
			return fmt.Errorf("fixture: %w", err)
		}
		defer f.db.Close()
		b, stop, err := startServer(f)
		if err != nil {
			return err
		}
		defer stop()
		base, last = b, f
		api, err := loadBookings(ctx, []string{base}, f, phase)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "API bookings, %d clients: %d ok (%d confirmed, %d waitlisted), %d busy (503), %d errors in %v = %.0f/s; p50 %v, p99 %v; %.0f%% of the naive ceiling\n",
			clients, api.ok, api.confirmed, api.waitlisted, api.busy, api.errors, api.elapsed.Round(time.Millisecond), api.rate(),
			api.p(50), api.p(99), 100*api.rate()/naiveCeiling)
		lastAPI = api
		if err := checkConsistency(ctx, f, api); err != nil {
			return err
		}
	}

	if answer := sampleAnswer.Load(); answer != nil {
		bareBase, stopBare, err := startBareBookingServer(*answer)
		if err != nil {
			return err
		}
		bare, err := loadBookings(ctx, []string{bareBase}, last, o)
		stopBare()
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "bare Gin handler answering the same bookings with the same %d bytes, no database, %d clients: %.0f/s; p50 %v, p99 %v (the HTTP ceiling for bookings; the API above is %.0f%% of it)\n",
			len(*answer), o.clients, bare.rate(), bare.p(50), bare.p(99), 100*lastAPI.rate()/bare.rate())
	}
	body, encoding, err := pageBytes(ctx, base+"/courses")
	if err != nil {
		return err
	}
	bareBase, stopBare, err := startBareServer(body, encoding)
	if err != nil {
		return err
	}
	bare, err := loadCatalogue(ctx, bareBase, o)
	stopBare()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "bare Gin handler, the same %d bytes (%s), %d clients: %.0f req/s; p50 %v, p99 %v (the HTTP ceiling)\n",
		len(body), encoding, o.clients, bare.rate(), bare.p(50), bare.p(99))
	cat, err := loadCatalogue(ctx, base, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "catalogue page GET /courses, %d clients: %d ok, %d errors in %v = %.0f req/s; p50 %v, p99 %v; %.0f%% of the bare handler\n",
		o.clients, cat.ok, cat.errors, cat.elapsed.Round(time.Millisecond), cat.rate(), cat.p(50), cat.p(99), 100*cat.rate()/bare.rate())
	if o.serveBin == "" {
		return nil
	}
	return reportProcess(ctx, out, lastPath, last, o)
}

// reportProcess measures a real serve process on the last phase's database beside the
// same binary starting on an empty one, in the same run.
func reportProcess(ctx context.Context, out io.Writer, path string, f *fixture, o options) error {
	var bookings int
	if err := f.db.R.QueryRowContext(ctx, `SELECT count(*) FROM bookings`).Scan(&bookings); err != nil {
		return err
	}
	empty, err := measureProcess(ctx, o.serveBin, filepath.Join(o.dir, "empty.db"), nil, o)
	if err != nil {
		return fmt.Errorf("serve on an empty database: %w", err)
	}
	fmt.Fprintf(out, "\nserve process on an empty database (migrations from nothing): first answer after %v, resident %d MiB\n",
		empty.firstAnswer.Round(time.Millisecond), empty.rssKiB/1024)
	full, err := measureProcess(ctx, o.serveBin, path, f.tokens, o)
	if err != nil {
		return fmt.Errorf("serve on the loaded database: %w", err)
	}
	fmt.Fprintf(out, "serve process on the loaded database (%d bookings): first answer after %v (%.1fx the empty start)\n",
		bookings, full.firstAnswer.Round(time.Millisecond), full.firstAnswer.Seconds()/empty.firstAnswer.Seconds())
	fmt.Fprintf(out, "  then GET /courses, %d clients: %.0f req/s, p99 %v; GET /api/v1/me/bookings: %.0f req/s, p99 %v, %d errors\n",
		o.clients, full.catalogue.rate(), full.catalogue.p(99), full.myBookings.rate(), full.myBookings.p(99), full.catalogue.errors+full.myBookings.errors)
	fmt.Fprintf(out, "  resident memory after the load: %d MiB (peak %d MiB)\n", full.rssKiB/1024, full.peakKiB/1024)
	return nil
}

// parseClients reads "64" or "1,8,64,256".
func parseClients(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a number of clients", part)
		}
		out = append(out, n)
	}
	return out, nil
}

func startServer(f *fixture) (string, func(), error) {
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	app, err := server.New(server.Config{}, server.Deps{DB: f.db, Accounts: f.accounts, Courses: f.courses,
		Bookings: f.bookings, Now: clock.System, Log: log})
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := server.HTTPServer(ln.Addr().String(), app.Handler)
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// measureCeiling books the same workload straight through the booking engine, one
// transaction after another, with no HTTP in the way.
func measureCeiling(ctx context.Context, path string, o options) (result, error) {
	f, err := newFixture(ctx, path, o, false)
	if err != nil {
		return result{}, err
	}
	defer f.db.Close()
	var r result
	began := time.Now()
	for _, sid := range f.sessions {
		for _, uid := range f.userIDs {
			if _, err := f.bookings.Book(ctx, booking.Request{SessionID: sid, UserID: uid}); err != nil {
				return r, err
			}
			r.ok++
		}
	}
	r.elapsed = time.Since(began)
	return r, nil
}
