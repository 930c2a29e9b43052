package course

import (
	"context"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Session statuses.
const (
	Scheduled = "scheduled"
	Cancelled = "cancelled"
)

// Trainer is a person delivering a session.
type Trainer struct {
	ID   int64
	Name string
}

// Session is one dated delivery of a course. Times are UTC; the London methods are for
// display.
type Session struct {
	ID           int64
	CourseID     int64
	CourseTitle  string
	CourseStatus Status
	ProviderID   int64
	StartsAt     time.Time
	EndsAt       time.Time
	Online       bool
	Venue        string
	OnlineURL    string
	Capacity     int
	// MinPlaces is the fewest confirmed places the session needs to run; 0: no minimum.
	MinPlaces       int
	Confirmed       int
	Waitlisted      int
	BookingClosesAt time.Time
	CancelCutoffAt  time.Time
	Status          string
	CancelReason    string
	Trainers        []Trainer
	// UpdatedAt is when the session's own details last changed (bookings do not count).
	UpdatedAt time.Time
}

// PlacesLeft is how many more people can be confirmed.
func (s Session) PlacesLeft() int { return max(0, s.Capacity-s.Confirmed) }

// BelowMinimum reports whether the session has a minimum and fewer confirmed places than it.
func (s Session) BelowMinimum() bool { return s.MinPlaces > 0 && s.Confirmed < s.MinPlaces }

// MoreNeeded is how many more confirmed places would reach the minimum; 0 when there is
// none or it is reached.
func (s Session) MoreNeeded() int { return max(0, s.MinPlaces-s.Confirmed) }

// Full reports whether new bookings go on the waiting list.
func (s Session) Full() bool { return s.PlacesLeft() == 0 }

// StartsLondon is the start as shown to people.
func (s Session) StartsLondon() time.Time { return s.StartsAt.In(clock.London) }

// EndsLondon is the end as shown to people.
func (s Session) EndsLondon() time.Time { return s.EndsAt.In(clock.London) }

// BookingClosesLondon is when booking closes, as shown to people.
func (s Session) BookingClosesLondon() time.Time { return s.BookingClosesAt.In(clock.London) }

// CancelCutoffLondon is the late-cancellation cut-off, as shown to people.
func (s Session) CancelCutoffLondon() time.Time { return s.CancelCutoffAt.In(clock.London) }

// IsCancelled reports whether the organiser cancelled the session.
func (s Session) IsCancelled() bool { return s.Status == Cancelled }

// TrainerNames joins the trainers' names for display.
func (s Session) TrainerNames() string {
	names := make([]string, len(s.Trainers))
	for i, t := range s.Trainers {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

// HasTrainer reports whether the user delivers this session.
func (s Session) HasTrainer(userID int64) bool {
	for _, t := range s.Trainers {
		if t.ID == userID {
			return true
		}
	}
	return false
}

// BookingState explains whether someone could book now, in words for the page.
func (s Session) BookingState(now time.Time) (open bool, reason string) {
	switch {
	case s.Status == Cancelled:
		return false, "This session has been cancelled."
	case !now.Before(s.StartsAt):
		return false, "This session has already started."
	case !now.Before(s.BookingClosesAt):
		return false, "Booking for this session has closed."
	case s.CourseStatus != Published:
		return false, "This course is not open for booking."
	}
	return true, ""
}

// sessionColumns reads a course awaiting approval as a draft: like a draft, it is hidden
// from the public and cannot be booked.
const sessionColumns = `s.id, s.course_id, c.title, CASE WHEN c.approval = 'approved' THEN c.status ELSE 'draft' END,
	COALESCE(c.provider_organisation_id, 0),
	s.starts_at, s.ends_at, s.online, s.venue, s.online_url, s.capacity, s.min_places, s.confirmed_count,
	(SELECT count(*) FROM bookings b WHERE b.session_id = s.id AND b.status = 'waitlisted'),
	s.booking_closes_at, s.cancel_cutoff_at, s.status, s.cancel_reason, s.updated_at`

// scanSession reads one row of sessionColumns; its trainers come from withTrainers.
func scanSession(row interface{ Scan(...any) error }) (Session, error) {
	var s Session
	var starts, ends, closes, cutoff, updated store.Time
	err := row.Scan(&s.ID, &s.CourseID, &s.CourseTitle, &s.CourseStatus, &s.ProviderID, &starts, &ends,
		&s.Online, &s.Venue, &s.OnlineURL, &s.Capacity, &s.MinPlaces, &s.Confirmed, &s.Waitlisted, &closes, &cutoff,
		&s.Status, &s.CancelReason, &updated)
	if err != nil {
		return s, store.Classify(err)
	}
	s.StartsAt, s.EndsAt, s.BookingClosesAt, s.CancelCutoffAt = starts.T, ends.T, closes.T, cutoff.T
	s.UpdatedAt = updated.T
	return s, nil
}

// Session loads one session.
func (s *Service) Session(ctx context.Context, id int64) (Session, error) {
	return oneSession(ctx, s.DB.R, id)
}

// SessionFilter narrows a session listing; zero values mean "any".
type SessionFilter struct {
	CourseID      int64
	From, To      time.Time
	IncludePast   bool
	OnlyScheduled bool
	TrainerID     int64
	Limit         int
}

// Sessions lists sessions in start order.
func (s *Service) Sessions(ctx context.Context, f SessionFilter) ([]Session, error) {
	var where []string
	var args []any
	if f.CourseID != 0 {
		where = append(where, "s.course_id = ?")
		args = append(args, f.CourseID)
	}
	if !f.From.IsZero() {
		where = append(where, "s.starts_at >= ?")
		args = append(args, store.FormatTime(f.From))
	} else if !f.IncludePast {
		where = append(where, "s.ends_at > ?")
		args = append(args, store.FormatTime(s.Now()))
	}
	if !f.To.IsZero() {
		where = append(where, "s.starts_at < ?")
		args = append(args, store.FormatTime(f.To))
	}
	if f.OnlyScheduled {
		where = append(where, "s.status = 'scheduled'")
	}
	if f.TrainerID != 0 {
		where = append(where, "s.id IN (SELECT session_id FROM session_trainers WHERE user_id = ?)")
		args = append(args, f.TrainerID)
	}
	q := `SELECT ` + sessionColumns + ` FROM course_sessions s JOIN courses c ON c.id = s.course_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY s.starts_at, s.id"
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	q += " LIMIT ?"
	args = append(args, limit)
	return s.querySessions(ctx, q, args...)
}

// querySessions runs a query selecting sessionColumns and reads every row.
func (s *Service) querySessions(ctx context.Context, q string, args ...any) ([]Session, error) {
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, store.Classify(err)
	}
	var out []Session
	for rows.Next() {
		sess, err := scanSession(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, sess)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, withTrainers(ctx, s.DB.R, out)
}

// CourseIDOfSession is a cheap lookup used by scope checks.
func (s *Service) CourseIDOfSession(ctx context.Context, sessionID int64) (int64, error) {
	var id int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT course_id FROM course_sessions WHERE id = ?`, sessionID).Scan(&id)
	return id, store.Classify(err)
}
