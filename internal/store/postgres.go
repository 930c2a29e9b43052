package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// postgresPoolSize is each pool's connection limit per serve process; writes and reads
// have a pool each, so a burst of page views cannot starve bookings of connections.
const postgresPoolSize = 16

// openPostgres connects to the PostgreSQL database at dsn (postgres://...). There is no
// single writer: every Write is its own READ COMMITTED transaction, and writes that read
// before they change take row locks (LockRows), as the SQLite writer's one lock does.
func openPostgres(dsn string) (*DB, error) {
	w, err := postgresPool(dsn, false)
	if err != nil {
		return nil, err
	}
	r, err := postgresPool(dsn, true)
	if err != nil {
		w.Close()
		return nil, err
	}
	d := FromPools(w, r)
	d.dialect, d.address = Postgres, dsn
	cfg, _ := pgx.ParseConfig(dsn)        // parsed above already
	cfg.RuntimeParams["timezone"] = "UTC" // goose's tstamp is a local timestamp: make it UTC
	d.plain = stdlib.OpenDB(*cfg)
	d.plain.SetMaxOpenConns(1)
	d.listenForChanges(cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("connect to PostgreSQL at %s: %w", redactDSN(dsn), err)
	}
	return d, nil
}

// postgresPool opens one pool. Every connection works in UTC, gives up on a row lock
// after the same 5 s SQLite waits for its lock, and, for the reading pool, refuses to
// write, as SQLite's read-only readers do.
func postgresPool(dsn string, readOnly bool) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL address %s: %w", redactDSN(dsn), err)
	}
	cfg.RuntimeParams["timezone"] = "UTC"
	cfg.RuntimeParams["lock_timeout"] = "5s"
	if readOnly {
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
	}
	pool := sql.OpenDB(newPgConnector(cfg))
	pool.SetMaxOpenConns(postgresPoolSize)
	pool.SetMaxIdleConns(postgresPoolSize)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return pool, nil
}

// redactDSN hides a password in a connection address before it reaches a log or an error.
func redactDSN(dsn string) string {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return "(unreadable address)"
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}

// postgresWriteAttempts bounds how often a write is run again after PostgreSQL chose it
// as a deadlock's victim or could not serialise it: the whole transaction is undone, so
// running fn again is safe, and a second attempt almost always succeeds.
const postgresWriteAttempts = 3

// writePostgres runs fn in a transaction of its own and commits it.
func (d *DB) writePostgres(ctx context.Context, fn func(tx *sql.Tx) error, quiet bool) error {
	asked := time.Now()
	var err error
	for attempt := 1; attempt <= postgresWriteAttempts; attempt++ {
		if err = d.writePostgresOnce(ctx, fn, quiet); err == nil || !retryable(err) {
			break
		}
	}
	if err == nil && !quiet {
		d.generation.Add(1)
	}
	if d.Observe != nil {
		d.Observe(0, time.Since(asked))
	}
	return answer(err)
}

func (d *DB) writePostgresOnce(callerCtx context.Context, fn func(tx *sql.Tx) error, quiet bool) error {
	ctx, cancel := d.writeDeadline(callerCtx)
	defer cancel()
	tx, err := d.w.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return d.waitedTooLong(callerCtx, ctx, Classify(err))
	}
	postgresTxs.Store(tx, struct{}{})
	defer postgresTxs.Delete(tx)
	if err := callSafely(fn, tx); err != nil {
		_ = tx.Rollback()
		return d.waitedTooLong(callerCtx, ctx, classifyFnError(err))
	}
	if !quiet {
		// Delivered at commit to every server listening (see listen.go), so their caches
		// learn of this change as this server's do.
		if _, err := tx.ExecContext(ctx, `SELECT pg_notify('`+changesChannel+`', '')`); err != nil {
			_ = tx.Rollback()
			return d.waitedTooLong(callerCtx, ctx, Classify(err))
		}
	}
	return d.waitedTooLong(callerCtx, ctx, Classify(tx.Commit()))
}

// waitedTooLong turns the end of writeDeadline's own time limit into ErrBusy (a 503 with
// Retry-After), as on SQLite; the caller's own deadline or cancellation stays as it is.
func (d *DB) waitedTooLong(callerCtx, ctx context.Context, err error) error {
	if err != nil && callerCtx.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: no connection or lock within %v: %v", ErrBusy, d.QueueTimeout, err)
	}
	return err
}

// writeDeadline gives a write with no deadline of its own QueueTimeout to get a
// connection and run, as a SQLite write may wait that long for the writer.
func (d *DB) writeDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	wait := d.QueueTimeout
	if wait <= 0 {
		wait = DefaultQueueTimeout
	}
	return context.WithTimeout(ctx, wait)
}

// retryable says whether PostgreSQL undid a whole transaction in a way that running it
// again can fix.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// classifyPostgres maps PostgreSQL's errors onto the store's: lock waits, deadlocks and
// cancelled statements are ErrBusy, a full disk is ErrFull.
func classifyPostgres(err error) (error, bool) {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return nil, false
	}
	switch pe.Code {
	case "40001", "40P01", "55P03", "57014", "53300":
		return fmt.Errorf("%w: %v", ErrBusy, err), true
	case "53100":
		return fmt.Errorf("%w: %v", ErrFull, err), true
	}
	return nil, false
}

// isPostgresConstraint reports an integrity constraint violation (class 23).
func isPostgresConstraint(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && len(pe.Code) == 5 && pe.Code[:2] == "23"
}
