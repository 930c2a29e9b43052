package booking

import (
	"context"
	"time"

	"github.com/traininghub/traininghub/internal/booking/waitlist"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Entry is a booking with what a person needs to see about its session.
type Entry struct {
	Booking
	CourseID      int64
	CourseTitle   string
	StartsAt      time.Time
	EndsAt        time.Time
	Online        bool
	Venue         string
	OnlineURL     string
	SessionStatus string
	UserName      string
	UserEmail     string
	JobTitle      string
	Organisation  string
	// ICalUID is the booking's calendar UID without its "@host" part; ICalSequence is the
	// SEQUENCE of the latest invite or cancellation sent for it.
	ICalUID      string
	ICalSequence int
	// Held: only ever a place held while a manager decides (hold.go). Live, it is not yet
	// the person's for certain, so it is not in their calendar; cancelled, the hold was
	// released.
	Held bool
	// Attendance is what the register says: "attended", "partial", "absent", or "" when
	// not recorded (yet).
	Attendance string
}

// StartsLondon is the session start as shown to people.
func (e Entry) StartsLondon() time.Time { return e.StartsAt.In(clock.London) }

// EndsLondon is the session end as shown to people.
func (e Entry) EndsLondon() time.Time { return e.EndsAt.In(clock.London) }

var entryQuery = `SELECT b.id, b.session_id, b.user_id, b.status, b.created_at, b.updated_at,
	CASE WHEN b.status = 'waitlisted' THEN ` + waitlist.PositionSQL("b") + ` ELSE 0 END,
	c.id, c.title, s.starts_at, s.ends_at, s.online, s.venue, s.online_url, s.status,
	u.name, u.email, u.job_title, o.name, COALESCE(b.ical_uid, ''), b.ical_sequence, ` + heldSQL + `, COALESCE(b.attendance, '')
	FROM bookings b
	JOIN course_sessions s ON s.id = b.session_id
	JOIN courses c ON c.id = s.course_id
	JOIN users u ON u.id = b.user_id
	JOIN organisations o ON o.id = u.organisation_id `

func (s *Service) entries(ctx context.Context, where string, args ...any) ([]Entry, error) {
	rows, err := s.DB.R.QueryContext(ctx, entryQuery+where, args...)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var created, updated, starts, ends store.Time
		if err := rows.Scan(&e.ID, &e.SessionID, &e.UserID, &e.Status, &created, &updated, &e.WaitlistPosition,
			&e.CourseID, &e.CourseTitle, &starts, &ends, &e.Online, &e.Venue, &e.OnlineURL, &e.SessionStatus,
			&e.UserName, &e.UserEmail, &e.JobTitle, &e.Organisation, &e.ICalUID, &e.ICalSequence, &e.Held, &e.Attendance); err != nil {
			return nil, err
		}
		e.CreatedAt, e.UpdatedAt, e.StartsAt, e.EndsAt = created.T, updated.T, starts.T, ends.T
		out = append(out, e)
	}
	return out, rows.Err()
}

// ForUser lists a person's bookings, soonest session first.
func (s *Service) ForUser(ctx context.Context, userID int64) ([]Entry, error) {
	return s.entries(ctx, `WHERE b.user_id = ? ORDER BY s.starts_at, b.id`, userID)
}

// ForSession lists a session's bookings: confirmed first, then the waiting list in order.
func (s *Service) ForSession(ctx context.Context, sessionID int64) ([]Entry, error) {
	return s.entries(ctx, `WHERE b.session_id = ?
		ORDER BY CASE b.status WHEN 'confirmed' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END,
		         CASE b.status WHEN 'waitlisted' THEN b.waitlisted_at END, CASE b.status WHEN 'waitlisted' THEN b.id END,
		         u.name COLLATE NOCASE, b.id`, sessionID)
}

// Entry loads one booking with its session.
func (s *Service) Entry(ctx context.Context, bookingID int64) (Entry, error) {
	list, err := s.entries(ctx, `WHERE b.id = ?`, bookingID)
	if err != nil {
		return Entry{}, err
	}
	if len(list) == 0 {
		return Entry{}, ErrBookingNotFound
	}
	return list[0], nil
}

// LiveBookingFor finds a person's live booking on a session, if any.
func (s *Service) LiveBookingFor(ctx context.Context, sessionID, userID int64) (Entry, bool, error) {
	list, err := s.entries(ctx, `WHERE b.session_id = ? AND b.user_id = ? AND b.status IN ('confirmed','waitlisted')`, sessionID, userID)
	if err != nil || len(list) == 0 {
		return Entry{}, false, err
	}
	return list[0], true, nil
}

// HistoryRow is one change to a booking.
type HistoryRow struct {
	From, To  Status
	ActorName string
	Reason    string
	At        time.Time
}

// ReasonAttendanceMarked is how a change of attendance mark reads in a booking's history.
const ReasonAttendanceMarked = "attendance recorded"

// ReasonCheckedIn is how checking in at the venue (internal/checkin) reads in a booking's
// history: the place stays confirmed, and the person themselves did it.
const ReasonCheckedIn = "checked in at the venue"

// HistorySQL is every change to the bookings chosen by where (over bookings b), as the
// rows of a table c to select from: booking states from booking_history, attendance
// marks from attendance_history and check-ins from checkins, each table written by its
// own package. Columns: booking_id, from_state, to_state, actor (0: the service), reason,
// at; order by HistoryOrder. where appears once per table: pass its arguments through
// HistoryArgs.
func HistorySQL(where string) string {
	return `(SELECT h.booking_id, COALESCE(h.from_status, '') AS from_state, h.to_status AS to_state,
		       COALESCE(h.actor_id, 0) AS actor, h.reason, h.at, 0 AS kind, h.id
		  FROM booking_history h JOIN bookings b ON b.id = h.booking_id WHERE ` + where + `
		UNION ALL
		SELECT a.booking_id, COALESCE(a.from_mark, ''), a.to_mark, COALESCE(a.actor_id, 0),
		       '` + ReasonAttendanceMarked + `', a.at, 1, a.id
		  FROM attendance_history a JOIN bookings b ON b.id = a.booking_id WHERE ` + where + `
		UNION ALL
		SELECT k.booking_id, 'confirmed', 'confirmed', b.user_id, '` + ReasonCheckedIn + `', k.at, 2, k.booking_id
		  FROM checkins k JOIN bookings b ON b.id = k.booking_id WHERE ` + where + `) AS c`
}

// historyTables is how many times HistorySQL repeats its where.
const historyTables = 3

// HistoryArgs repeats where's arguments once per table HistorySQL reads, so callers need
// not know how many there are.
func HistoryArgs(args ...any) []any {
	out := make([]any, 0, historyTables*len(args))
	for range historyTables {
		out = append(out, args...)
	}
	return out
}

// HistoryOrder puts HistorySQL's rows oldest first; within one second a state comes
// before a mark (a walk-in is added, then marked), and a mark before a check-in.
const HistoryOrder = `c.at, c.kind, c.id`

// History lists every change to a booking, oldest first.
func (s *Service) History(ctx context.Context, bookingID int64) ([]HistoryRow, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT c.from_state, c.to_state, COALESCE(u.name, 'System'), c.reason, c.at
		FROM `+HistorySQL(`b.id = ?`)+` LEFT JOIN users u ON u.id = c.actor ORDER BY `+HistoryOrder, HistoryArgs(bookingID)...)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []HistoryRow
	for rows.Next() {
		var h HistoryRow
		var at store.Time
		if err := rows.Scan(&h.From, &h.To, &h.ActorName, &h.Reason, &at); err != nil {
			return nil, err
		}
		h.At = at.T
		out = append(out, h)
	}
	return out, rows.Err()
}
