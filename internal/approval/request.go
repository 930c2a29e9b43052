package approval

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Requested is what asking for approval did.
type Requested struct {
	Request Request
	// ManagersNotified counts the managers emailed. 0: nobody manages the person's
	// organisation here, and the training team has to decide.
	ManagersNotified int
}

// Request asks the managers of userID's organisation to approve a place on sessionID,
// instead of booking it. The same refusals as booking apply (the session must be open, the
// person not already booked). When the course holds places (ApprovalHoldDays > 0) and a
// place is free with nobody waiting, a place is held until the manager decides or the
// hold ends; when the session is full, nothing is held and approval joins the waiting
// list. Each active manager of the organisation gets an email with the decision links.
func (s *Service) Request(ctx context.Context, sessionID, userID, actorID int64) (Requested, error) {
	if actorID == 0 {
		actorID = userID
	}
	_, hash := newToken()
	var out Requested
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		var needed bool
		var holdDays int
		err := tx.QueryRowContext(ctx, `SELECT c.manager_approval, c.approval_hold_days FROM course_sessions s
			JOIN courses c ON c.id = s.course_id WHERE s.id = ?`, sessionID).Scan(&needed, &holdDays)
		if errors.Is(err, sql.ErrNoRows) {
			return booking.ErrSessionNotFound
		}
		if err != nil {
			return err
		}
		if !needed {
			return ErrNotRequired
		}
		// An earlier request comes first: with a held place, the engine would otherwise
		// answer "already booked".
		var pending int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM approval_requests
			WHERE session_id = ? AND user_id = ? AND status = 'pending'`, sessionID, userID).Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return ErrAlreadyRequested
		}
		free, err := booking.CheckBookableTx(ctx, tx, sessionID, userID, now)
		if err != nil {
			return err
		}
		var bookingID, holdUntil any
		if holdDays > 0 && free {
			id, err := booking.HoldTx(ctx, tx, sessionID, userID, actorID, now)
			if err != nil {
				return err
			}
			if id != 0 {
				// Whole days in London, so "5 days" ends at the same clock time across a
				// clock change.
				bookingID = id
				holdUntil = store.FormatTime(now.In(clock.London).AddDate(0, 0, holdDays))
			}
		}
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO approval_requests (session_id, user_id, booking_id, status,
			hold_until, token_hash, created_at) VALUES (?, ?, ?, 'pending', ?, ?, ?) RETURNING id`,
			sessionID, userID, bookingID, holdUntil, hash, store.FormatTime(now)).Scan(&id)
		if store.IsConstraint(err) {
			return ErrAlreadyRequested
		}
		if err != nil {
			return err
		}
		r, err := loadRequest(ctx, tx, id)
		if err != nil {
			return err
		}
		out.Request = r
		out.ManagersNotified, err = notifyManagers(ctx, tx, r, !free, now)
		return err
	})
	if err != nil {
		return Requested{}, err
	}
	return out, nil
}

// notifyManagers queues approval_requested to every active manager of the person's
// organisation except the person, and returns how many there were.
func notifyManagers(ctx context.Context, tx *sql.Tx, r Request, full bool, now time.Time) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT u.id, u.email, u.name FROM users u
		JOIN user_roles ur ON ur.user_id = u.id AND ur.role = 'manager'
		WHERE u.organisation_id = ? AND u.active = 1 AND u.id <> ? ORDER BY u.id`, r.OrganisationID, r.UserID)
	if err != nil {
		return 0, err
	}
	type manager struct {
		id          int64
		email, name string
	}
	var managers []manager
	for rows.Next() {
		var m manager
		if err := rows.Scan(&m.id, &m.email, &m.name); err != nil {
			rows.Close()
			return 0, err
		}
		managers = append(managers, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	msg := message(r)
	msg.Full = full
	for _, m := range managers {
		if err := enqueue(ctx, tx, KindRequested, m.id, m.email, m.name, msg, now); err != nil {
			return 0, err
		}
	}
	return len(managers), nil
}
