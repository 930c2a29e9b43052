package report

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// SessionRow is one session that took place, with its figures.
type SessionRow struct {
	ID          int64
	CourseID    int64
	CourseTitle string
	StartsAt    time.Time
	Capacity    int
	Counts
}

// StartsLondon is the start as shown.
func (s SessionRow) StartsLondon() time.Time { return s.StartsAt.In(clock.London) }

// Fill is places held at the start over capacity.
func (s SessionRow) Fill() Rate { return Rate{Num: int64(s.HeldAtStart()), Den: int64(s.Capacity)} }

// CourseRow is one course's figures over its sessions that took place.
type CourseRow struct {
	ID       int64
	Title    string
	Sessions int
	Capacity int
	// Counts sums the sessions; PeopleTrained is distinct people across them.
	Counts
	Responses     int
	RatingSum     int64
	UsefulnessSum int64
}

// Fill is the places held at the start of its sessions over their total capacity.
func (c CourseRow) Fill() Rate { return Rate{Num: int64(c.HeldAtStart()), Den: int64(c.Capacity)} }

// Rating is the average overall rating (1 to 5) as "4.3", or "—" with no responses.
func (c CourseRow) Rating() string { return averageText(c.RatingSum, c.Responses) }

// Usefulness is the average usefulness (1 to 5) as "4.3", or "—" with no responses.
func (c CourseRow) Usefulness() string { return averageText(c.UsefulnessSum, c.Responses) }

// RatingTenths is the average rating in tenths; ok is false with no responses.
func (c CourseRow) RatingTenths() (int64, bool) {
	return AverageTenths(c.RatingSum, int64(c.Responses))
}

func averageText(sum int64, n int) string {
	t, ok := AverageTenths(sum, int64(n))
	if !ok {
		return "—"
	}
	return Tenth(t)
}

// loadCourses reads every session that took place, rolls them up by course, then adds
// the distinct people trained and the evaluations per course.
func (a *Attendance) loadCourses(ctx context.Context, tx *sql.Tx, from, to string) error {
	rows, err := tx.QueryContext(ctx, `SELECT s.id, s.course_id, c.title, s.starts_at, s.capacity, `+countColumns+`
		FROM course_sessions s
		JOIN courses c ON c.id = s.course_id
		LEFT JOIN registers r ON r.session_id = s.id
		LEFT JOIN bookings b ON b.session_id = s.id AND b.status IN ('confirmed', 'late_cancelled')
		WHERE `+heldSessions+`
		GROUP BY s.id, c.id
		ORDER BY s.starts_at, s.id`, from, to)
	if err != nil {
		return err
	}
	courses := map[int64]*CourseRow{}
	for rows.Next() {
		var r SessionRow
		var starts store.Time
		if err := rows.Scan(append([]any{&r.ID, &r.CourseID, &r.CourseTitle, &starts, &r.Capacity}, countTargets(&r.Counts)...)...); err != nil {
			rows.Close()
			return err
		}
		r.StartsAt = starts.T
		a.Sessions = append(a.Sessions, r)
		c := courses[r.CourseID]
		if c == nil {
			c = &CourseRow{ID: r.CourseID, Title: r.CourseTitle}
			courses[r.CourseID] = c
		}
		c.Sessions++
		c.Capacity += r.Capacity
		trained := c.PeopleTrained
		c.Add(r.Counts)
		c.PeopleTrained = trained // distinct per course: read below
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	a.SessionsHeld = len(a.Sessions)

	rows, err = tx.QueryContext(ctx, `SELECT s.course_id, COUNT(DISTINCT b.user_id)
		FROM course_sessions s
		JOIN registers r ON r.session_id = s.id AND r.status = 'submitted'
		JOIN bookings b ON b.session_id = s.id AND b.status = 'confirmed' AND b.attendance = 'attended'
		WHERE `+heldSessions+`
		GROUP BY s.course_id`, from, to)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return err
		}
		if c := courses[id]; c != nil {
			c.PeopleTrained = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = tx.QueryContext(ctx, `SELECT s.course_id, COUNT(*), SUM(e.rating), SUM(e.usefulness)
		FROM course_sessions s
		JOIN bookings b ON b.session_id = s.id
		JOIN evaluations e ON e.booking_id = b.id
		WHERE `+heldSessions+`
		GROUP BY s.course_id`, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		var rating, useful int64
		if err := rows.Scan(&id, &n, &rating, &useful); err != nil {
			return err
		}
		if c := courses[id]; c != nil {
			c.Responses, c.RatingSum, c.UsefulnessSum = n, rating, useful
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range courses {
		a.Courses = append(a.Courses, *c)
	}
	sort.Slice(a.Courses, func(i, j int) bool {
		ti, tj := strings.ToLower(a.Courses[i].Title), strings.ToLower(a.Courses[j].Title)
		if ti != tj {
			return ti < tj
		}
		return a.Courses[i].ID < a.Courses[j].ID
	})
	return nil
}
