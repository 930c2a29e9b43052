package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/store"
)

// startedCourse is the course whose session began a few minutes before the demo did, so
// the demo trainer can take a register at once.
const startedCourse = courseWellbeing

// startedPeople is how many people hold a place on it.
const startedPeople = 8

// underWay is when the session under way started: 20 minutes before now, on a five-minute
// mark.
func underWay(now time.Time) time.Time { return now.Truncate(5 * time.Minute).Add(-20 * time.Minute) }

// startedSession adds a session that started 20 minutes before now, led by the demo
// trainer, with places taken by people who hold no other date of the course. Its register
// is open and unmarked.
func (s *seeder) startedSession(ctx context.Context, db *store.DB) error {
	start := s.now.Truncate(5 * time.Minute).Add(-20 * time.Minute)
	crs := course.NewService(db, fixed(start.AddDate(0, 0, -21)))
	sid, err := crs.CreateSession(ctx, course.SessionInput{CourseID: s.courseIDs[startedCourse], StartsAt: start,
		EndsAt: start.Add(time.Duration(courseByKey(startedCourse).minutes) * time.Minute),
		Venue:  guildhall, Capacity: 15, TrainerIDs: []int64{s.byRole[account.Trainer]}})
	if err != nil {
		return fmt.Errorf("demo: started session: %w", err)
	}
	bk := booking.NewService(db, fixed(start.AddDate(0, 0, -14)))
	booked := 0
	for _, uid := range s.generated {
		if booked == startedPeople {
			break
		}
		var other int
		if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM bookings b JOIN course_sessions cs ON cs.id = b.session_id
			WHERE b.user_id = ? AND cs.course_id = ? AND b.status IN ('confirmed', 'waitlisted')`,
			uid, s.courseIDs[startedCourse]).Scan(&other); err != nil {
			return fmt.Errorf("demo: started session: %w", err)
		}
		if other > 0 {
			continue
		}
		if _, err := bk.Book(ctx, booking.Request{SessionID: sid, UserID: uid}); err != nil {
			return fmt.Errorf("demo: started session booking: %w", err)
		}
		booked++
	}
	return nil
}
