package course

import (
	"context"
	"database/sql"
	"net/url"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// DefaultCancelNotice is how long before the start a cancellation counts as late when the
// organiser sets no cut-off.
const DefaultCancelNotice = 48 * time.Hour

// SessionInput is what an organiser sets for a session. Zero BookingClosesAt means "at
// the start"; zero CancelCutoffAt means DefaultCancelNotice before the start.
type SessionInput struct {
	CourseID  int64
	StartsAt  time.Time
	EndsAt    time.Time
	Online    bool
	Venue     string
	OnlineURL string
	Capacity  int
	// MinPlaces is the fewest confirmed places the session needs to run, from 1 to
	// Capacity; 0 means no minimum. Below it near the start, the provider and the admins
	// are told once (internal/minimum).
	MinPlaces       int
	BookingClosesAt time.Time
	CancelCutoffAt  time.Time
	TrainerIDs      []int64
}

// MaxCapacity keeps a typo from opening a session to a million people.
const MaxCapacity = 1000

func (in *SessionInput) normalise() {
	in.StartsAt, in.EndsAt = in.StartsAt.UTC().Truncate(time.Second), in.EndsAt.UTC().Truncate(time.Second)
	in.Venue, in.OnlineURL = strings.TrimSpace(in.Venue), strings.TrimSpace(in.OnlineURL)
	if in.BookingClosesAt.IsZero() {
		in.BookingClosesAt = in.StartsAt
	}
	if in.CancelCutoffAt.IsZero() {
		in.CancelCutoffAt = in.StartsAt.Add(-DefaultCancelNotice)
	}
	in.BookingClosesAt, in.CancelCutoffAt = in.BookingClosesAt.UTC().Truncate(time.Second), in.CancelCutoffAt.UTC().Truncate(time.Second)
}

// Sessions are scheduled within this window; it also keeps stored times four-digit years.
var (
	earliestStart = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	latestStart   = time.Date(2999, 12, 31, 0, 0, 0, 0, time.UTC)
)

// CheckFields applies the session rules that depend on neither the clock, the course
// nor the bookings (venue or link, places, end after start), without saving, so a form can
// report them together with its own parsing errors. It works on a copy.
func (in SessionInput) CheckFields() error {
	v := problem.Validation{}
	if !in.StartsAt.IsZero() && !in.EndsAt.IsZero() { // else the form's own errors say why
		in.normalise()
		if in.StartsAt.Before(earliestStart) || in.StartsAt.After(latestStart) {
			v.Add("starts_at", "Enter a start date between the years 2000 and 2999")
		}
		in.checkTimes(v)
	}
	in.checkPlace(v)
	return v.Err()
}

// validate checks the input. previousStart is the stored start when editing: a session
// already under way may still have its venue or places changed, but a new start must be
// in the future.
func (in *SessionInput) validate(now time.Time, confirmed int, previousStart time.Time) error {
	v := problem.Validation{}
	if in.CourseID <= 0 {
		v.Add("course_id", "Choose the course")
	}
	switch {
	case in.StartsAt.IsZero():
		v.Add("starts_at", "Enter the date and start time")
	case in.StartsAt.Before(earliestStart) || in.StartsAt.After(latestStart):
		v.Add("starts_at", "Enter a start date between the years 2000 and 2999")
	case !in.StartsAt.Equal(previousStart) && !in.StartsAt.After(now):
		v.Add("starts_at", "The start must be in the future")
	}
	in.checkTimes(v)
	in.checkPlace(v)
	if in.Capacity < confirmed {
		v.Add("capacity", "Places cannot be fewer than the "+itoa(confirmed)+" people already booked")
	}
	return v.Err()
}

// checkTimes records the rules about the end, booking and cancellation times.
func (in *SessionInput) checkTimes(v problem.Validation) {
	if in.EndsAt.IsZero() {
		v.Add("ends_at", "Enter the end time")
	} else if !in.StartsAt.IsZero() && !in.EndsAt.After(in.StartsAt) {
		v.Add("ends_at", "The end must be after the start")
	} else if in.EndsAt.Sub(in.StartsAt) > 5*24*time.Hour {
		v.Add("ends_at", "A session can last at most 5 days")
	}
	// The booking and cancellation deadlines come before the start, but not before 2000:
	// a year-0 or 1970 date is a slip, and would open a session's cancellation for ever.
	switch {
	case in.BookingClosesAt.After(in.StartsAt):
		v.Add("booking_closes_at", "Booking must close before the session starts")
	case !in.BookingClosesAt.IsZero() && in.BookingClosesAt.Before(earliestStart):
		v.Add("booking_closes_at", "Enter a date for booking to close from the year 2000 on")
	}
	switch {
	case in.CancelCutoffAt.After(in.StartsAt):
		v.Add("cancel_cutoff_at", "The cancellation cut-off must be before the session starts")
	case !in.CancelCutoffAt.IsZero() && in.CancelCutoffAt.Before(earliestStart):
		v.Add("cancel_cutoff_at", "Enter a cancellation cut-off date from the year 2000 on")
	}
}

// checkPlace records the rules about where the session happens and how many it takes.
func (in *SessionInput) checkPlace(v problem.Validation) {
	in.Venue, in.OnlineURL = strings.TrimSpace(in.Venue), strings.TrimSpace(in.OnlineURL)
	switch {
	case in.Online && in.OnlineURL == "":
		v.Add("online_url", "Enter the joining link for the online session")
	case in.OnlineURL != "" && !validJoiningLink(in.OnlineURL):
		// Checked for in-person sessions too: the link is stored, and switching the
		// session to online later would otherwise send an unchecked link to everyone.
		v.Add("online_url", "Enter the joining link as a full web address starting https://")
	}
	if !in.Online && in.Venue == "" {
		v.Add("venue", "Enter the venue, or choose online")
	}
	v.CheckLine("venue", in.Venue, "Venue", 500)
	if in.Capacity < 1 || in.Capacity > MaxCapacity {
		v.Add("capacity", "Enter the number of places, from 1 to 1000")
	}
	switch {
	case in.MinPlaces < 0:
		v.Add("min_places", "Enter the minimum number of people as a whole number from 1, or leave it blank for no minimum")
	case in.MinPlaces > in.Capacity && in.Capacity >= 1:
		v.Add("min_places", "The minimum number of people cannot be more than the "+itoa(in.Capacity)+" places")
	}
}

// validJoiningLink accepts an absolute https address with a host and nothing that could
// break out of an attribute or a calendar line: no spaces, quotes, angle brackets or
// control characters.
func validJoiningLink(link string) bool {
	if len(link) > 2000 || strings.ContainsFunc(link, func(r rune) bool {
		return r <= ' ' || r == 0x7f || r == '"' || r == '\'' || r == '<' || r == '>' || r == '`' || r == '\\'
	}) {
		return false
	}
	u, err := url.ParseRequestURI(link)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil
}

// ErrSessionCancelled refuses edits to a cancelled session.
var ErrSessionCancelled = problem.Conflict("session_cancelled", "This session has been cancelled and can no longer be changed.")

// ErrSessionUnderway refuses moving or cancelling a session that has begun: people are
// in the room, and the register and certificates are tied to its date.
var ErrSessionUnderway = problem.Conflict("session_underway",
	"This session has already started, so it can no longer be moved or cancelled. You can still correct the venue, link or places.")

// ErrSessionOver refuses edits to a session that has finished.
var ErrSessionOver = problem.Conflict("session_over", "This session has already taken place and can no longer be changed.")

// CreateSession schedules a new session.
func (s *Service) CreateSession(ctx context.Context, in SessionInput) (int64, error) {
	in.normalise()
	now := s.Now()
	if err := in.validate(now, 0, time.Time{}); err != nil {
		return 0, err
	}
	var id int64
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM courses WHERE id = ?`, in.CourseID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return problem.Validation{"course_id": "Choose a course that exists"}.Err()
		}
		stamp := store.FormatTime(now)
		err := tx.QueryRowContext(ctx, `INSERT INTO course_sessions (course_id, starts_at, ends_at, online, venue,
			online_url, capacity, min_places, booking_closes_at, cancel_cutoff_at, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`, in.CourseID, store.FormatTime(in.StartsAt), store.FormatTime(in.EndsAt),
			in.Online, in.Venue, in.OnlineURL, in.Capacity, in.MinPlaces, store.FormatTime(in.BookingClosesAt),
			store.FormatTime(in.CancelCutoffAt), stamp, stamp).Scan(&id)
		if err != nil {
			return err
		}
		return writeTrainers(ctx, tx, id, in.TrainerIDs)
	})
	return id, err
}

// UpdateSession changes a session. Raising capacity promotes people from the waiting list
// in the same transaction; capacity can never drop below the places already taken.
func (s *Service) UpdateSession(ctx context.Context, id int64, in SessionInput, actorID int64) error {
	in.normalise()
	now := s.Now()
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		var status string
		var confirmed int
		var courseID int64
		var starts, ends store.Time
		var before sessionPlace
		var minPlaces int
		err := tx.QueryRowContext(ctx, `SELECT status, confirmed_count, course_id, starts_at, ends_at, online, venue, online_url, min_places
			FROM course_sessions WHERE id = ?`, id).
			Scan(&status, &confirmed, &courseID, &starts, &ends, &before.online, &before.venue, &before.onlineURL, &minPlaces)
		if err != nil {
			return err
		}
		if status == Cancelled {
			return ErrSessionCancelled
		}
		if !now.Before(ends.T) {
			return ErrSessionOver
		}
		// Once it has started, its attendance and certificates hang on its date: only the
		// venue, link or places may still be corrected.
		if !now.Before(starts.T) && (!in.StartsAt.Equal(starts.T) || !in.EndsAt.Equal(ends.T)) {
			return ErrSessionUnderway
		}
		in.CourseID = courseID // a session never moves to another course
		if err := in.validate(now, confirmed, starts.T); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE course_sessions SET starts_at=?, ends_at=?, online=?, venue=?, online_url=?,
			capacity=?, min_places=?, booking_closes_at=?, cancel_cutoff_at=?, updated_at=? WHERE id=?`,
			store.FormatTime(in.StartsAt), store.FormatTime(in.EndsAt), in.Online, in.Venue, in.OnlineURL, in.Capacity, in.MinPlaces,
			store.FormatTime(in.BookingClosesAt), store.FormatTime(in.CancelCutoffAt), store.FormatTime(now), id)
		if err != nil {
			return err
		}
		if in.TrainerIDs != nil {
			if err := writeTrainers(ctx, tx, id, in.TrainerIDs); err != nil {
				return err
			}
		}
		before.starts, before.ends = starts.T, ends.T
		if changes := before.changes(in); len(changes) > 0 {
			if err := booking.NotifySessionChangedTx(ctx, tx, id, changes, now); err != nil {
				return err
			}
		}
		if !before.starts.Equal(in.StartsAt) || minPlaces != in.MinPlaces {
			// A new date or minimum is a new question: the below-minimum notice (internal/
			// minimum) may go again.
			if _, err := tx.ExecContext(ctx, `DELETE FROM minimum_notices WHERE session_id = ?`, id); err != nil {
				return err
			}
		}
		if !before.starts.Equal(in.StartsAt) {
			// Reminders count back from the new start.
			if _, err := tx.ExecContext(ctx, `DELETE FROM reminders_sent WHERE booking_id IN
				(SELECT id FROM bookings WHERE session_id = ?)`, id); err != nil {
				return err
			}
		}
		_, err = booking.PromoteTx(ctx, tx, id, actorID, now)
		return err
	})
}

// sessionPlace is when and where a session happens: what people booked on it must hear
// about when it changes.
type sessionPlace struct {
	starts, ends time.Time
	online       bool
	venue        string
	onlineURL    string
}

// changes lists what an edit alters that attendees care about: "time", "venue", "link".
func (p sessionPlace) changes(in SessionInput) []string {
	var out []string
	if !p.starts.Equal(in.StartsAt) || !p.ends.Equal(in.EndsAt) {
		out = append(out, "time")
	}
	if p.online != in.Online || (!in.Online && p.venue != in.Venue) {
		out = append(out, "venue")
	}
	if in.Online && p.onlineURL != in.OnlineURL {
		out = append(out, "link")
	}
	return out
}

// CancelSession cancels a session and every live booking on it.
func (s *Service) CancelSession(ctx context.Context, id int64, reason string, actorID int64) error {
	reason = strings.TrimSpace(reason)
	if len(reason) > 1000 {
		return problem.Validation{"reason": "Reason must be 1,000 characters or fewer"}.Err()
	}
	now := s.Now()
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		var status string
		var starts, ends store.Time
		if err := tx.QueryRowContext(ctx, `SELECT status, starts_at, ends_at FROM course_sessions WHERE id = ?`, id).
			Scan(&status, &starts, &ends); err != nil {
			return err
		}
		if status == Cancelled {
			return ErrSessionCancelled
		}
		if !now.Before(ends.T) {
			return ErrSessionOver
		}
		if !now.Before(starts.T) {
			return ErrSessionUnderway
		}
		if _, err := tx.ExecContext(ctx, `UPDATE course_sessions SET status='cancelled', cancel_reason=?, updated_at=? WHERE id=?`,
			reason, store.FormatTime(now), id); err != nil {
			return err
		}
		_, err := booking.CancelAllTx(ctx, tx, id, actorID, reason, now)
		return err
	})
}

func writeTrainers(ctx context.Context, tx *sql.Tx, sessionID int64, trainerIDs []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM session_trainers WHERE session_id = ?`, sessionID); err != nil {
		return err
	}
	for _, uid := range trainerIDs {
		var ok int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM user_roles WHERE user_id = ? AND role = 'trainer'`, uid).Scan(&ok); err != nil {
			return err
		}
		if ok == 0 {
			return problem.Validation{"trainer_ids": "Choose trainers from the list of people with the trainer role"}.Err()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO session_trainers (session_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, sessionID, uid); err != nil {
			return err
		}
	}
	return nil
}
