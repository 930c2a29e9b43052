package outbox_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/notify"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

const host = "training.example.org"

// rig is a real database, the booking engine, the real renderer and a worker pointed at
// an SMTP address (a real go-smtp server, or nothing at all).
type rig struct {
	env      *testkit.Env
	bookings *booking.Service
	log      outbox.Log
	orgID    int64
	courseID int64
}

func newRig(t testing.TB) *rig {
	t.Helper()
	env := testkit.New(t)
	org := env.Org(t, "Avon and Somerset Police", "police")
	return &rig{env: env, bookings: booking.NewService(env.DB, env.Clock.Now), log: outbox.Log{DB: env.DB},
		orgID: org.ID, courseID: env.Course(t, "Child sexual exploitation awareness", "Exploitation")}
}

func renderer(t testing.TB) outbox.Renderer {
	t.Helper()
	r, err := notify.New(notify.Config{BaseURL: "https://" + host, SiteName: "Test Partnership training",
		OrganizerName: "Partnership Training", OrganizerEmail: "training@" + host, UIDHost: host})
	if err != nil {
		t.Fatalf("notify.New: %v", err)
	}
	return r
}

// worker builds a worker on db sending to addr ("" for no mail server). Retries wait
// exactly BaseDelay, doubling, so tests can step the clock past them.
func (r *rig) worker(t testing.TB, db *store.DB, addr string) *outbox.Worker {
	t.Helper()
	return r.workerWith(t, db, addr, func(*outbox.Config) {})
}

// workerWith is worker with its configuration adjusted first.
func (r *rig) workerWith(t testing.TB, db *store.DB, addr string, adjust func(*outbox.Config)) *outbox.Worker {
	t.Helper()
	var sender mail.Sender
	if addr != "" {
		h, p, _ := net.SplitHostPort(addr)
		port, _ := strconv.Atoi(p)
		sender = mail.NewSMTP(mail.SMTPConfig{Host: h, Port: port, TLS: mail.TLSNone, Timeout: 5 * time.Second})
	}
	cfg := outbox.Config{Sender: sender, Renderer: renderer(t), Host: host,
		Links: account.EmailLinks{DB: db, Now: r.env.Clock.Now},
		From:  mail.Address{Name: "Partnership Training", Email: "training@" + host}, Now: r.env.Clock.Now,
		BaseDelay: 30 * time.Second, MaxAttempts: 5, Jitter: func(d time.Duration) time.Duration { return d },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	adjust(&cfg)
	return outbox.NewWorker(db, cfg)
}

// drain runs the worker until nothing is due now.
func drain(t testing.TB, w *outbox.Worker) {
	t.Helper()
	for range 100 {
		n, err := w.RunOnce(context.Background())
		if err != nil {
			t.Fatalf("RunOnce: %v", err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("worker never ran dry")
}

func (r *rig) person(t testing.TB, email string) int64 {
	t.Helper()
	return r.env.User(t, email, r.orgID).ID
}

func (r *rig) session(t testing.TB, in time.Duration, capacity int) int64 {
	t.Helper()
	return r.env.Session(t, r.courseID, in, capacity)
}

func (r *rig) book(t testing.TB, sessionID, userID int64) booking.Booking {
	t.Helper()
	res, err := r.bookings.Book(context.Background(), booking.Request{SessionID: sessionID, UserID: userID})
	if err != nil {
		t.Fatalf("book: %v", err)
	}
	return res.Booking
}

// statuses counts outbox rows by status.
func statuses(t testing.TB, db *store.DB) map[outbox.Status]int {
	t.Helper()
	counts, err := outbox.Log{DB: db}.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return counts
}

// freeAddr returns a loopback address nothing listens on (yet).
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func countRows(t testing.TB, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
