package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/store"
)

// Envelope is one queued message as the renderer sees it.
type Envelope struct {
	ID      int64
	Kind    Kind
	To      mail.Address
	Payload Payload
}

// Renderer turns a queued message into an email (text, HTML and any calendar part).
type Renderer interface {
	Render(e Envelope) (mail.Message, error)
}

// LinkMinter makes the secret of an emailed link at the moment its email is sent, so
// no secret waits in the queue in plain text: it stores a hash of a fresh secret for the
// link and returns the secret, or an error when the link is no longer wanted (used,
// expired, its account gone).
type LinkMinter interface {
	MintLink(ctx context.Context, kind Kind, linkID int64) (string, error)
}

// Config tunes the worker. Zero values take the defaults noted.
type Config struct {
	Sender      mail.Sender // nil: no mail server; messages are rendered and kept as not sent
	Renderer    Renderer
	Links       LinkMinter // mints password and email-confirmation links as they are sent
	From        mail.Address
	Host        string        // for Message-IDs: <outbox-ID@Host>
	MaxAttempts int           // default 8
	BaseDelay   time.Duration // first retry after about this long; default 30s, doubling
	MaxDelay    time.Duration // default 1h
	Poll        time.Duration // how often to look for due mail without a nudge; default 1s
	SendTimeout time.Duration // default 60s
	// Connections is how many messages are sent at once, each on its own connection, so
	// one hung conversation does not hold up the rest; default 4.
	Connections int
	Now         clock.Clock
	Log         *slog.Logger
	// Jitter spreads retries so a recovering server is not hit by every message at once;
	// default: a random duration between half and all of d.
	Jitter func(d time.Duration) time.Duration
	// Attempted, when set, hears each handover to the mail server (for the metrics): err
	// nil for a message accepted, otherwise whether it will be tried again.
	Attempted func(err error, willRetry bool)
}

// Worker sends what the outbox holds.
type Worker struct {
	db  *store.DB
	cfg Config

	mu       sync.Mutex
	inflight map[int64]bool // rows a connection is sending now; no other connection takes them
	beat     atomic.Int64   // when a sending connection last came round its loop, UnixNano
}

// Heartbeat is when a sending connection last came back from its work: a worker whose
// every connection hangs stops beating. Zero before Run starts.
func (w *Worker) Heartbeat() time.Time {
	if n := w.beat.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// NewWorker fills in defaults.
func NewWorker(db *store.DB, cfg Config) *Worker {
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = 30 * time.Second
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = time.Hour
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = 60 * time.Second
	}
	if cfg.Connections <= 0 {
		cfg.Connections = DefaultConnections
	}
	if cfg.Now == nil {
		cfg.Now = clock.System
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Jitter == nil {
		cfg.Jitter = func(d time.Duration) time.Duration { return d/2 + rand.N(d/2+1) }
	}
	if cfg.Host == "" {
		cfg.Host = "traininghub.invalid"
	}
	return &Worker{db: db, cfg: cfg, inflight: map[int64]bool{}}
}

// DefaultConnections is how many messages the worker sends at once unless told otherwise.
const DefaultConnections = 4

// MessageID is the stable Message-ID of outbox row id, so a resend after a crash is
// recognisable as the same message.
func (w *Worker) MessageID(id int64) string { return fmt.Sprintf("<outbox-%d@%s>", id, w.cfg.Host) }

// Run sends due mail until ctx ends over Connections connections at once, waking at once
// after any committed write (a new booking) and every Poll otherwise. One hung connection
// holds up only the message on it; the others keep taking the most urgent mail due. A send
// in flight when ctx ends is finished first.
func (w *Worker) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for range w.cfg.Connections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.lane(ctx)
		}()
	}
	wg.Wait()
}

// lane is one sending connection's loop: take the most urgent message due, send it, repeat;
// when nothing is due, wait for a nudge or the poll.
func (w *Worker) lane(ctx context.Context) {
	const nudgeCheck = 50 * time.Millisecond
	lastGen := w.db.Generation() - 1 // look once at start
	lastRun := time.Time{}
	tick := time.NewTicker(nudgeCheck)
	defer tick.Stop()
	for {
		w.beat.Store(time.Now().UnixNano())
		if gen := w.db.Generation(); gen != lastGen || time.Since(lastRun) >= w.cfg.Poll {
			lastGen, lastRun = gen, time.Now()
			for ctx.Err() == nil {
				d, ok, err := w.claim(ctx)
				if err != nil {
					if ctx.Err() == nil {
						w.cfg.Log.Warn("outbox", "err", err)
					}
					break
				}
				if !ok {
					break
				}
				err = w.process(ctx, d)
				w.release(d.id)
				w.beat.Store(time.Now().UnixNano())
				if err != nil && ctx.Err() == nil {
					w.cfg.Log.Warn("outbox", "err", err)
					break
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

type due struct {
	id        int64
	kind      Kind
	email     string
	name      string
	payload   string
	attempts  int
	expires   store.Time
	hasExpiry bool
}

// claim picks the most urgent message due now that no connection of this server or
// another is sending, and leases it: account-security mail first, bulk mail last, oldest
// first within each.
func (w *Worker) claim(ctx context.Context) (due, bool, error) {
	// Another server may lease the same message between the look and the lease; then
	// look again (its lease hides that message now).
	for range 8 {
		d, ok, err := w.nextDue(ctx)
		if err != nil || !ok {
			return due{}, false, err
		}
		won, err := w.lease(ctx, d.id)
		if err != nil {
			w.release(d.id)
			return due{}, false, err
		}
		if won {
			return d, true, nil
		}
		w.release(d.id)
	}
	return due{}, false, nil
}

// Lease is how long a server may take to send a message it has claimed before another
// server may take it over: the whole conversation's limit and time to record the
// outcome. A message is sent twice only if its sender outlives its lease.
func (w *Worker) Lease() time.Duration { return w.cfg.SendTimeout + 10*time.Second }

// lease claims message id until Lease from now, if nobody holds it; it reports whether
// this worker won it. Only on PostgreSQL, where several servers share the outbox: a
// SQLite file has one server, whose connections' in-memory claims (nextDue) suffice
// without a write for every message.
func (w *Worker) lease(ctx context.Context, id int64) (bool, error) {
	if w.db.Dialect() != store.Postgres {
		return true, nil
	}
	now := w.cfg.Now()
	var won bool
	// Unseen: a lease changes nothing a page shows, and must not wake the lanes again.
	err := w.db.WriteUnseen(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET claimed_until = ?
			WHERE id = ? AND status IN ('queued', 'retrying') AND (claimed_until IS NULL OR claimed_until <= ?)`,
			store.FormatTime(now.Add(w.Lease())), id, store.FormatTime(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		won = n == 1
		return err
	})
	return won, err
}

// nextDue finds the most urgent message due that nobody is sending and marks it as this
// worker's in memory (so its other connections pass it by) until release.
func (w *Worker) nextDue(ctx context.Context) (due, bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	busy := make([]any, 0, len(w.inflight)+2)
	busy = append(busy, store.FormatTime(w.cfg.Now()))
	marks := ""
	for id := range w.inflight {
		busy = append(busy, id)
		marks += ",?"
	}
	// Within one recipient, due mail keeps its order (a booking's invite before its
	// cancellation), as when one connection sent everything; only urgent mail overtakes.
	q := `SELECT id, kind, recipient_email, recipient_name, payload, attempts, COALESCE(expires_at, '')
		FROM outbox o WHERE status IN ('queued', 'retrying') AND next_attempt_at <= ?1
		AND (claimed_until IS NULL OR claimed_until <= ?1)`
	if marks != "" {
		q += ` AND id NOT IN (` + marks[1:] + `)`
	}
	q += ` AND (` + prioritySQL + ` = 0 OR NOT EXISTS (SELECT 1 FROM outbox p
			WHERE p.status IN ('queued', 'retrying') AND p.next_attempt_at <= ?1
			AND p.id < o.id AND p.recipient_email = o.recipient_email))
		ORDER BY ` + prioritySQL + `, id LIMIT 1`
	var d due
	var expires string
	err := w.db.R.QueryRowContext(ctx, q, busy...).Scan(&d.id, &d.kind, &d.email, &d.name, &d.payload, &d.attempts, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return due{}, false, nil
	}
	if err != nil {
		return due{}, false, store.Classify(err)
	}
	if expires != "" {
		if d.expires.T, err = store.ParseTime(expires); err != nil {
			return due{}, false, err
		}
		d.hasExpiry = true
	}
	w.inflight[d.id] = true
	return d, true, nil
}

func (w *Worker) release(id int64) {
	w.mu.Lock()
	delete(w.inflight, id)
	w.mu.Unlock()
}

// RunOnce sends every message due now, most urgent first, over Connections connections at
// once, and returns how many it handled. The first failure to record an outcome is
// returned.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		n        int
		firstErr error
	)
	for range w.cfg.Connections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				d, ok, err := w.claim(ctx)
				if err == nil && ok {
					err = w.process(ctx, d)
					w.release(d.id)
					mu.Lock()
					n++
					mu.Unlock()
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				if !ok {
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return n, firstErr
}

// process renders and sends one message and records the outcome. Only a failure to
// record is returned: everything about the message itself ends up on its row.
func (w *Worker) process(ctx context.Context, d due) error {
	env := Envelope{ID: d.id, Kind: d.kind, To: mail.Address{Name: d.name, Email: d.email}}
	if err := json.Unmarshal([]byte(d.payload), &env.Payload); err != nil {
		return w.finish(ctx, d, Failed, "", "", "unreadable payload: "+err.Error())
	}
	if linkID := env.Payload.linkToMint(); linkID != 0 {
		if w.cfg.Links == nil {
			return w.finish(ctx, d, Failed, "", "", "could not make the link: no link minter is configured")
		}
		token, err := w.cfg.Links.MintLink(ctx, d.kind, linkID)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, store.ErrBusy) {
				// Try again on the next pass, here or at another server: give the lease back.
				_ = w.write(ctx, `UPDATE outbox SET claimed_until = NULL WHERE id = ?`, d.id)
				return err
			}
			return w.finish(ctx, d, Failed, "", "", "Not sent: "+describe(err))
		}
		env.Payload.setMinted(token)
	}
	msg, err := w.cfg.Renderer.Render(env)
	if err != nil {
		return w.finish(ctx, d, Failed, "", "", "could not render: "+err.Error())
	}
	msg.MessageID = w.MessageID(d.id)
	msg.From = w.cfg.From
	msg.To = env.To
	logText := msg.Text
	if secret := env.Payload.secretInText(); secret != "" {
		// The log is for admins; a working link is for its owner alone.
		logText = strings.ReplaceAll(logText, secret, "[hidden]")
	}
	now := w.cfg.Now()
	switch {
	case w.cfg.Sender == nil:
		return w.finish(ctx, d, NotSent, msg.Subject, logText, "No mail server is configured, so this message was kept but not sent.")
	case d.hasExpiry && !now.Before(d.expires.T):
		return w.finish(ctx, d, Failed, msg.Subject, logText, "Not sent: the session had already started.")
	}
	// Finish the conversation even if shutdown begins: a half-sent message helps nobody.
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.cfg.SendTimeout)
	err = w.cfg.Sender.Send(sendCtx, msg)
	cancel()
	d.attempts++
	if w.cfg.Attempted != nil {
		w.cfg.Attempted(err, err != nil && mail.Temporary(err) && d.attempts < w.cfg.MaxAttempts)
	}
	switch {
	case err == nil:
		return w.finish(ctx, d, Sent, msg.Subject, logText, "")
	case !mail.Temporary(err) || d.attempts >= w.cfg.MaxAttempts:
		return w.finish(ctx, d, Failed, msg.Subject, logText, describe(err))
	default:
		return w.retry(ctx, d, msg.Subject, logText, describe(err))
	}
}

// backoff doubles from BaseDelay for each attempt made, up to MaxDelay, with jitter.
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.cfg.BaseDelay
	for i := 1; i < attempts && d < w.cfg.MaxDelay; i++ {
		d *= 2
	}
	return w.cfg.Jitter(min(d, w.cfg.MaxDelay))
}

func (w *Worker) retry(ctx context.Context, d due, subject, text, lastErr string) error {
	now := w.cfg.Now()
	next := now.Add(w.backoff(d.attempts))
	return w.write(ctx, `UPDATE outbox SET status = 'retrying', attempts = ?, next_attempt_at = ?, last_error = ?,
		subject = ?, body_text = ?, updated_at = ?, claimed_until = NULL WHERE id = ?`,
		d.attempts, store.FormatTime(next), lastErr, subject, text, store.FormatTime(now), d.id)
}

func (w *Worker) finish(ctx context.Context, d due, status Status, subject, text, lastErr string) error {
	now := store.FormatTime(w.cfg.Now())
	var sentAt any
	if status == Sent {
		sentAt = now
	}
	payload := d.payload
	if d.kind == PasswordReset && status != NotSent {
		payload = "{}" // a reset link is a secret: keep it no longer than needed to send it
	}
	return w.write(ctx, `UPDATE outbox SET status = ?, attempts = ?, last_error = ?, subject = ?, body_text = ?,
		payload = ?, sent_at = ?, updated_at = ?, claimed_until = NULL WHERE id = ?`, status, d.attempts, lastErr, subject, text, payload, sentAt, now, d.id)
}

// write records an outcome; it must land even during shutdown, or the message would be
// sent again after restart.
func (w *Worker) write(ctx context.Context, query string, args ...any) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return w.db.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, query, args...)
		return err
	})
}

// describe keeps an error short and on one line for the admin log.
func describe(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 500 {
		s = s[:500] + "…"
	}
	return s
}
