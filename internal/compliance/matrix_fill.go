package compliance

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// sessionFacts is what the matrix needs of one session of a required course.
type sessionFacts struct {
	col       int
	start     time.Time
	submitted bool // its register is submitted: attending it completes the course
	live      bool // scheduled and not yet ended: a place on it is a booking in hand
}

// fill reads the completions and live bookings of the matrix's people into their required
// cells. It reads the sessions of the required courses (hundreds), the places held for a
// manager's approval (a handful), then the people's confirmed and waitlisted bookings in
// one pass, and does the joining and the "latest completion, soonest booking" in Go: for
// 5,000 people that is a third of the time SQLite takes to join and group the same rows.
func (s *Service) fill(ctx context.Context, m *Matrix, rowOf, colOf map[int64]int, userFilter string, userArgs []any, now time.Time) error {
	marks := make([]string, len(m.Courses))
	args := []any{store.FormatTime(now)}
	for i, c := range m.Courses {
		marks[i] = "?"
		args = append(args, c.ID)
	}
	sessions := map[int64]sessionFacts{}
	err := s.scan(ctx, `SELECT s.id, s.course_id, s.starts_at, s.status = 'scheduled' AND s.ends_at > ?,
		COALESCE(r.status = 'submitted', FALSE)
		FROM course_sessions s LEFT JOIN registers r ON r.session_id = s.id
		WHERE s.course_id IN (`+strings.Join(marks, ",")+`)`, args, func(rows *sql.Rows) error {
		var id, courseID int64
		var f sessionFacts
		var start store.Time
		if err := rows.Scan(&id, &courseID, &start, &f.live, &f.submitted); err != nil {
			return err
		}
		f.col, f.start = colOf[courseID], start.T
		sessions[id] = f
		return nil
	})
	if err != nil {
		return err
	}

	// A place held while a manager decides whether to approve it is not booked yet.
	held := map[int64]bool{}
	err = s.scan(ctx, `SELECT booking_id FROM approval_requests WHERE status = 'pending' AND booking_id IS NOT NULL`, nil,
		func(rows *sql.Rows) error {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			held[id] = true
			return nil
		})
	if err != nil {
		return err
	}

	return s.scan(ctx, `SELECT b.id, b.user_id, b.session_id, b.status = 'confirmed', COALESCE(b.attendance = 'attended', FALSE)
		FROM users u JOIN bookings b ON b.user_id = u.id AND b.status IN ('confirmed', 'waitlisted')
		WHERE u.organisation_id = ? AND u.active = 1`+userFilter, userArgs, func(rows *sql.Rows) error {
		var id, userID, sessionID int64
		var confirmed, attended bool
		if err := rows.Scan(&id, &userID, &sessionID, &confirmed, &attended); err != nil {
			return err
		}
		f, ok := sessions[sessionID]
		if !ok {
			return nil // not a required course
		}
		i, ok := rowOf[userID]
		if !ok {
			return nil
		}
		c := &m.People[i].Cells[f.col]
		switch {
		case !c.Required:
		case confirmed && attended && f.submitted:
			if f.start.After(c.CompletedOn) {
				c.CompletedOn = f.start
			}
		case !f.live:
		case confirmed && !held[id]:
			if c.booked.IsZero() || f.start.Before(c.booked) {
				c.booked = f.start
			}
		case !confirmed:
			if c.waiting.IsZero() || f.start.Before(c.waiting) {
				c.waiting = f.start
			}
		}
		return nil
	})
}
