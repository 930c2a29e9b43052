package main

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// countBookings reads how many bookings a database file holds, and how many of them have
// no history row (which a torn copy would show).
func countBookings(t *testing.T, r *sql.DB) (bookings, withoutHistory int) {
	t.Helper()
	if err := r.QueryRow(`SELECT count(*) FROM bookings`).Scan(&bookings); err != nil {
		t.Fatal(err)
	}
	if err := r.QueryRow(`SELECT count(*) FROM bookings b WHERE NOT EXISTS
		(SELECT 1 FROM booking_history h WHERE h.booking_id = b.id)`).Scan(&withoutHistory); err != nil {
		t.Fatal(err)
	}
	return bookings, withoutHistory
}

// TestBackupWhileBookingsAreMade runs the backup command, with its own connections as a
// second process would have, while bookings are being made: the copy passes
// integrity_check, holds at least the bookings committed before it began and no more than
// exist after, and every booking in it has its history row.
func TestBackupWhileBookingsAreMade(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "live.db")
	fixture := prepareCrashDatabase(t, dbPath, 60, 4)
	ctx := context.Background()
	db, err := store.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	bookings := booking.NewService(db, clock.System)
	var users []int64
	rows, err := db.R.Query(`SELECT id FROM users ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		users = append(users, id)
	}
	rows.Close()

	var stop atomic.Bool
	var made atomic.Int64
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; !stop.Load(); i += 4 {
				u := users[i%len(users)]
				s := fixture.sessions[(i/len(users))%len(fixture.sessions)]
				_, err := bookings.Book(ctx, booking.Request{SessionID: s, UserID: u, ActorID: u})
				if err == nil {
					made.Add(1)
				}
				if i/len(users) >= len(fixture.sessions) {
					return // everyone is booked on everything
				}
			}
		}()
	}
	for made.Load() < 20 {
		time.Sleep(time.Millisecond)
	}
	before, _ := countBookings(t, db.R)
	copyPath := filepath.Join(dir, "copy.db")
	out, err := runCmd(t, "", "backup", "--db", dbPath, copyPath)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := countBookings(t, db.R)
	stop.Store(true)
	wg.Wait()
	if !strings.Contains(out, "integrity check ok") {
		t.Errorf("backup said %q", out)
	}
	if err := store.CheckIntegrity(ctx, copyPath); err != nil {
		t.Fatal(err)
	}
	c, err := sql.Open("sqlite3", "file:"+copyPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	inCopy, orphans := countBookings(t, c)
	t.Logf("bookings: %d before the backup began, %d in the copy, %d when it ended", before, inCopy, after)
	if inCopy < before || inCopy > after {
		t.Errorf("copy holds %d bookings, want between %d and %d", inCopy, before, after)
	}
	if orphans != 0 {
		t.Errorf("%d bookings in the copy have no history row", orphans)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 { // live.db, -wal, -shm, copy.db
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files left beside the backup: %v", names)
	}

	// A second backup to the same name is refused and leaves it alone, unless --force.
	if _, err := runCmd(t, "", "backup", "--db", dbPath, copyPath); !errors.Is(err, store.ErrBackupExists) {
		t.Errorf("backup over an existing file: %v, want ErrBackupExists", err)
	}
	if _, err := runCmd(t, "", "backup", "--db", dbPath, "--force", copyPath); err != nil {
		t.Errorf("backup --force: %v", err)
	}
	missing := filepath.Join(dir, "typo.db")
	if _, err := runCmd(t, "", "backup", "--db", missing, filepath.Join(dir, "other.db")); err == nil ||
		!strings.Contains(err.Error(), "no database at "+missing) {
		t.Errorf("backup of a database that is not there: %v", err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("backup created the database it was asked to copy")
	}
	if _, err := runCmd(t, "", "backup", "--db", dbPath, filepath.Join(dir, "missing", "x.db")); err == nil ||
		!strings.Contains(err.Error(), "backup directory") {
		t.Errorf("backup into a missing directory: %v", err)
	}
}

// TestServeStartsOnARestoredBackup restores a backup as docs/backups-and-health.md says
// (the copy in place of the database file, no -wal or -shm beside it) and runs the real
// serve command on it: it migrates nothing, answers, and holds the data.
func TestServeStartsOnARestoredBackup(t *testing.T) {
	dir := t.TempDir()
	livePath := filepath.Join(dir, "live.db")
	srv := startServe(t, livePath) // demo data
	copyPath := filepath.Join(dir, "backup.db")
	if _, err := runCmd(t, "", "backup", "--db", livePath, copyPath); err != nil {
		t.Fatal(err)
	}
	srv.stop(t)

	restored := filepath.Join(t.TempDir(), "traininghub.db")
	if err := os.Rename(copyPath, restored); err != nil {
		t.Fatal(err)
	}
	addr := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out, errOut strings.Builder
	go func() { done <- run(ctx, []string{"serve", "--addr", addr, "--db", restored}, nil, &out, &errOut) }()
	base := "http://" + addr
	waitHealthy(t, base, done)
	for _, path := range []string{"/readyz", "/courses", "/api/v1/sessions"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s on the restored copy = %d", path, resp.StatusCode)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve on the restored copy: %v\n%s", err, errOut.String())
	}
	c, err := sql.Open("sqlite3", "file:"+restored+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if n, orphans := countBookings(t, c); n == 0 || orphans != 0 {
		t.Errorf("restored copy: %d bookings, %d without history", n, orphans)
	}
}

// TestServeRefusesABadBackupDirectory: serve with --backup-dir naming something that is not
// a writable directory stops at start and says why.
func TestServeRefusesABadBackupDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := runCmd(t, "", "serve", "--db", filepath.Join(dir, "x.db"), "--addr", "127.0.0.1:0",
		"--backup-dir", filepath.Join(dir, "missing"))
	if err == nil || !strings.Contains(err.Error(), "--backup-dir: backup directory") || !strings.Contains(err.Error(), "no such file or directory") {
		t.Errorf("serve with a missing backup directory: %v", err)
	}
	_, err = runCmd(t, "", "serve", "--db", filepath.Join(dir, "x.db"), "--addr", "127.0.0.1:0",
		"--backup-dir", dir, "--backup-at", "25:00")
	if err == nil || !strings.Contains(err.Error(), "--backup-at") {
		t.Errorf("serve with --backup-at 25:00: %v", err)
	}
}
