package booking

import (
	"context"
	"database/sql"
	"time"

	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// CancelRequest cancels BookingID on behalf of ActorID. Unless AnyBooking is set (admins),
// the booking must belong to the actor.
type CancelRequest struct {
	BookingID  int64
	ActorID    int64
	AnyBooking bool
}

// ErrHeldForApproval refuses to cancel a place held while a manager decides: withdrawing
// the request (or declining it) releases the place and closes the request together, so a
// later approval cannot book the person again.
var ErrHeldForApproval = problem.Conflict("held_for_approval",
	"This place is held while your manager decides. Withdraw your request instead: that releases the place.")

// Cancel releases a place or leaves the waiting list. A confirmed place given up after the
// session's cut-off is recorded as late-cancelled; the freed place goes to the first
// person waiting, in the same transaction.
func (s *Service) Cancel(ctx context.Context, req CancelRequest) (Booking, error) {
	var out Booking
	var promoted []int64
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		promoted = nil
		b, err := lockedBooking(ctx, tx, req.BookingID)
		if err != nil {
			return err
		}
		if !req.AnyBooking && b.UserID != req.ActorID {
			return ErrNotYours
		}
		if !b.Status.Live() {
			return ErrAlreadyCancelled
		}
		var held bool
		if err := tx.QueryRowContext(ctx, `SELECT `+heldSQL+` FROM bookings b WHERE b.id = ?`, b.ID).Scan(&held); err != nil {
			return err
		}
		if held {
			return ErrHeldForApproval
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
		late, err := isLate(ctx, tx, b, st.cutoffAt, now)
		if err != nil {
			return err
		}
		if late {
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
			if promoted, err = PromoteTx(ctx, tx, b.SessionID, req.ActorID, now); err != nil {
				return err
			}
		}
		b.Status, b.WaitlistPosition, b.UpdatedAt = to, 0, now
		out = b
		return nil
	})
	if err != nil {
		s.observeRefusal("cancel_refused", err)
		return out, err
	}
	s.observe(string(out.Status), "")
	for range promoted {
		s.observe("promoted", "")
	}
	return out, nil
}

// isLate says whether cancelling b now counts as a late cancellation: a confirmed place
// given up at or after the cut-off by someone who already had it when the cut-off passed.
// Someone who booked, or was promoted, after the cut-off could not have cancelled in
// time, so theirs is not late.
func isLate(ctx context.Context, q queryer, b Booking, cutoff, now time.Time) (bool, error) {
	if b.Status != Confirmed || now.Before(cutoff) {
		return false, nil
	}
	var confirmedAt store.Time
	err := q.QueryRowContext(ctx, `SELECT max(at) FROM booking_history WHERE booking_id = ? AND to_status = 'confirmed'`,
		b.ID).Scan(&confirmedAt)
	if err != nil {
		return false, err
	}
	return !confirmedAt.T.IsZero() && confirmedAt.T.Before(cutoff), nil
}

// CancellationWouldBeLate tells the cancel page whether to warn, by the same rule Cancel
// applies.
func (s *Service) CancellationWouldBeLate(ctx context.Context, bookingID int64) (bool, error) {
	b, err := loadBooking(ctx, s.DB.R, bookingID)
	if err != nil {
		return false, err
	}
	var cutoff store.Time
	if err := s.DB.R.QueryRowContext(ctx, `SELECT cancel_cutoff_at FROM course_sessions WHERE id = ?`, b.SessionID).Scan(&cutoff); err != nil {
		return false, store.Classify(err)
	}
	late, err := isLate(ctx, s.DB.R, b, cutoff.T, s.Now())
	return late, store.Classify(err)
}

// Booking loads one booking with its waiting-list position.
func (s *Service) Booking(ctx context.Context, id int64) (Booking, error) {
	b, err := loadBooking(ctx, s.DB.R, id)
	return b, store.Classify(err)
}
