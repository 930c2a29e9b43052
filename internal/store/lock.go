package store

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"
)

// postgresTxs holds the transactions Write has open on PostgreSQL, so LockRow, given
// only the *sql.Tx every package already passes around, knows whether to lock.
var postgresTxs sync.Map // *sql.Tx → struct{}

// LockRow locks one row until the write commits, before the write reads what it decides
// on: the locking rule every read-then-write inside Write follows (or else a constraint
// decides). On SQLite it does nothing, since a Write holds the database's one write lock
// from its first statement. On PostgreSQL it is SELECT ... FOR UPDATE, so writers to the
// same row, in this process or another, take turns as they do on SQLite.
// table is a constant of the caller's, never user input.
func LockRow(ctx context.Context, tx *sql.Tx, table string, id int64) error {
	if _, ok := postgresTxs.Load(tx); !ok {
		return nil
	}
	var got int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM `+table+` WHERE id = ? FOR UPDATE`, id).Scan(&got)
	if err == sql.ErrNoRows {
		return nil // nothing to lock; the caller's own read says it is missing
	}
	return err
}

// LockName is LockRow for something that has no row to lock yet, such as a counter kept
// by key that the write may be about to create: writers that name the same thing take
// turns until the commit. On PostgreSQL it is a transaction's advisory lock on a hash of
// the name; on SQLite it does nothing, as for LockRow. Writers that take several names
// take them in one order (sorted), so two of them cannot wait on each other.
func LockName(ctx context.Context, tx *sql.Tx, name string) error {
	if _, ok := postgresTxs.Load(tx); !ok {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, name)
	return err
}

// Exclusively runs a scheduled job's pass unless another server of the same database is
// running that job now, in which case it reports ran false and does nothing: several
// serve processes share one PostgreSQL database, and each job's pass should happen once.
// The jobs' own writes already refuse to do anything twice (a reminder's sent mark, a
// digest's week); this saves the repeated work. On SQLite, one server owns the file, so
// fn always runs.
func (d *DB) Exclusively(ctx context.Context, job string, fn func() error) (ran bool, err error) {
	if d.Dialect() != Postgres {
		return true, fn()
	}
	conn, err := d.w.Conn(ctx)
	if err != nil {
		return false, Classify(err)
	}
	defer conn.Close()
	key := "job:" + job
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtextextended(?, 0))`, key).Scan(&got); err != nil {
		return false, Classify(err)
	}
	if !got {
		return false, nil
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtextextended(?, 0))`, key)
	return true, fn()
}

// Every runs a scheduled job's pass now and then every interval until ctx ends, each
// pass Exclusively (one server at a time). A failed pass is logged (when log is set) and
// the next tries again: the jobs pick up where they left off.
func (d *DB) Every(ctx context.Context, job string, interval time.Duration, log *slog.Logger, pass func(ctx context.Context) error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		_, err := d.Exclusively(ctx, job, func() error { return pass(ctx) })
		if err != nil && ctx.Err() == nil && log != nil {
			log.Warn(job, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
