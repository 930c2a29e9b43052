package checkin

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// Standing is where one person stands for checking in to one session, so the pages can
// say so before anyone types a code. CheckIn decides again when a code is sent.
type Standing struct {
	Window      Span
	Cancelled   bool
	HasPlace    bool      // a confirmed place
	CheckedInAt time.Time // zero until they check in
}

// StandingOf reads userID's standing on sessionID.
func (s *Service) StandingOf(ctx context.Context, sessionID, userID int64) (Standing, error) {
	var st Standing
	var status string
	var starts, ends store.Time
	err := s.DB.R.QueryRowContext(ctx, `SELECT status, starts_at, ends_at FROM course_sessions WHERE id = ?`, sessionID).
		Scan(&status, &starts, &ends)
	if errors.Is(err, sql.ErrNoRows) {
		return st, ErrSessionNotFound
	}
	if err != nil {
		return st, store.Classify(err)
	}
	st.Window, st.Cancelled = Window(starts.T, ends.T), status == "cancelled"
	var at sql.NullString
	err = s.DB.R.QueryRowContext(ctx, `SELECT k.at FROM bookings b LEFT JOIN checkins k ON k.booking_id = b.id
		WHERE b.session_id = ? AND b.user_id = ? AND b.status = 'confirmed'`, sessionID, userID).Scan(&at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return st, nil
	case err != nil:
		return st, store.Classify(err)
	}
	st.HasPlace = true
	if at.Valid {
		st.CheckedInAt, err = store.ParseTime(at.String)
	}
	return st, err
}

// CheckedIn reports whether they have checked in.
func (st Standing) CheckedIn() bool { return !st.CheckedInAt.IsZero() }

// Refusal is why a code sent now would be refused before it is even looked at; nil
// when the only thing left to check is the code (or they have already checked in).
func (st Standing) Refusal(now time.Time) error {
	switch {
	case st.Cancelled:
		return ErrSessionCancelled
	case st.CheckedIn():
		return nil
	case !st.HasPlace:
		return ErrNoPlace
	}
	return st.Window.refusal(now)
}

// OpenNow lists the sessions userID could check in to now (a confirmed place, not
// cancelled, inside the window), soonest first, for the page that asks only for a code.
func (s *Service) OpenNow(ctx context.Context, userID int64) ([]int64, error) {
	now := s.Now()
	return store.QueryIDs(ctx, s.DB.R, `SELECT s.id FROM bookings b JOIN course_sessions s ON s.id = b.session_id
		WHERE b.user_id = ? AND b.status = 'confirmed' AND s.status <> 'cancelled' AND s.starts_at <= ? AND s.ends_at > ?
		ORDER BY s.starts_at, s.id`, userID, store.FormatTime(now.Add(OpensBefore)), store.FormatTime(now))
}
