package approval

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/store"
)

// Approval is what approving did: the person's booking, confirmed or waitlisted.
type Approval struct {
	Request Request
	Booking booking.Booking
	// AlreadyBooked: the person had a place by other means (an admin booked them), so
	// nothing new was booked.
	AlreadyBooked bool
}

// cleanReason trims a manager's note and checks its length.
func cleanReason(s string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if utf8.RuneCountInString(s) > MaxReasonLength {
		return "", errReasonTooLong.Err()
	}
	return s, nil
}

// decideTx loads a pending request for a decision by actor, refusing others.
func decideTx(ctx context.Context, tx *sql.Tx, id int64, actor *account.User) (Request, error) {
	r, err := lockRequest(ctx, tx, id)
	if err != nil {
		return r, err
	}
	if err := MayDecide(actor, r); err != nil {
		return r, err
	}
	if r.Status != Pending {
		return r, ErrDecided
	}
	return r, nil
}

// lockRequest locks the request's row, then reads it: two managers deciding at once, or a
// manager and the expiry job, take turns, and the second sees the first's decision.
func lockRequest(ctx context.Context, tx *sql.Tx, id int64) (Request, error) {
	if err := store.LockRow(ctx, tx, "approval_requests", id); err != nil {
		return Request{}, err
	}
	return loadRequest(ctx, tx, id)
}

func markDecided(ctx context.Context, tx *sql.Tx, id int64, status Status, actorID, bookingID int64, reason, at string) error {
	var b any
	if bookingID != 0 {
		b = bookingID
	}
	_, err := tx.ExecContext(ctx, `UPDATE approval_requests SET status = ?, decided_by = ?, decided_at = ?, reason = ?,
		booking_id = COALESCE(?, booking_id) WHERE id = ? AND status = 'pending'`, status, actorID, at, reason, b, id)
	return err
}

// Approve books the place. A place still held becomes an ordinary booking and its
// confirmation with the calendar invite goes out now; otherwise the person is booked as
// anyone would be at this moment: a place if one is free, else the waiting list. The
// person is told of the approval (the booking email follows separately). Refused once the
// session's booking has closed or the session is cancelled.
func (s *Service) Approve(ctx context.Context, id int64, actor *account.User, note string) (Approval, error) {
	note, err := cleanReason(note)
	if err != nil {
		return Approval{}, err
	}
	var out Approval
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		r, err := decideTx(ctx, tx, id, actor)
		if err != nil {
			return err
		}
		now := s.Now()
		switch {
		case r.SessionStatus == "cancelled":
			return booking.ErrSessionCancelled
		case !now.Before(r.BookingClosesAt):
			return booking.ErrBookingClosed
		}
		var b booking.Booking
		confirmed := false
		if r.Held {
			if now.Before(r.HoldUntil) {
				if b, err = booking.ConfirmHoldTx(ctx, tx, r.BookingID, actor.ID, now); err != nil {
					return err
				}
				confirmed = true
			} else if _, err := booking.ReleaseHoldTx(ctx, tx, r.BookingID, 0, booking.ReasonHoldExpired, now); err != nil {
				// The hold ran out and the scheduler has not got there yet: the waiting
				// list gets the place first, as it would have.
				return err
			}
		}
		if !confirmed {
			res, err := s.Bookings.BookTx(ctx, tx, booking.Request{SessionID: r.SessionID, UserID: r.UserID, ActorID: actor.ID})
			switch {
			case errors.Is(err, booking.ErrAlreadyBooked):
				out.AlreadyBooked = true
				if b, err = liveBooking(ctx, tx, r.SessionID, r.UserID); err != nil {
					return err
				}
			case err != nil:
				return err
			default:
				b = res.Booking
			}
		}
		if err := markDecided(ctx, tx, r.ID, Approved, actor.ID, b.ID, note, store.FormatTime(now)); err != nil {
			return err
		}
		m := message(r)
		m.Decider, m.Reason, m.Outcome, m.Position = actor.Name, note, string(b.Status), b.WaitlistPosition
		if err := toPerson(ctx, tx, KindApproved, r, m, now); err != nil {
			return err
		}
		out.Booking = b
		out.Request, err = loadRequest(ctx, tx, r.ID)
		return err
	})
	return out, err
}

// liveBooking finds the person's confirmed or waitlisted booking on a session.
func liveBooking(ctx context.Context, tx *sql.Tx, sessionID, userID int64) (booking.Booking, error) {
	b := booking.Booking{SessionID: sessionID, UserID: userID}
	err := tx.QueryRowContext(ctx, `SELECT id, status FROM bookings WHERE session_id = ? AND user_id = ?
		AND status IN ('confirmed', 'waitlisted')`, sessionID, userID).Scan(&b.ID, &b.Status)
	return b, err
}

// Decline refuses the request with a reason the person is told. A held place is released
// (not a late cancellation: the person never had it for certain) and goes to the waiting
// list as any freed place does.
func (s *Service) Decline(ctx context.Context, id int64, actor *account.User, reason string) (Request, error) {
	reason, err := cleanReason(reason)
	if err != nil {
		return Request{}, err
	}
	if reason == "" {
		return Request{}, errReasonRequired.Err()
	}
	var out Request
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		r, err := decideTx(ctx, tx, id, actor)
		if err != nil {
			return err
		}
		now := s.Now()
		released := false
		if r.Held {
			if released, err = booking.ReleaseHoldTx(ctx, tx, r.BookingID, actor.ID, booking.ReasonHoldDeclined, now); err != nil {
				return err
			}
		}
		if err := markDecided(ctx, tx, r.ID, Declined, actor.ID, 0, reason, store.FormatTime(now)); err != nil {
			return err
		}
		m := message(r) // HoldUntil set: "the place held for you is released"
		if !released {
			m.HoldUntil = time.Time{}
		}
		m.Decider, m.Reason = actor.Name, reason
		if err := toPerson(ctx, tx, KindDeclined, r, m, now); err != nil {
			return err
		}
		out, err = loadRequest(ctx, tx, r.ID)
		return err
	})
	return out, err
}

// Withdraw lets the person take back their own pending request, releasing any held place.
// Anyone else's request does not exist as far as they can tell.
func (s *Service) Withdraw(ctx context.Context, id, userID int64) (Request, error) {
	var out Request
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		r, err := lockRequest(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.UserID != userID {
			return ErrNotFound
		}
		if r.Status != Pending {
			return ErrDecided
		}
		now := s.Now()
		if r.Held {
			if _, err := booking.ReleaseHoldTx(ctx, tx, r.BookingID, userID, booking.ReasonHoldWithdrawn, now); err != nil {
				return err
			}
		}
		if err := markDecided(ctx, tx, r.ID, Withdrawn, userID, 0, "", store.FormatTime(now)); err != nil {
			return err
		}
		out, err = loadRequest(ctx, tx, r.ID)
		return err
	})
	return out, err
}
