package api_test

import (
	"context"
	"database/sql"
	"net/http"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/mattn/go-sqlite3"

	"github.com/traininghub/traininghub/internal/store"
)

// TestBusyIs503 holds a lock the booking needs from another connection for longer than
// the server waits for it (SQLite's write lock; on PostgreSQL, the session's row): the
// booking must be refused with 503 and Retry-After, change nothing, and succeed when
// retried after the lock is gone.
func TestBusyIs503(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 5 s busy timeout")
	}
	t.Parallel()
	f := newFixture(t)
	c := f.Course(t, "Whistleblowing")
	sid := f.Session(t, c, 5*24*time.Hour, 5)

	tx := holdLock(t, f.Path, sid)

	began := time.Now()
	r := f.do(http.MethodPost, sessionPath(sid)+"/bookings", f.pracToken, nil)
	want(t, r, http.StatusServiceUnavailable, "book while the database is locked")
	if r.Header.Get("Retry-After") == "" || r.errorCode() != "busy" {
		t.Fatalf("503 must carry Retry-After and code busy: %v %s", r.Header, r.Body)
	}
	t.Logf("refused after %v", time.Since(began))
	// Reads still work while a writer holds the lock (WAL).
	want(t, f.do(http.MethodGet, sessionPath(sid), "", nil), http.StatusOK, "read during the lock")

	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := f.DB.R.QueryRow(`SELECT count(*) FROM bookings`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("a refused booking left %d rows (%v)", n, err)
	}
	want(t, f.do(http.MethodPost, sessionPath(sid)+"/bookings", f.pracToken, nil), http.StatusCreated, "retry")
}

// holdLock takes, from a connection of its own, the lock a booking on session sid must
// wait for, and keeps it until the returned transaction ends.
func holdLock(t *testing.T, path string, sid int64) *sql.Tx {
	t.Helper()
	driver, dsn, lock := "sqlite3", "file:"+path+"?_busy_timeout=100&_txlock=immediate",
		`INSERT INTO settings (key, value) VALUES ('lock-holder', 'yes')` // BEGIN IMMEDIATE: the write lock, held
	if store.IsPostgresURL(path) {
		driver, dsn, lock = "pgx", path, `SELECT id FROM course_sessions WHERE id = $1 FOR UPDATE`
	}
	other, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	tx, err := other.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	args := []any{}
	if driver == "pgx" {
		args = append(args, sid)
	}
	if _, err := tx.Exec(lock, args...); err != nil {
		t.Fatal(err)
	}
	return tx
}
