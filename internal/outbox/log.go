package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// Entry is one message as the admin email log shows it.
type Entry struct {
	ID            int64
	Kind          Kind
	ToEmail       string
	ToName        string
	Subject       string
	BodyText      string
	Status        Status
	Attempts      int
	LastError     string
	NextAttemptAt time.Time
	CreatedAt     time.Time
	SentAt        time.Time
	BookingID     int64
	SessionID     int64
	// ContentDeleted says why the message's content and address are gone (the email
	// retention period, or the person's erasure); "" while they are kept.
	ContentDeleted string
	Recipients     int // how many people it went to; kept when the content goes
}

// CreatedLondon is when the message was queued, as shown to admins.
func (e Entry) CreatedLondon() time.Time { return e.CreatedAt.In(clock.London) }

// Log reads the outbox for admins.
type Log struct{ DB *store.DB }

// Filter narrows the email log.
type Filter struct {
	Status Status // "" for all
	// Recipient keeps messages whose address contains it, ignoring case; "" for all.
	Recipient string
	Limit     int
	Before    int64 // page backwards from this id; 0 for the newest
}

const entryColumns = `id, kind, recipient_email, recipient_name, subject, body_text, status, attempts, last_error,
	next_attempt_at, created_at, COALESCE(sent_at, ''), COALESCE(booking_id, 0), COALESCE(session_id, 0),
	content_deleted_note, recipient_count`

func scanEntry(row interface{ Scan(...any) error }) (Entry, error) {
	var e Entry
	var next, created store.Time
	var sent string
	err := row.Scan(&e.ID, &e.Kind, &e.ToEmail, &e.ToName, &e.Subject, &e.BodyText, &e.Status, &e.Attempts,
		&e.LastError, &next, &created, &sent, &e.BookingID, &e.SessionID, &e.ContentDeleted, &e.Recipients)
	if err != nil {
		return e, store.Classify(err)
	}
	e.NextAttemptAt, e.CreatedAt = next.T, created.T
	if sent != "" {
		e.SentAt, err = store.ParseTime(sent)
	}
	return e, err
}

// List returns messages newest first.
func (l Log) List(ctx context.Context, f Filter) ([]Entry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	before := f.Before
	if before <= 0 {
		before = 1<<62 - 1
	}
	to := strings.ToLower(strings.TrimSpace(f.Recipient))
	rows, err := l.DB.R.QueryContext(ctx, `SELECT `+entryColumns+` FROM outbox
		WHERE id < ? AND (? = '' OR status = ?) AND (? = '' OR instr(lower(recipient_email), ?) > 0)
		ORDER BY id DESC LIMIT ?`, before, f.Status, f.Status, to, to, f.Limit)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Get returns one message.
func (l Log) Get(ctx context.Context, id int64) (Entry, error) {
	return scanEntry(l.DB.R.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM outbox WHERE id = ?`, id))
}

// Counts returns how many messages are in each status.
func (l Log) Counts(ctx context.Context) (map[Status]int, error) { return l.CountsTo(ctx, "") }

// CountsTo returns how many messages are in each status, of those whose address contains
// recipient (ignoring case; "" for every message).
func (l Log) CountsTo(ctx context.Context, recipient string) (map[Status]int, error) {
	to := strings.ToLower(strings.TrimSpace(recipient))
	rows, err := l.DB.R.QueryContext(ctx, `SELECT status, count(*) FROM outbox
		WHERE ? = '' OR instr(lower(recipient_email), ?) > 0 GROUP BY status`, to, to)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	out := map[Status]int{}
	for rows.Next() {
		var s Status
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// ErrAlreadyQueued refuses a resend of a message that is still waiting to go.
var ErrAlreadyQueued = problem.New(http.StatusConflict, "already_queued", "This message is already waiting to be sent.")

// Refusals for resends that would mislead.
var (
	ErrResetNotResendable = problem.Conflict("reset_single_use",
		"Password reset links work once and expire, so this email cannot be sent again. Ask the person to request a new link.")
	ErrOutOfDate = problem.Conflict("out_of_date",
		"A newer message about this booking has been sent since, so this one is out of date and cannot be sent again.")
	ErrExpired = problem.Conflict("expired",
		"The session has already started, so this message is no longer useful.")
	ErrContentDeleted = problem.Conflict("content_deleted",
		"This message's content and address have been deleted, so it cannot be sent again.")
)

// Resend queues a message again with the same Message-ID, so mail clients can tell it is
// the same message. Attempts start again from zero. Messages that would now mislead are
// refused: a used-up reset link, a booking message overtaken by a newer one (an invite
// with an old date or sequence), or session mail after the session started.
func (l Log) Resend(ctx context.Context, id int64, now time.Time) error {
	return l.DB.Write(ctx, func(tx *sql.Tx) error {
		var status Status
		var kind Kind
		var payload string
		var expires, deleted sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT status, kind, payload, expires_at, content_deleted_at FROM outbox WHERE id = ?`, id).
			Scan(&status, &kind, &payload, &expires, &deleted); err != nil {
			return err
		}
		if deleted.Valid {
			return ErrContentDeleted
		}
		if status == Queued || status == Retrying {
			return ErrAlreadyQueued
		}
		if kind == PasswordReset {
			return ErrResetNotResendable
		}
		if expires.Valid && expires.String <= store.FormatTime(now) {
			return ErrExpired
		}
		var p Payload
		if err := json.Unmarshal([]byte(payload), &p); err == nil && p.Booking != nil {
			var newer int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE booking_id = ? AND id > ?
				AND kind IN ('booking_confirmed', 'promoted', 'booking_cancelled', 'session_changed', 'session_cancelled',
				             'waitlist_joined', 'waitlist_left', 'session_changed_waitlist', 'session_cancelled_waitlist')`,
				p.Booking.BookingID, id).Scan(&newer); err != nil {
				return err
			}
			if newer > 0 {
				return ErrOutOfDate
			}
		}
		stamp := store.FormatTime(now)
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = ?,
			last_error = '', updated_at = ? WHERE id = ?`, stamp, stamp, id)
		return err
	})
}

// Resendable reports whether Resend would accept the message, for the log's buttons.
func (l Log) Resendable(e Entry, now time.Time) bool {
	return e.Status != Queued && e.Status != Retrying && e.Kind != PasswordReset && e.ContentDeleted == ""
}
