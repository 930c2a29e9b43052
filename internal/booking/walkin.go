package booking

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// ReasonWalkIn is the history reason for someone given a place on the register because
// they came without one.
const ReasonWalkIn = "walk-in added to the register"

// ErrAlreadyConfirmed says the person already has a place: a walk-in is for those who
// do not.
var ErrAlreadyConfirmed = errors.New("already has a confirmed place")

// WalkInTx gives userID a confirmed place on sessionID because they came on the day: a
// place on the waiting list becomes confirmed, otherwise a new booking is made; either is
// marked walk_in, with its history. No email goes: they are in the room. The register
// marks their attendance in the same transaction. This package is the only one that
// writes bookings and their history; the register calls in here.
func WalkInTx(ctx context.Context, tx *sql.Tx, sessionID, userID, actorID int64, now time.Time) (int64, error) {
	stamp := store.FormatTime(now)
	var existing int64
	var status Status
	err := tx.QueryRowContext(ctx, `SELECT id, status FROM bookings WHERE session_id = ? AND user_id = ?
		AND status IN ('confirmed', 'waitlisted')`, sessionID, userID).Scan(&existing, &status)
	switch {
	case err == nil && status == Confirmed:
		return 0, ErrAlreadyConfirmed
	case err == nil: // on the waiting list, and came anyway
		if _, err := tx.ExecContext(ctx, `UPDATE bookings SET status = 'confirmed', walk_in = 1, updated_at = ? WHERE id = ?`,
			stamp, existing); err != nil {
			return 0, err
		}
		return existing, writeHistory(ctx, tx, existing, Waitlisted, Confirmed, actorID, ReasonWalkIn, stamp)
	case errors.Is(err, sql.ErrNoRows):
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO bookings (session_id, user_id, status, walk_in, created_at, updated_at, ical_uid)
			VALUES (?, ?, 'confirmed', 1, ?, ?, ?) RETURNING id`, sessionID, userID, stamp, stamp, newUID()).Scan(&id)
		if err != nil {
			return 0, err
		}
		return id, writeHistory(ctx, tx, id, "", Confirmed, actorID, ReasonWalkIn, stamp)
	default:
		return 0, err
	}
}
