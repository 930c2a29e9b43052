package approval

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Expiry releases places held past their hold without a decision, and closes requests
// nobody decided before the session's booking closed (or the session was cancelled). Run
// it in the serve process, like the reminders; two processes running it at once do no
// harm, since each change re-checks its request inside its own transaction.
type Expiry struct {
	DB  *store.DB
	Now clock.Clock
	Log *slog.Logger
}

// NewExpiry builds the scheduler on the service's database and clock.
func (s *Service) NewExpiry(log *slog.Logger) *Expiry {
	return &Expiry{DB: s.DB, Now: s.Now, Log: log}
}

// Swept counts what one pass did.
type Swept struct {
	Released int // held places given back; their requests stay pending
	Closed   int // requests closed because booking closed or the session was cancelled
}

// RunOnce does one pass.
func (e *Expiry) RunOnce(ctx context.Context) (Swept, error) {
	var out Swept
	now := e.Now()
	stamp := store.FormatTime(now)
	// Requests whose session is cancelled or closed for booking go first: their held
	// places are released as part of closing them.
	closing, err := ids(ctx, e.DB.R, `SELECT a.id FROM approval_requests a JOIN course_sessions s ON s.id = a.session_id
		WHERE a.status = 'pending' AND (s.status = 'cancelled' OR s.booking_closes_at <= ?) ORDER BY a.id`, stamp)
	if err != nil {
		return out, err
	}
	for _, id := range closing {
		done, err := e.close(ctx, id)
		if err != nil {
			return out, err
		}
		if done {
			out.Closed++
		}
	}
	expired, err := ids(ctx, e.DB.R, `SELECT a.id FROM approval_requests a JOIN bookings b ON b.id = a.booking_id
		WHERE a.status = 'pending' AND b.status = 'confirmed' AND a.hold_until <= ? ORDER BY a.id`, stamp)
	if err != nil {
		return out, err
	}
	for _, id := range expired {
		done, err := e.release(ctx, id)
		if err != nil {
			return out, err
		}
		if done {
			out.Released++
		}
	}
	return out, nil
}

// release gives back one expired hold and tells the person; the request stays pending,
// so a later approval books as anyone would be booked then.
func (e *Expiry) release(ctx context.Context, id int64) (bool, error) {
	done := false
	err := e.DB.Write(ctx, func(tx *sql.Tx) error {
		r, err := lockRequest(ctx, tx, id)
		if err != nil {
			return err
		}
		now := e.Now()
		if r.Status != Pending || !r.Held || now.Before(r.HoldUntil) {
			return nil // decided, withdrawn or released meanwhile
		}
		if done, err = booking.ReleaseHoldTx(ctx, tx, r.BookingID, 0, booking.ReasonHoldExpired, now); err != nil || !done {
			return err
		}
		return toPerson(ctx, tx, KindHoldExpired, r, message(r), now)
	})
	return done, err
}

// close ends one request nobody decided in time, releasing any held place, and tells the
// person why.
func (e *Expiry) close(ctx context.Context, id int64) (bool, error) {
	done := false
	err := e.DB.Write(ctx, func(tx *sql.Tx) error {
		r, err := lockRequest(ctx, tx, id)
		if err != nil {
			return err
		}
		now := e.Now()
		cancelled := r.SessionStatus == "cancelled"
		if r.Status != Pending || (!cancelled && now.Before(r.BookingClosesAt)) {
			return nil
		}
		m := message(r)
		m.Reason = "booking for the session closed before a manager decided"
		if cancelled {
			m.Reason = "the session has been cancelled"
		}
		if r.Held {
			if _, err := booking.ReleaseHoldTx(ctx, tx, r.BookingID, 0, booking.ReasonHoldExpired, now); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE approval_requests SET status = 'expired', decided_at = ?, reason = ?
			WHERE id = ? AND status = 'pending'`, store.FormatTime(now), m.Reason, r.ID); err != nil {
			return err
		}
		done = true
		if !now.Before(r.StartsAt) {
			return nil // news about a session already under way helps nobody
		}
		return toPerson(ctx, tx, KindClosed, r, m, now)
	})
	return done, err
}

func ids(ctx context.Context, db *sql.DB, query string, args ...any) ([]int64, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Run sweeps every interval until ctx ends.
func (e *Expiry) Run(ctx context.Context, interval time.Duration) {
	e.DB.Every(ctx, "approval_expiry", interval, e.Log, func(ctx context.Context) error { _, err := e.RunOnce(ctx); return err })
}
