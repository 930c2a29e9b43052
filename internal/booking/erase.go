package booking

import (
	"context"
	"database/sql"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// ReasonErased is the booking history's reason when a person's record was erased.
const ReasonErased = "cancelled: the person's record was erased"

// CancelFutureForErasureTx cancels every live booking userID holds on a session that has
// not started, inside the caller's transaction, and gives each freed place to the
// waiting list as Cancel does. Nothing is queued for the person (their address is gone),
// and a place given up after the cut-off is not counted as a late cancellation: the
// person did not choose to cancel, so their organisation is not charged for it. Manager
// approval requests still pending are withdrawn. Bookings of sessions that have started
// stay as they are, so attendance and charges do not change.
func CancelFutureForErasureTx(ctx context.Context, tx *sql.Tx, userID, actorID int64, now time.Time) (int, error) {
	stamp := store.FormatTime(now)
	if err := lockSessionsOf(ctx, tx, userID, stamp); err != nil {
		return 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT b.id, b.session_id, b.status FROM bookings b
		JOIN course_sessions s ON s.id = b.session_id
		WHERE b.user_id = ? AND b.status IN ('confirmed', 'waitlisted') AND s.starts_at > ? ORDER BY b.id`, userID, stamp)
	if err != nil {
		return 0, err
	}
	var live []Booking
	for rows.Next() {
		var b Booking
		if err := rows.Scan(&b.ID, &b.SessionID, &b.Status); err != nil {
			rows.Close()
			return 0, err
		}
		live = append(live, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, b := range live {
		if _, err := tx.ExecContext(ctx, `UPDATE bookings SET status = 'cancelled', updated_at = ? WHERE id = ?`, stamp, b.ID); err != nil {
			return 0, err
		}
		if err := writeHistory(ctx, tx, b.ID, b.Status, Cancelled, actorID, ReasonErased, stamp); err != nil {
			return 0, err
		}
		if b.Status == Confirmed {
			if _, err := PromoteTx(ctx, tx, b.SessionID, actorID, now); err != nil {
				return 0, err
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE approval_requests SET status = 'withdrawn', decided_at = ?,
		reason = 'The person''s record was erased.' WHERE user_id = ? AND status = 'pending'`, stamp, userID); err != nil {
		return 0, err
	}
	return len(live), nil
}

// lockSessionsOf locks, in id order (so two such writers cannot deadlock), the future
// sessions where the person holds a live booking, before those bookings are read.
func lockSessionsOf(ctx context.Context, tx *sql.Tx, userID int64, after string) error {
	ids, err := store.QueryIDs(ctx, tx, `SELECT DISTINCT b.session_id FROM bookings b
		JOIN course_sessions s ON s.id = b.session_id
		WHERE b.user_id = ? AND b.status IN ('confirmed', 'waitlisted') AND s.starts_at > ? ORDER BY b.session_id`, userID, after)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := store.LockRow(ctx, tx, "course_sessions", id); err != nil {
			return err
		}
	}
	return nil
}
