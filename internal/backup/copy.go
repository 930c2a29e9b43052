// Package backup copies a live traininghub database to a file while the server keeps
// serving, checks the copy, and keeps a nightly set of copies.
package backup

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// ErrExists refuses to write over a file that is already there: an old backup may be
// the one someone needs.
var ErrExists = errors.New("the backup file already exists")

// Result says what a copy holds, so the operator can see at a glance that it is whole.
type Result struct {
	Path     string
	Bytes    int64
	Took     time.Duration
	People   int64
	Bookings int64
}

// ErrNotSQLite: these backups copy a SQLite file; PostgreSQL is backed up with its own
// tools (pg_dump, or the server's base backups and WAL archive).
var ErrNotSQLite = errors.New("traininghub's backups copy a SQLite database; back up PostgreSQL with pg_dump or its server's own backups")

// Copy writes a consistent copy of db to dest with SQLite's VACUUM INTO, on a reader
// connection: it sees one snapshot of the database and never holds up a write. The copy
// is written under a temporary name beside dest, synced to disk, opened and checked with
// PRAGMA integrity_check, and only then renamed to dest, so dest is never half a file.
func Copy(ctx context.Context, db *store.DB, dest string, overwrite bool) (Result, error) {
	began := time.Now()
	res := Result{Path: dest}
	if db.Dialect() != store.SQLite {
		return res, ErrNotSQLite
	}
	if _, err := os.Stat(dest); err == nil && !overwrite {
		return res, fmt.Errorf("%w: %s", ErrExists, dest)
	}
	partial, err := partialName(dest)
	if err != nil {
		return res, err
	}
	defer os.Remove(partial) // gone already once renamed
	conn, err := db.R.Conn(ctx)
	if err != nil {
		return res, store.Classify(err)
	}
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, partial)
	conn.Close()
	if err != nil {
		return res, fmt.Errorf("copy the database to %s: %w", filepath.Dir(dest), store.Classify(err))
	}
	if err := syncFile(partial); err != nil {
		return res, err
	}
	if res.People, res.Bookings, err = check(ctx, partial); err != nil {
		return res, err
	}
	if err := os.Rename(partial, dest); err != nil {
		return res, fmt.Errorf("name the backup %s: %w", dest, err)
	}
	if err := syncFile(filepath.Dir(dest)); err != nil {
		return res, err
	}
	info, err := os.Stat(dest)
	if err != nil {
		return res, err
	}
	res.Bytes, res.Took = info.Size(), time.Since(began)
	return res, nil
}

// partialName is a fresh name beside dest for the copy while it is being written.
func partialName(dest string) (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".partial-"+hex.EncodeToString(b)), nil
}

// syncFile flushes a file, or a directory's entries, to the disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s to disk: %w", path, err)
	}
	return nil
}

// check opens a copy read-only, runs SQLite's integrity check and counts people and
// bookings.
func check(ctx context.Context, path string) (people, bookings int64, err error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	var verdict string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&verdict); err != nil {
		return 0, 0, fmt.Errorf("check the copy: %w", err)
	}
	if verdict != "ok" {
		return 0, 0, fmt.Errorf("the copy failed SQLite's integrity check: %s", verdict)
	}
	err = db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM bookings)`).Scan(&people, &bookings)
	return people, bookings, err
}
