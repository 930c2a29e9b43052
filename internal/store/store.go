// Package store opens the SQLite database: one writer connection, a pool of readers.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/traininghub/traininghub/db"
)

// ErrNotFound is returned when a record asked for by id does not exist.
var ErrNotFound = errors.New("not found")

// ErrBusy means SQLite stayed locked past the busy timeout; callers answer 503.
var ErrBusy = errors.New("database busy")

// ErrFull means the disk (or the database's size limit) is full, so nothing can be
// saved; callers answer 503 and the service recovers by itself once space returns.
var ErrFull = errors.New("database storage full")

// DB pairs a single writer (SQLite allows one) with a pool of readers, so pages and
// reports never queue behind bookings.
type DB struct {
	w *sql.DB // the one writer connection: only the group writer and migrations use it
	R *sql.DB

	dialect Dialect // "" is SQLite
	address string  // the file path or postgres:// address it was opened with
	plain   *sql.DB // PostgreSQL only: a connection as pgx gives it, for goose
	// PostgreSQL only: the listener that counts other servers' changes (listen.go).
	stopListening context.CancelFunc
	listening     chan struct{}

	generation atomic.Uint64
	lastFull   atomic.Int64 // when a write last failed for want of space, UnixNano; 0: never
	// writer queues writes first come, first served, and commits them in groups (see
	// groupcommit.go).
	writer *groupWriter

	// QueueTimeout bounds how long a write whose context has no deadline waits for its turn
	// behind this process's other writers; then it is refused with ErrBusy (a 503). SQLite's
	// busy timeout only starts once the write has its turn, so without this bound writers
	// queued behind a lock held elsewhere would each wait one busy timeout longer than the
	// one before.
	QueueTimeout time.Duration

	// Observe, when set, is told of each write taken by the writer: how long it waited in
	// line, and how long until the commit holding it returned. Set it before the first
	// write; nil costs nothing.
	Observe func(wait, total time.Duration)
	// AfterWrite, when set, runs inside every write (not WriteUnseen's bookkeeping) after
	// its fn succeeded, in the same savepoint: the audit trail records a change in the
	// transaction that makes it, so neither is ever kept without the other. Set it before
	// the first write.
	AfterWrite func(ctx context.Context, tx *sql.Tx) error
}

// DefaultQueueTimeout matches the 5 s busy timeout set in Open's DSN.
const DefaultQueueTimeout = 5 * time.Second

// Generation counts committed Write transactions, so read caches can tell when the data
// they hold may be stale.
func (d *DB) Generation() uint64 { return d.generation.Load() }

// LastFull is when a write last failed because the storage was full; zero if never.
func (d *DB) LastFull() time.Time {
	if n := d.lastFull.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// Sync is how hard SQLite works to keep a commit through a crash.
type Sync string

const (
	// SyncFull waits for the disk at every commit: a booking answered 201 survives a
	// power cut or host crash. Group commit shares that wait among the writes queued
	// together, so it costs little under load. The default.
	SyncFull Sync = "full"
	// SyncNormal skips the wait: in WAL mode a commit survives the process dying, but a
	// power cut or host crash can lose the last commits, answered as done.
	SyncNormal Sync = "normal"
)

// ParseSync reads a --sync setting.
func ParseSync(s string) (Sync, error) {
	switch v := Sync(strings.ToLower(strings.TrimSpace(s))); v {
	case SyncFull, SyncNormal:
		return v, nil
	}
	return "", fmt.Errorf("sync must be full or normal, not %q", s)
}

// Open opens (creating if needed) the database file at path, with synchronous=FULL.
func Open(path string) (*DB, error) {
	return OpenSync(path, SyncFull)
}

// OpenSync opens the database file at path with the given synchronous setting; a
// postgres:// address opens that PostgreSQL database instead, where the server's own
// synchronous_commit decides durability.
func OpenSync(path string, sync Sync) (*DB, error) {
	if _, err := ParseSync(string(sync)); err != nil {
		return nil, err
	}
	if IsPostgresURL(path) {
		return openPostgres(path)
	}
	d, err := openSQLite(path, sync)
	if d != nil {
		d.address = path
	}
	return d, err
}

// Address is the file path or postgres:// address the database was opened with ("" for
// pools wrapped by FromPools). It may hold a password: never log it as it is.
func (d *DB) Address() string { return d.address }

func openSQLite(path string, sync Sync) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		if err := checkWritable(dir, path); err != nil {
			return nil, err
		}
	}
	params := url.Values{}
	params.Set("_journal_mode", "WAL")
	params.Set("_synchronous", strings.ToUpper(string(sync)))
	params.Set("_busy_timeout", "5000")
	params.Set("_foreign_keys", "on")
	params.Set("_txlock", "immediate")
	// Reuse prepared statements: the booking transaction runs the same dozen every time.
	params.Set("_stmt_cache_size", "64")
	w, err := sql.Open("sqlite3", "file:"+path+"?"+params.Encode())
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)

	params.Set("_txlock", "deferred")
	params.Set("mode", "ro")
	r, err := sql.Open("sqlite3", "file:"+path+"?"+params.Encode())
	if err != nil {
		w.Close()
		return nil, err
	}
	readers := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	d := FromPools(w, r)
	// Touch the writer first so the file and WAL exist before a read-only open.
	if err := w.Ping(); err != nil {
		d.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return d, nil
}

// checkWritable says plainly when the database cannot be written, rather than leaving
// SQLite to fail later with "attempt to write a readonly database" or "unable to open
// database file". SQLite needs to create the -wal and -shm files beside the database, so
// the directory itself must be writable, not just the file.
func checkWritable(dir, path string) error {
	f, err := os.CreateTemp(dir, ".traininghub-write-check-*")
	if err != nil {
		return fmt.Errorf("cannot write to %s (the database directory; SQLite keeps its journal there too): %w", dir, err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("cannot write to %s (the database directory): %w", dir, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("cannot write to %s (the database file): %w", path, err)
		}
		f.Close()
	}
	return nil
}

// FromPools wraps already-open writer and reader pools; Open is the usual way in.
func FromPools(w, r *sql.DB) *DB {
	return &DB{w: w, R: r, writer: newGroupWriter(), QueueTimeout: DefaultQueueTimeout}
}

// Close stops the writer once its current group has committed, refuses writes still
// queued, and closes both pools.
func (d *DB) Close() error {
	d.writer.stopOnce.Do(func() { close(d.writer.stop) })
	d.writer.startOnce.Do(func() { close(d.writer.stopped) }) // never started: nothing to wait for
	<-d.writer.stopped
	if d.stopListening != nil {
		d.stopListening()
		<-d.listening
	}
	if d.plain != nil {
		d.plain.Close()
	}
	return errors.Join(d.R.Close(), d.w.Close())
}

// Migrate applies every pending migration embedded in the binary. Migrations run on the
// writer connection directly, before the server takes any write. A database already
// ahead of the binary is refused with ErrNewerSchema.
func (d *DB) Migrate(ctx context.Context) error {
	p, err := d.migrations()
	if err != nil {
		return err
	}
	if err := refuseNewerSchema(ctx, p); err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// MigrateTo applies the embedded migrations up to and including version: tests of a data
// migration start from the schema before it.
func (d *DB) MigrateTo(ctx context.Context, version int64) error {
	p, err := d.migrations()
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("apply migrations to %d: %w", version, err)
	}
	return nil
}

func (d *DB) migrations() (*goose.Provider, error) {
	folder, dialect := "migrations", goose.DialectSQLite3
	if d.Dialect() == Postgres {
		folder, dialect = "postgres", goose.DialectPostgres
	}
	migrations, err := fs.Sub(db.FS, folder)
	if err != nil {
		return nil, err
	}
	conn := d.w
	var options []goose.ProviderOption
	if d.Dialect() == Postgres {
		// goose keeps its own booleans: it talks to PostgreSQL without the store's
		// rewriting (see pgConn).
		conn = d.plain
		// Servers started together each migrate: an advisory lock lets one at a time.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300)) // try each second for 5 minutes
		if err != nil {
			return nil, err
		}
		options = append(options, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, conn, migrations, options...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Ping reports whether the database answers a query; /healthz uses it.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.R.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Classify turns SQLite's busy and locked errors into ErrBusy and sql.ErrNoRows into
// ErrNotFound, keeping everything else as it is.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if errors.Is(err, ErrBusy) || errors.Is(err, ErrFull) {
		return err
	}
	if pgErr, ok := classifyPostgres(err); ok {
		return pgErr
	}
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked) {
		return fmt.Errorf("%w: %v", ErrBusy, err)
	}
	if IsFull(err) && !errors.Is(err, ErrFull) {
		return fmt.Errorf("%w: %v", ErrFull, err)
	}
	return err
}

// IsFull reports whether err means the storage is full: SQLITE_FULL, or an I/O error
// while writing or syncing (how a full disk often shows through the WAL), whether or not
// Classify has seen it yet.
func IsFull(err error) bool {
	if errors.Is(err, ErrFull) {
		return true
	}
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.ExtendedCode {
	case sqlite3.ErrIoErrWrite, sqlite3.ErrIoErrFsync, sqlite3.ErrIoErrDirFsync, sqlite3.ErrIoErrTruncate,
		sqlite3.ErrIoErrSHMSize:
		return true
	}
	return se.Code == sqlite3.ErrFull
}

// IsConstraint reports whether err is a SQLite constraint violation (unique, check,
// foreign key): the database refusing a write that the code should have refused first.
func IsConstraint(err error) bool {
	if isPostgresConstraint(err) {
		return true
	}
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code == sqlite3.ErrConstraint
}
