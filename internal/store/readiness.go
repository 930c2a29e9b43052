package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/traininghub/traininghub/db"
)

// Path is the database file's path; empty when the pools were opened elsewhere.
func (d *DB) Path() string { return d.path }

// noteFull remembers when a write failed for lack of space, so /readyz can report a full
// disk that requests have met even when free space has since returned to the threshold.
func (d *DB) noteFull(err error) error {
	if err != nil && IsFull(err) {
		d.lastFull.Store(time.Now().UnixNano())
	}
	return err
}

// LastFull is when a write last failed with ErrFull; zero if never.
func (d *DB) LastFull() time.Time {
	if n := d.lastFull.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// CheckWritable proves that a write can happen now: the writer takes SQLite's write lock
// (its BEGIN IMMEDIATE) and commits an update of no rows within ctx, which shows the
// writer is not stuck behind a lock, and the file still opens for writing, which a
// read-only remount or changed permissions would refuse. It changes nothing.
func (d *DB) CheckWritable(ctx context.Context) error {
	err := d.WriteUnseen(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE goose_db_version SET is_applied = is_applied WHERE 0`)
		return err
	})
	if err != nil {
		return err
	}
	if d.path != "" {
		return fileWritable(d.path)
	}
	return nil
}

// MigrationVersions gives the schema version the database is at and the newest one
// embedded in this binary; they differ when migrations have not run.
func (d *DB) MigrationVersions(ctx context.Context) (current, latest int64, err error) {
	sub, err := fs.Sub(db.FS, "migrations")
	if err != nil {
		return 0, 0, err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, d.R, sub)
	if err != nil {
		return 0, 0, err
	}
	for _, s := range p.ListSources() {
		latest = max(latest, s.Version)
	}
	if err := d.R.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&current); err != nil {
		return 0, latest, fmt.Errorf("read schema version: %w", Classify(err))
	}
	return current, latest, nil
}

// fileWritable opens the database file for writing and closes it again.
func fileWritable(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	return f.Close()
}
