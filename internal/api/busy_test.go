package api_test

import (
	"context"
	"database/sql"
	"net/http"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// TestBusyIs503 holds SQLite's write lock from another connection for longer than the
// server's busy timeout: the booking must be refused with 503 and Retry-After, change
// nothing, and succeed when retried after the lock is gone.
func TestBusyIs503(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 5 s busy timeout")
	}
	t.Parallel()
	f := newFixture(t)
	c := f.Course(t, "Whistleblowing")
	sid := f.Session(t, c, 5*24*time.Hour, 5)

	var seq int
	var name, file string
	if err := f.DB.R.QueryRow(`PRAGMA database_list`).Scan(&seq, &name, &file); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite3", "file:"+file+"?_busy_timeout=100&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	tx, err := other.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock, held
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO settings (key, value) VALUES ('lock-holder', 'yes')`); err != nil {
		t.Fatal(err)
	}

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
