package booking

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strings"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// Request asks for a place for UserID; ActorID is who clicked (the same person, or an
// admin booking on someone's behalf).
type Request struct {
	SessionID      int64
	UserID         int64
	ActorID        int64
	IdempotencyKey string // a repeat with the same key returns the first result
}

// Result is the booking made, and whether it was a replay of an earlier request.
type Result struct {
	Booking  Booking
	Replayed bool
}

// MaxIdempotencyKeyLength bounds client-supplied keys.
const MaxIdempotencyKeyLength = 200

// ErrIdempotencyKeyReused refuses a key already used for a different session or person,
// rather than passing the earlier booking off as the answer.
var ErrIdempotencyKeyReused = &problem.Error{Status: http.StatusUnprocessableEntity, Code: "idempotency_key_reused",
	Message: "That Idempotency-Key was already used for a different booking: send a new key for a new request.",
	Fields:  map[string]string{"idempotency_key": "Already used for a different booking"}}

// Book gives the person a place, or a waiting-list position when the session is full.
func (s *Service) Book(ctx context.Context, req Request) (Result, error) {
	req.IdempotencyKey = strings.TrimSpace(req.IdempotencyKey)
	if len(req.IdempotencyKey) > MaxIdempotencyKeyLength {
		return Result{}, problem.Validation{"idempotency_key": "Idempotency key must be 200 characters or fewer"}.Err()
	}
	if req.ActorID == 0 {
		req.ActorID = req.UserID
	}
	var res Result
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = s.bookTx(ctx, tx, req)
		return err
	})
	if err != nil {
		s.observeRefusal("refused", err)
		return Result{}, err
	}
	if res.Replayed {
		s.observe("replayed", "")
	} else {
		s.observe(string(res.Booking.Status), "")
	}
	return res, nil
}

func (s *Service) bookTx(ctx context.Context, tx *sql.Tx, req Request) (Result, error) {
	// The session's lock comes first: a retry with the same idempotency key waits for the
	// first request and then replays it, and the time read below follows the order in
	// which bookings take the lock, so the waiting list's order (waitlisted_at, then id)
	// is the order places were decided in, and nobody is told a position twice.
	sess, err := lockSession(ctx, tx, req.SessionID)
	if err != nil {
		return Result{}, err
	}
	if req.IdempotencyKey != "" {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT booking_id FROM idempotency_keys WHERE user_id = ? AND key = ?`,
			req.ActorID, req.IdempotencyKey).Scan(&id)
		if err == nil {
			b, err := loadBooking(ctx, tx, id)
			if err == nil && (b.SessionID != req.SessionID || b.UserID != req.UserID) {
				return Result{}, ErrIdempotencyKeyReused
			}
			return Result{Booking: b, Replayed: true}, err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return Result{}, err
		}
	}
	now := s.Now()
	if err := sess.refuseBooking(now); err != nil {
		return Result{}, err
	}
	var active, confirmedEmail bool
	var membership account.Membership
	mail := sess.mail
	err = tx.QueryRowContext(ctx, `SELECT active, email_confirmed, membership, name, email FROM users WHERE id = ?`, req.UserID).
		Scan(&active, &confirmedEmail, &membership, &mail.PersonName, &mail.PersonEmail)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !active) {
		return Result{}, ErrUserNotFound
	}
	if err != nil {
		return Result{}, err
	}
	// Only a confirmed address that belongs to its organisation may hold a place.
	if err := account.BookingRefusal(confirmedEmail, membership); err != nil {
		return Result{}, err
	}
	// Nobody jumps the queue: a free place goes to a newcomer only when nobody waits.
	status, reason := Confirmed, ReasonBooked
	if sess.confirmed >= sess.capacity || sess.anyoneWaiting {
		status, reason = Waitlisted, ReasonWaitlisted
	}
	stamp := store.FormatTime(now)
	var waitlistedAt any
	if status == Waitlisted {
		waitlistedAt = stamp
	}
	// A second live booking of the same person is refused by the bookings_live unique
	// index, which saves looking first.
	mail.UID = newUID()
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO bookings (session_id, user_id, status, waitlisted_at, created_at, updated_at, ical_uid)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, req.SessionID, req.UserID, status, waitlistedAt, stamp, stamp, mail.UID).Scan(&id)
	if store.IsConstraint(err) {
		return Result{}, ErrAlreadyBooked
	}
	if err != nil {
		return Result{}, err
	}
	if err := writeHistory(ctx, tx, id, "", status, req.ActorID, reason, stamp); err != nil {
		return Result{}, err
	}
	// The email is built from what this transaction read while deciding (the session, the
	// course, the person), so the answer and the email agree without reading them again.
	mail.BookingID, mail.ByOrganiser = id, req.ActorID != req.UserID
	kind := outbox.BookingConfirmed
	if status == Waitlisted {
		kind = outbox.WaitlistJoined
		if mail.WaitlistPosition, err = waitlistPosition(ctx, tx, id); err != nil {
			return Result{}, err
		}
	}
	if err := outbox.EnqueueSnapshotTx(ctx, tx, kind, mail, req.UserID, now); err != nil {
		return Result{}, err
	}
	if req.IdempotencyKey != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, booking_id, created_at)
			VALUES (?, ?, ?, ?)`, req.ActorID, req.IdempotencyKey, id, stamp); err != nil {
			return Result{}, err
		}
	}
	return Result{Booking: Booking{ID: id, SessionID: req.SessionID, UserID: req.UserID, Status: status,
		WaitlistPosition: mail.WaitlistPosition, CreatedAt: now, UpdatedAt: now}}, nil
}
