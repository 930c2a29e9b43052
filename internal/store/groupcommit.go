package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// Group commit: with synchronous=FULL every commit waits for the disk, so one commit per
// booking would cap bookings at the disk's fsync rate. Instead one writer goroutine takes
// the writes queued in this process in arrival order, runs each inside its own SAVEPOINT
// of one shared transaction, commits once, and only then answers every caller. A lone
// write does not wait for company: the group is whatever has queued while the previous
// commit was on its way to the disk.

const (
	// maxGroupWrites bounds how many writes share one commit, so the first in a group
	// is not kept waiting by a long line behind it.
	maxGroupWrites = 128
	// maxGroupTime stops a group taking more writes once its callbacks have run this
	// long; the rest go in the next group.
	maxGroupTime = 10 * time.Millisecond
)

// errClosed answers writes still queued when the database is closed.
var errClosed = errors.New("database closed")

// Write states: a queued write is taken by the writer or abandoned by its caller, never
// both; whichever compare-and-swap wins decides.
const (
	writeQueued int32 = iota
	writeTaken
	writeAbandoned
)

// writeRequest is one call of Write waiting in the queue.
type writeRequest struct {
	ctx   context.Context
	fn    func(tx *sql.Tx) error
	quiet bool // changes nothing a cache or the mail worker watches: Generation stays
	// started is when the writer took the write; set before fn runs, read by the caller
	// after the answer, so the channel orders the two.
	started time.Time
	state   atomic.Int32
	done    chan error // buffered: the writer never blocks on an answer
}

// groupWriter owns the writer connection and the queue in front of it.
type groupWriter struct {
	// groupTime is maxGroupTime; the group commit tests lengthen it, so that a write held
	// open on purpose on a loaded machine does not close its group early.
	groupTime time.Duration
	queue     chan *writeRequest
	stop      chan struct{}
	stopped   chan struct{}
	startOnce sync.Once
	stopOnce  sync.Once
}

func newGroupWriter() *groupWriter {
	return &groupWriter{
		groupTime: maxGroupTime,
		queue:     make(chan *writeRequest, 4*maxGroupWrites),
		stop:      make(chan struct{}),
		stopped:   make(chan struct{}),
	}
}

// Write runs fn in a BEGIN IMMEDIATE transaction on the writer, so a check and the write
// that depends on it can never interleave with another writer. fn may share its commit
// with other writes queued at the same moment, each in its own savepoint: an error or a
// panic in fn undoes only fn's changes. Write returns only after the commit that holds
// fn's changes has returned, and if that commit fails every write in it gets the error.
func (d *DB) Write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return d.write(ctx, fn, false)
}

// WriteUnseen is Write for bookkeeping that no cached page shows and no worker waits for,
// such as sign-in sessions: it commits the same way but leaves Generation alone, so a
// signed-in visitor's every page view does not empty the catalogue's caches.
func (d *DB) WriteUnseen(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return d.write(ctx, fn, true)
}

// write queues fn for the writer and remembers when the storage was last full, for the
// readiness check.
func (d *DB) write(ctx context.Context, fn func(tx *sql.Tx) error, quiet bool) error {
	if after := d.AfterWrite; after != nil && !quiet {
		change := fn
		fn = func(tx *sql.Tx) error {
			if err := change(tx); err != nil {
				return err
			}
			return after(ctx, tx)
		}
	}
	err := d.queueAndWait(ctx, fn, quiet)
	if IsFull(err) {
		d.lastFull.Store(time.Now().UnixNano())
	}
	return err
}

func (d *DB) queueAndWait(ctx context.Context, fn func(tx *sql.Tx) error, quiet bool) error {
	if d.Dialect() == Postgres {
		return d.writePostgres(ctx, fn, quiet)
	}
	select {
	case <-d.writer.stop:
		return errClosed
	default:
	}
	d.writer.startOnce.Do(func() { go d.writeLoop() })
	req := &writeRequest{ctx: ctx, fn: fn, quiet: quiet, done: make(chan error, 1)}
	if d.Observe != nil {
		asked := time.Now()
		defer func() {
			if !req.started.IsZero() { // the writer took it: it waited, then ran
				d.Observe(req.started.Sub(asked), time.Since(asked))
			}
		}()
	}
	expired, stopTimer := d.queueDeadline(ctx)
	defer stopTimer()

	select {
	case d.writer.queue <- req:
	case <-d.writer.stop:
		return errClosed
	case <-expired:
		return fmt.Errorf("%w: waited %v behind other writers", ErrBusy, d.QueueTimeout)
	case <-ctx.Done():
		return waitError(ctx)
	}

	select {
	case err := <-req.done:
		return answer(err)
	case <-expired:
		if req.state.CompareAndSwap(writeQueued, writeAbandoned) {
			return fmt.Errorf("%w: waited %v behind other writers", ErrBusy, d.QueueTimeout)
		}
	case <-ctx.Done():
		if req.state.CompareAndSwap(writeQueued, writeAbandoned) {
			return waitError(ctx)
		}
	}
	// The writer took it first: fn is running or has run, so its outcome must be heard.
	return answer(<-req.done)
}

// queueDeadline bounds the wait for the writer: until ctx's deadline when it has one (a
// caller whose write must land can allow longer), otherwise QueueTimeout, so a caller
// answers 503 rather than hanging behind a stuck writer.
func (d *DB) queueDeadline(ctx context.Context) (<-chan time.Time, func()) {
	if _, ok := ctx.Deadline(); ok {
		return nil, func() {}
	}
	wait := d.QueueTimeout
	if wait <= 0 {
		wait = DefaultQueueTimeout
	}
	timer := time.NewTimer(wait)
	return timer.C, func() { timer.Stop() }
}

func waitError(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: %v while waiting behind other writers", ErrBusy, ctx.Err())
	}
	return ctx.Err()
}

// panicked carries a panic out of the writer goroutine so Write can raise it again in the
// caller's goroutine, where the caller's own recovery (the HTTP server's) deals with it.
type panicked struct {
	value any
	stack []byte
}

func (p *panicked) Error() string { return fmt.Sprintf("panic in write: %v", p.value) }

func answer(err error) error {
	var p *panicked
	if errors.As(err, &p) {
		panic(fmt.Sprintf("%v\n\nwriter goroutine stack:\n%s", p.value, p.stack))
	}
	return err
}

// writeLoop is the one goroutine that writes. It runs until Close.
func (d *DB) writeLoop() {
	defer close(d.writer.stopped)
	for {
		select {
		case <-d.writer.stop:
			d.refuseQueued()
			return
		case first := <-d.writer.queue:
			if first.state.CompareAndSwap(writeQueued, writeTaken) {
				first.started = time.Now()
				d.commitGroup(first)
			}
		}
	}
}

// refuseQueued answers every write still waiting when the database closes.
func (d *DB) refuseQueued() {
	for {
		select {
		case req := <-d.writer.queue:
			if req.state.CompareAndSwap(writeQueued, writeTaken) {
				req.done <- errClosed
			}
		default:
			return
		}
	}
}

// commitGroup opens one transaction, runs first and then whatever else is queued (up to
// the group's bounds), commits, and answers each caller.
func (d *DB) commitGroup(first *writeRequest) {
	started := time.Now()
	tx, err := d.w.BeginTx(context.Background(), nil)
	if err != nil {
		first.done <- Classify(err)
		return
	}
	var waiting []*writeRequest // ran cleanly; answered after the commit
	seen := false               // some write in the group changes what Generation watches
	next := first
	for next != nil {
		ok, broken := d.runInSavepoint(tx, next)
		if broken != nil {
			// SQLite rolled the whole transaction back by itself (a full disk or an I/O
			// error does that), so the writes before this one are gone too.
			_ = tx.Rollback()
			for _, w := range waiting {
				w.done <- broken
			}
			return
		}
		if ok {
			waiting = append(waiting, next)
			seen = seen || !next.quiet
		}
		next = nil
		if len(waiting) < maxGroupWrites && time.Since(started) < d.writer.groupTime {
			next = d.takeQueued()
		}
	}
	if len(waiting) == 0 {
		_ = tx.Rollback()
		return
	}
	err = Classify(tx.Commit())
	if err == nil && seen {
		d.generation.Add(1)
	}
	for _, w := range waiting {
		w.done <- err
	}
}

// takeQueued takes the next write still wanted, without waiting for one.
func (d *DB) takeQueued() *writeRequest {
	for {
		select {
		case req := <-d.writer.queue:
			if req.state.CompareAndSwap(writeQueued, writeTaken) {
				req.started = time.Now()
				return req
			}
		default:
			return nil
		}
	}
}

// runInSavepoint runs one write's fn in its own savepoint. ok says its changes are kept
// for the commit; a failed fn is answered at once (nothing of it will be committed).
// broken is set when the transaction itself is gone.
func (d *DB) runInSavepoint(tx *sql.Tx, req *writeRequest) (ok bool, broken error) {
	if _, err := tx.Exec(`SAVEPOINT group_write`); err != nil {
		err = Classify(err)
		req.done <- err
		return false, err
	}
	err := callSafely(req.fn, tx)
	if err == nil {
		if _, err := tx.Exec(`RELEASE group_write`); err != nil {
			err = Classify(err)
			req.done <- err
			return false, err
		}
		return true, nil
	}
	req.done <- classifyFnError(err)
	if _, rbErr := tx.Exec(`ROLLBACK TO group_write`); rbErr != nil {
		return false, fmt.Errorf("transaction rolled back after a failed write: %w", Classify(err))
	}
	if _, relErr := tx.Exec(`RELEASE group_write`); relErr != nil {
		return false, Classify(relErr)
	}
	return false, nil
}

func classifyFnError(err error) error {
	var p *panicked
	if errors.As(err, &p) {
		return err
	}
	return Classify(err)
}

// callSafely runs fn, turning a panic into an error so one write's bug cannot take down
// the writer, and with it every other write.
func callSafely(fn func(tx *sql.Tx) error, tx *sql.Tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &panicked{value: v, stack: debug.Stack()}
		}
	}()
	return fn(tx)
}

// Exec runs one statement as a write of its own, through the same queue as every other
// write: for one-off changes such as a test's setup or an operator's command.
func (d *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := d.Write(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = tx.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

// Insert runs one INSERT ... RETURNING id as a write of its own and gives the new row's
// id; like Exec, for one-off rows such as a test's setup.
func (d *DB) Insert(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := d.Write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, query, args...).Scan(&id)
	})
	return id, err
}
