package booking

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// A place held while a manager decides (package approval) is a real confirmed booking, so
// the capacity rules, the triggers and the waiting list treat it like any other place.
// What makes it "held" is a pending approval request pointing at it. Until the request is
// approved, nothing that would put the session in the person's calendar goes out: no
// booking email is queued when it is made, session changes skip it, a cancelled session
// cancels it without a calendar CANCEL, reminders and the calendar feed leave it out.

// Reasons written to the booking history for held places and substitutions.
const (
	ReasonHeld          = "held for manager approval"
	ReasonHoldApproved  = "approved by manager"
	ReasonHoldDeclined  = "declined by manager"
	ReasonHoldExpired   = "hold expired before a manager decided"
	ReasonHoldWithdrawn = "approval request withdrawn"
	ReasonSubstituted   = "substituted"
	ReasonSubstitute    = "took a colleague's place"
)

// heldSQL is true for a booking (aliased b) that was only ever a place held for a
// manager's approval: no manager has approved it. Live, the place is held now; cancelled,
// it was a hold released (declined, withdrawn or run out), never a booking of its own.
// The bookings.held column says so (set by HoldTx, cleared by ConfirmHoldTx), not the
// history's reason text.
const heldSQL = `(b.held = 1)`

// ErrNotHeld says a held place is no longer there to confirm (released, or cancelled).
var ErrNotHeld = problem.Conflict("not_held", "The place held for this request has been released.")

// BookTx is Book inside the caller's transaction, for domains that book as one step of a
// bigger change (an approval). It queues the same messages Book does.
func (s *Service) BookTx(ctx context.Context, tx *sql.Tx, req Request) (Result, error) {
	if req.ActorID == 0 {
		req.ActorID = req.UserID
	}
	return s.bookTx(ctx, tx, req)
}

// CheckBookableTx applies Book's refusals without booking: the session must be open, the
// course published, the person active and not already booked or waiting. placeFree says
// whether a newcomer would get a place now (a free place and nobody waiting).
func CheckBookableTx(ctx context.Context, tx *sql.Tx, sessionID, userID int64, now time.Time) (placeFree bool, err error) {
	st, err := lockSession(ctx, tx, sessionID)
	if err != nil {
		return false, err
	}
	if err := st.refuseBooking(now); err != nil {
		return false, err
	}
	var active bool
	if err := tx.QueryRowContext(ctx, `SELECT active FROM users WHERE id = ?`, userID).Scan(&active); err != nil || !active {
		if err == nil || errors.Is(err, sql.ErrNoRows) {
			return false, ErrUserNotFound
		}
		return false, err
	}
	if err := account.MayBookTx(ctx, tx, userID); err != nil {
		return false, err
	}
	var live int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM bookings WHERE session_id = ? AND user_id = ?
		AND status IN ('confirmed', 'waitlisted')`, sessionID, userID).Scan(&live); err != nil {
		return false, err
	}
	if live > 0 {
		return false, ErrAlreadyBooked
	}
	return st.confirmed < st.capacity && !st.anyoneWaiting, nil
}

// HoldTx takes a free place for userID while a manager decides: a confirmed booking with
// bookings.held set, the history reason ReasonHeld and no message, so no invite goes out
// before approval.
// Call CheckBookableTx first in the same transaction. It returns 0 and holds nothing when
// no place is free for a newcomer (full, or people already waiting).
func HoldTx(ctx context.Context, tx *sql.Tx, sessionID, userID, actorID int64, now time.Time) (int64, error) {
	st, err := lockSession(ctx, tx, sessionID)
	if err != nil {
		return 0, err
	}
	if st.confirmed >= st.capacity || st.anyoneWaiting {
		return 0, nil
	}
	stamp := store.FormatTime(now)
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO bookings (session_id, user_id, status, created_at, updated_at, ical_uid, held)
		VALUES (?, ?, 'confirmed', ?, ?, ?, 1) RETURNING id`, sessionID, userID, stamp, stamp, newUID()).Scan(&id)
	if store.IsConstraint(err) {
		return 0, ErrAlreadyBooked
	}
	if err != nil {
		return 0, err
	}
	return id, writeHistory(ctx, tx, id, "", Confirmed, actorID, ReasonHeld, stamp)
}

// ConfirmHoldTx turns a held place into an ordinary booking once a manager approves: a
// history row (the place counts as confirmed from now, for the late-cancellation rule) and
// the booking_confirmed email with its calendar invite. The caller marks the request
// approved in the same transaction.
func ConfirmHoldTx(ctx context.Context, tx *sql.Tx, bookingID, actorID int64, now time.Time) (Booking, error) {
	b, err := lockedBooking(ctx, tx, bookingID)
	if err != nil {
		return b, err
	}
	if b.Status != Confirmed {
		return b, ErrNotHeld
	}
	// The booking counts as made now: reminders whose moment passed while the place was
	// only held are not sent late, just as for someone who books after them.
	stamp := store.FormatTime(now)
	if _, err := tx.ExecContext(ctx, `UPDATE bookings SET held = 0, created_at = ?, updated_at = ? WHERE id = ?`, stamp, stamp, b.ID); err != nil {
		return b, err
	}
	if err := writeHistory(ctx, tx, b.ID, Confirmed, Confirmed, actorID, ReasonHoldApproved, stamp); err != nil {
		return b, err
	}
	if err := outbox.EnqueueBookingTx(ctx, tx, outbox.BookingConfirmed, b.ID, outbox.Options{}, now); err != nil {
		return b, err
	}
	b.CreatedAt, b.UpdatedAt = now, now
	return b, nil
}

// ReleaseHoldTx gives a held place back: the booking is cancelled (never late: the person
// never had the place for certain) with reason in its history, no message is queued (no
// invite was ever sent), and the freed place goes to the waiting list as usual. It
// reports false when the place was already gone.
func ReleaseHoldTx(ctx context.Context, tx *sql.Tx, bookingID, actorID int64, reason string, now time.Time) (bool, error) {
	b, err := lockedBooking(ctx, tx, bookingID)
	if err != nil {
		return false, err
	}
	if b.Status != Confirmed {
		return false, nil
	}
	stamp := store.FormatTime(now)
	if _, err := tx.ExecContext(ctx, `UPDATE bookings SET status = 'cancelled', updated_at = ? WHERE id = ?`, stamp, b.ID); err != nil {
		return false, err
	}
	if err := writeHistory(ctx, tx, b.ID, Confirmed, Cancelled, actorID, reason, stamp); err != nil {
		return false, err
	}
	if _, err := PromoteTx(ctx, tx, b.SessionID, actorID, now); err != nil {
		return false, err
	}
	return true, nil
}
