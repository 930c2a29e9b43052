package demo

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/store"
)

// pastSession is a session the demo partnership has already run.
type pastSession struct {
	course    string
	monthsAgo int // roughly; the date moves to the nearest earlier working day
	hour, min int
	online    bool
	venue     string
	attended  int  // generated practitioners who came
	absent    int  // ... who booked and did not come
	partial   int  // ... who left early
	me        bool // the demo practitioner attended too
}

// history is a year and more of past training, so the learning record, certificates,
// expiry warnings and (later) the board's reports have facts to show. The demo
// practitioner completed three courses: one expiring within 90 days, one current, and
// one whose certificate waits for their evaluation.
var history = []pastSession{
	{course: courseLevel1, monthsAgo: 35, hour: 10, online: true, attended: 12, absent: 2, me: true},
	{course: courseSlavery, monthsAgo: 5, hour: 13, min: 30, venue: "Guildhall, High Street, Bath BA1 5AW", attended: 14, absent: 3, partial: 1, me: true},
	{course: courseWhistle, monthsAgo: 0, hour: 9, min: 30, venue: "Keynsham Civic Centre, Market Walk, Keynsham BS31 1FS", attended: 9, absent: 4, me: true},
	{course: courseCSE, monthsAgo: 8, hour: 9, min: 30, venue: "Lewis House, Manvers Street, Bath BA1 1JG", attended: 16, absent: 5, partial: 1},
	{course: courseDomestic, monthsAgo: 3, hour: 9, min: 30, venue: "Lewis House, Manvers Street, Bath BA1 1JG", attended: 11, absent: 6},
}

// pastStart is a working day about monthsAgo months before now (at least a week before
// for the most recent), at the given London time.
func pastStart(now time.Time, monthsAgo, hour, minute int) time.Time {
	d := now.In(clock.London).AddDate(0, -monthsAgo, -7)
	for !workingDay(d) {
		d = d.AddDate(0, 0, -1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, clock.London).UTC()
}

// fixed is a clock stopped at t, so past events carry their own dates.
func fixed(t time.Time) clock.Clock { return func() time.Time { return t } }

// runHistory books, marks and submits each past session with clocks set to when it
// happened, then forgets the mail those long-gone events queued.
func (s *seeder) runHistory(ctx context.Context, db *store.DB) error {
	n := len(s.generated)
	for i, h := range history {
		start := pastStart(s.now, h.monthsAgo, h.hour, h.min)
		crs := course.NewService(db, fixed(start.AddDate(0, 0, -30)))
		in := course.SessionInput{CourseID: s.courseIDs[h.course], StartsAt: start,
			EndsAt: start.Add(time.Duration(courseByKey(h.course).minutes) * time.Minute),
			Online: h.online, Venue: h.venue, Capacity: h.attended + h.absent + h.partial + 5,
			TrainerIDs: []int64{s.trainerFor(h.course)}}
		if h.online {
			in.OnlineURL = fmt.Sprintf("https://meet.example.org/bnes-past-%d", i+1)
		}
		sid, err := crs.CreateSession(ctx, in)
		if err != nil {
			return fmt.Errorf("demo: past session %d: %w", i, err)
		}
		bk := booking.NewService(db, fixed(start.AddDate(0, 0, -20)))
		marks := map[int64]attendance.Mark{}
		first := (i*5 + 3) % n
		for k := range h.attended + h.absent + h.partial {
			uid := s.generated[(first+k)%n]
			res, err := bk.Book(ctx, booking.Request{SessionID: sid, UserID: uid})
			if err != nil {
				return fmt.Errorf("demo: past booking: %w", err)
			}
			switch {
			case k < h.attended:
				marks[res.Booking.ID] = attendance.Attended
			case k < h.attended+h.absent:
				marks[res.Booking.ID] = attendance.Absent
			default:
				marks[res.Booking.ID] = attendance.Partial
			}
		}
		if h.me {
			res, err := bk.Book(ctx, booking.Request{SessionID: sid, UserID: s.byRole[account.Practitioner]})
			if err != nil {
				return fmt.Errorf("demo: past booking for the practitioner: %w", err)
			}
			marks[res.Booking.ID] = attendance.Attended
		}
		trainer := s.trainerFor(h.course)
		att := attendance.NewService(db, s.accounts, fixed(in.EndsAt.Add(30*time.Minute)))
		for id, m := range marks {
			if err := att.SetMark(ctx, id, m, trainer); err != nil {
				return fmt.Errorf("demo: mark: %w", err)
			}
		}
		if _, err := att.Submit(ctx, sid, trainer); err != nil {
			return fmt.Errorf("demo: submit register: %w", err)
		}
	}
	// Mail about events before the demo began was "sent" back then; don't send it now.
	return db.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE created_at < ?`, store.FormatTime(s.now))
		return err
	})
}

func (s *seeder) trainerFor(courseKey string) int64 {
	if courseKey == courseSlavery {
		return s.charityTrainer
	}
	return s.byRole[account.Trainer]
}
