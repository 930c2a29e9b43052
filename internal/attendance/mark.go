package attendance

import (
	"context"
	"database/sql"
	"errors"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// Reasons written to the booking history for register changes.
const (
	ReasonMarked = booking.ReasonAttendanceMarked
	ReasonWalkIn = booking.ReasonWalkIn
)

// SetMark records one person's attendance on an open register.
func (s *Service) SetMark(ctx context.Context, bookingID int64, m Mark, actorID int64) error {
	if !m.Valid() {
		return ErrBadMark
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		sessionID, err := lockBookingSession(ctx, tx, bookingID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotOnRegister
		}
		if err != nil {
			return err
		}
		var status string
		var current sql.NullString
		err = tx.QueryRowContext(ctx, `SELECT status, attendance FROM bookings WHERE id = ?`, bookingID).Scan(&status, &current)
		if err == nil && status != "confirmed" {
			return ErrNotOnRegister
		}
		if err != nil {
			return err
		}
		f, err := loadFacts(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if err := f.writable(s.Now()); err != nil {
			return err
		}
		return s.markTx(ctx, tx, bookingID, Mark(current.String), m, actorID)
	})
}

// SetMarks records several marks on one session's register in one transaction: all of
// them or none, so a register submitted meanwhile never ends up half saved. Bookings not
// on this session's register are refused. It returns how many marks changed.
func (s *Service) SetMarks(ctx context.Context, sessionID int64, marks map[int64]Mark, actorID int64) (int, error) {
	for _, m := range marks {
		if !m.Valid() {
			return 0, ErrBadMark
		}
	}
	changed := 0
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		changed = 0
		f, err := lockFacts(ctx, tx, sessionID)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := f.writable(s.Now()); err != nil {
			return err
		}
		for bookingID, m := range marks {
			var onSession int64
			var status string
			var current sql.NullString
			err := tx.QueryRowContext(ctx, `SELECT session_id, status, attendance FROM bookings WHERE id = ?`, bookingID).
				Scan(&onSession, &status, &current)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && (onSession != sessionID || status != "confirmed")) {
				return ErrNotOnRegister
			}
			if err != nil {
				return err
			}
			if Mark(current.String) == m {
				continue
			}
			if err := s.markTx(ctx, tx, bookingID, Mark(current.String), m, actorID); err != nil {
				return err
			}
			changed++
		}
		return nil
	})
	return changed, err
}

func (s *Service) markTx(ctx context.Context, tx *sql.Tx, bookingID int64, from, to Mark, actorID int64) error {
	if from == to {
		return nil
	}
	stamp := store.FormatTime(s.Now())
	if _, err := tx.ExecContext(ctx, `UPDATE bookings SET attendance = ?, attendance_at = ?, updated_at = ? WHERE id = ?`,
		to, stamp, stamp, bookingID); err != nil {
		return err
	}
	var fromArg any
	if from != "" {
		fromArg = string(from)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO attendance_history (booking_id, from_mark, to_mark, actor_id, at)
		VALUES (?, ?, ?, ?, ?)`, bookingID, fromArg, to, nullID(actorID), stamp)
	return err
}

// MarkEveryoneAttended marks everyone not yet marked as attended, for large groups where
// the trainer then corrects the few who did not come.
func (s *Service) MarkEveryoneAttended(ctx context.Context, sessionID, actorID int64) (int, error) {
	return s.markUnmarkedAttended(ctx, sessionID, actorID, "")
}

// MarkCheckedInAttended marks as attended everyone with a confirmed place who checked in
// at the venue (internal/checkin) and is not marked yet; the trainer still decides the
// rest. Who to mark is read inside the transaction, after the session's lock, so a mark
// recorded meanwhile is never overwritten.
func (s *Service) MarkCheckedInAttended(ctx context.Context, sessionID, actorID int64) (int, error) {
	return s.markUnmarkedAttended(ctx, sessionID, actorID, checkedInOnly)
}

// checkedInOnly narrows the unmarked bookings to those checked in at the venue.
const checkedInOnly = ` AND EXISTS (SELECT 1 FROM checkins k WHERE k.booking_id = bookings.id)`

// markUnmarkedAttended marks the session's unmarked confirmed bookings, narrowed by only
// (a constant SQL condition), as attended in one transaction.
func (s *Service) markUnmarkedAttended(ctx context.Context, sessionID, actorID int64, only string) (int, error) {
	marked := 0
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		marked = 0
		f, err := lockFacts(ctx, tx, sessionID)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := f.writable(s.Now()); err != nil {
			return err
		}
		ids, err := store.QueryIDs(ctx, tx, `SELECT id FROM bookings WHERE session_id = ? AND status = 'confirmed'
			AND attendance IS NULL`+only+` ORDER BY id`, sessionID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := s.markTx(ctx, tx, id, "", Attended, actorID); err != nil {
				return err
			}
			marked++
		}
		return nil
	})
	return marked, err
}

// WalkIn is someone who came without a booking.
type WalkIn struct {
	SessionID      int64
	Email          string
	Name           string // needed only when they have no account yet
	JobTitle       string
	OrganisationID int64 // needed only when they have no account yet
	ActorID        int64
}

// AddWalkIn puts someone on the register as attended, creating an account (without a
// password: they can set one through "forgotten password") when none exists.
func (s *Service) AddWalkIn(ctx context.Context, w WalkIn) (int64, error) {
	email := account.NormaliseEmail(w.Email)
	if !account.ValidEmail(email) {
		return 0, problem.Validation{"email": "Enter the person's email address, like name@example.org"}.Err()
	}
	u, err := s.Accounts.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		// Refuse before creating an account for someone who cannot be added now; the
		// transaction below checks again.
		f, ferr := loadFacts(ctx, s.DB.R, w.SessionID)
		if errors.Is(ferr, sql.ErrNoRows) {
			return 0, store.ErrNotFound
		}
		if ferr != nil {
			return 0, store.Classify(ferr)
		}
		if ferr := f.writable(s.Now()); ferr != nil {
			return 0, ferr
		}
		u, err = s.Accounts.CreateUser(ctx, account.NewUser{Email: email, Name: w.Name, JobTitle: w.JobTitle,
			OrganisationID: w.OrganisationID, Roles: []account.Role{account.Practitioner}})
	}
	if err != nil {
		return 0, err
	}
	if !u.Active {
		return 0, problem.Validation{"email": "That person's account is disabled, so they cannot be added"}.Err()
	}
	var bookingID int64
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		f, err := lockFacts(ctx, tx, w.SessionID)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := f.writable(s.Now()); err != nil {
			return err
		}
		bookingID, err = booking.WalkInTx(ctx, tx, w.SessionID, u.ID, w.ActorID, s.Now())
		if errors.Is(err, booking.ErrAlreadyConfirmed) {
			return ErrAlreadyOnRegister
		}
		if err != nil {
			return err
		}
		return s.markTx(ctx, tx, bookingID, "", Attended, w.ActorID)
	})
	return bookingID, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
