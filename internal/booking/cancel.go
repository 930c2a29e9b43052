package booking

import (
	"context"
	"database/sql"

	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/store"
)

// CancelRequest cancels BookingID on behalf of ActorID. Unless AnyBooking is set (admins),
// the booking must belong to the actor.
type CancelRequest struct {
	BookingID  int64
	ActorID    int64
	AnyBooking bool
}

// Cancel releases a place or leaves the waiting list. A confirmed place given up after the
// session's cut-off is recorded as late-cancelled; the freed place goes to the first
// person waiting, in the same transaction.
func (s *Service) Cancel(ctx context.Context, req CancelRequest) (Booking, error) {
	var out Booking
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		b, err := loadBooking(ctx, tx, req.BookingID)
		if err != nil {
			return err
		}
		if !req.AnyBooking && b.UserID != req.ActorID {
			return ErrNotYours
		}
		if !b.Status.Live() {
			return ErrAlreadyCancelled
		}
		now := s.Now()
		st, err := lockSession(ctx, tx, b.SessionID)
		if err != nil {
			return err
		}
		if st.started(now) {
			return ErrCancelTooLate
		}
		to, reason := Cancelled, ReasonCancelled
		if b.Status == Confirmed && !now.Before(st.cutoffAt) {
			to, reason = LateCancelled, ReasonLateCancelled
		}
		stamp := store.FormatTime(now)
		if _, err := tx.ExecContext(ctx, `UPDATE bookings SET status = ?, updated_at = ? WHERE id = ?`, to, stamp, b.ID); err != nil {
			return err
		}
		if err := writeHistory(ctx, tx, b.ID, b.Status, to, req.ActorID, reason, stamp); err != nil {
			return err
		}
		kind, opt := outbox.WaitlistLeft, outbox.Options{ByOrganiser: req.ActorID != b.UserID}
		if b.Status == Confirmed {
			kind, opt.BumpSequence = outbox.BookingCancelled, true
		}
		if err := outbox.EnqueueBookingTx(ctx, tx, kind, b.ID, opt, now); err != nil {
			return err
		}
		if b.Status == Confirmed {
			if _, err := PromoteTx(ctx, tx, b.SessionID, req.ActorID, now); err != nil {
				return err
			}
		}
		b.Status, b.WaitlistPosition, b.UpdatedAt = to, 0, now
		out = b
		return nil
	})
	return out, err
}

// Booking loads one booking with its waiting-list position.
func (s *Service) Booking(ctx context.Context, id int64) (Booking, error) {
	b, err := loadBooking(ctx, s.DB.R, id)
	return b, store.Classify(err)
}
