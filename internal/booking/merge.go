package booking

import (
	"context"
	"database/sql"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// ReasonMerged is the history reason for a place cancelled when two accounts of one
// person were merged and both held a place on the same session.
const ReasonMerged = "cancelled: accounts merged, the person held another place on this session"

// CancelForMergeTx cancels the losing booking of a clash found while merging two accounts,
// inside the merge's transaction: its calendar sequence moves on, its history says why.
// No email is queued (the person keeps their other place on the session); the caller
// gives a freed place to the waiting list with PromoteTx.
func CancelForMergeTx(ctx context.Context, tx *sql.Tx, bookingID int64, was Status, actorID int64, now time.Time) error {
	b, err := lockedBooking(ctx, tx, bookingID)
	if err != nil {
		return err
	}
	if !b.Status.Live() {
		return ErrAlreadyCancelled
	}
	stamp := store.FormatTime(now)
	if _, err := tx.ExecContext(ctx, `UPDATE bookings SET status = 'cancelled', updated_at = ?,
		ical_sequence = ical_sequence + 1 WHERE id = ?`, stamp, bookingID); err != nil {
		return err
	}
	return writeHistory(ctx, tx, bookingID, was, Cancelled, actorID, ReasonMerged, stamp)
}

// MovePersonTx gives every booking of one account to another, inside a merge's
// transaction, once the clashes are settled (so the one-live-booking index never sees
// two on one session). The history stays with each booking.
func MovePersonTx(ctx context.Context, tx *sql.Tx, fromUserID, toUserID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE bookings SET user_id = ?, updated_at = ? WHERE user_id = ?`,
		toUserID, store.FormatTime(now), fromUserID)
	return err
}
