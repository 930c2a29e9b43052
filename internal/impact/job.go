package impact

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/store"
)

// FollowUps queues the follow-up emails and their reminders.
type FollowUps struct {
	DB  *store.DB
	Now clock.Clock
	Log *slog.Logger
}

// Queued counts what one pass queued.
type Queued struct {
	FollowUps int
	Reminders int
}

// candidate is one attended booking that may be owed a message.
type candidate struct {
	bookingID int64
	ends      time.Time
	days      int
	asked     *time.Time // nil: no follow-up yet
}

// Queue sends each follow-up whose moment has passed (not more than LateBy ago) and each
// reminder whose moment has passed, once. It only ever writes for people marked
// attended on a submitted register, whose account is active and who have not answered.
func (f *FollowUps) Queue(ctx context.Context) (Queued, error) {
	now := f.Now()
	cands, err := f.candidates(ctx, now)
	if err != nil {
		return Queued{}, err
	}
	var out Queued
	for _, c := range cands {
		switch {
		case c.asked == nil:
			due := Due(c.ends, c.days)
			if now.Before(due) || now.After(due.Add(LateBy)) {
				continue
			}
			sent, err := f.ask(ctx, c.bookingID, now)
			if err != nil {
				return out, err
			}
			if sent {
				out.FollowUps++
			}
		case !now.Before(c.asked.Add(ReminderAfter)) && now.Before(c.asked.Add(OpenFor)):
			sent, err := f.remind(ctx, c.bookingID, *c.asked, now)
			if err != nil {
				return out, err
			}
			if sent {
				out.Reminders++
			}
		}
	}
	return out, nil
}

// candidates are the attended bookings that are not finished with: no answer, and not
// yet reminded. Sessions that ended more than a year and LateBy ago cannot be owed a
// follow-up, so they are not read.
func (f *FollowUps) candidates(ctx context.Context, now time.Time) ([]candidate, error) {
	oldest := now.Add(-time.Duration(366*24)*time.Hour - LateBy - OpenFor)
	rows, err := f.DB.R.QueryContext(ctx, `SELECT b.id, s.ends_at, c.impact_followup_days, k.asked_at
		FROM bookings b
		JOIN course_sessions s ON s.id = b.session_id
		JOIN courses c ON c.id = s.course_id
		JOIN registers r ON r.session_id = s.id AND r.status = 'submitted'
		JOIN users u ON u.id = b.user_id AND u.active = 1
		LEFT JOIN impact_followups k ON k.booking_id = b.id
		WHERE b.status = 'confirmed' AND b.attendance = 'attended' AND s.status = 'scheduled'
		  AND c.impact_followup_days > 0 AND s.ends_at > ? AND s.ends_at <= ?
		  AND k.reminded_at IS NULL
		  AND NOT EXISTS (SELECT 1 FROM impact_answers a WHERE a.booking_id = b.id)
		ORDER BY s.ends_at, b.id`, store.FormatTime(oldest), store.FormatTime(now))
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		var ends store.Time
		var asked sql.NullString
		if err := rows.Scan(&c.bookingID, &ends, &c.days, &asked); err != nil {
			return nil, err
		}
		c.ends = ends.T
		if asked.Valid {
			t, err := store.ParseTime(asked.String)
			if err != nil {
				return nil, err
			}
			c.asked = &t
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ask records the follow-up and queues its email in one transaction; false when another
// run got there first.
func (f *FollowUps) ask(ctx context.Context, bookingID int64, now time.Time) (bool, error) {
	sent := false
	err := f.DB.Write(ctx, func(tx *sql.Tx) error {
		sent = false
		res, err := tx.ExecContext(ctx, `INSERT INTO impact_followups (booking_id, asked_at) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			bookingID, store.FormatTime(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		sent = true
		return enqueue(ctx, tx, KindFollowUp, bookingID, now, now.Add(OpenFor))
	})
	return sent, err
}

// remind records the reminder and queues it in one transaction. The update's own
// condition (not reminded, not answered) decides, so two runs cannot both send it.
func (f *FollowUps) remind(ctx context.Context, bookingID int64, asked, now time.Time) (bool, error) {
	sent := false
	err := f.DB.Write(ctx, func(tx *sql.Tx) error {
		sent = false
		res, err := tx.ExecContext(ctx, `UPDATE impact_followups SET reminded_at = ?
			WHERE booking_id = ? AND reminded_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM impact_answers a WHERE a.booking_id = impact_followups.booking_id)`,
			store.FormatTime(now), bookingID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		sent = true
		return enqueue(ctx, tx, KindReminder, bookingID, now, asked.Add(OpenFor))
	})
	return sent, err
}

// Message is what a follow-up or reminder says besides the booking: when the form
// closes.
type Message struct {
	Closes time.Time `json:"closes"`
}

// enqueue queues a message about the booking that expires when the form closes (a
// booking message otherwise expires when its session starts, long past).
func enqueue(ctx context.Context, tx *sql.Tx, kind outbox.Kind, bookingID int64, now, closes time.Time) error {
	s, userID, err := outbox.ReadBookingSnapshotTx(ctx, tx, bookingID, outbox.Options{})
	if err != nil {
		return err
	}
	s.Stamp = now.UTC().Truncate(time.Second)
	data, err := json.Marshal(Message{Closes: closes.UTC()})
	if err != nil {
		return err
	}
	_, err = outbox.EnqueueTx(ctx, tx, outbox.Row{Kind: kind, UserID: userID, BookingID: bookingID, SessionID: s.SessionID,
		ToEmail: s.PersonEmail, ToName: s.PersonName, Payload: outbox.Payload{Booking: &s, Data: data}, ExpiresAt: closes}, now)
	return err
}

// Run queues follow-ups every interval until ctx ends; with several servers only one
// runs a pass at a time.
func (f *FollowUps) Run(ctx context.Context, interval time.Duration) {
	f.DB.Every(ctx, "impact_followups", interval, f.Log, func(ctx context.Context) error { _, err := f.Queue(ctx); return err })
}
