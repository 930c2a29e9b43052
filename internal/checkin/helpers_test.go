package checkin_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/checkin"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/testkit"
)

var ctx = context.Background()

// rig is a real migrated database with a trainer, a session starting two hours after
// the fake now, and the check-in, attendance and booking services on the fake clock.
type rig struct {
	*testkit.Env
	Svc      *checkin.Service
	Att      *attendance.Service
	Bookings *booking.Service
	Org      account.Organisation
	Trainer  *account.User
	CourseID int64
	Session  int64
	Starts   time.Time
	n        int
}

func newRig(t testing.TB) *rig {
	t.Helper()
	env := testkit.New(t)
	r := &rig{Env: env, Bookings: booking.NewService(env.DB, env.Clock.Now)}
	r.Att = attendance.NewService(env.DB, env.Accounts, env.Clock.Now)
	r.Svc = checkin.NewService(env.DB, env.Clock.Now, testkit.SecretKey(t).Derive("check-in"), r.Att)
	r.Org = env.Org(t, "Bath and North East Somerset Council", account.SocialCare)
	r.Trainer = env.User(t, "trainer@example.org", r.Org.ID, account.Trainer)
	r.CourseID = env.Course(t, "Safeguarding level 2")
	r.Starts = env.Clock.Now().Add(2 * time.Hour)
	r.Session = r.sessionAt(t, r.Starts)
	return r
}

// sessionAt makes a three-hour session the rig's trainer delivers.
func (r *rig) sessionAt(t testing.TB, starts time.Time) int64 {
	t.Helper()
	id, err := r.Courses.CreateSession(ctx, course.SessionInput{CourseID: r.CourseID, StartsAt: starts,
		EndsAt: starts.Add(3 * time.Hour), Venue: "Guildhall, Bath", Capacity: 2, TrainerIDs: []int64{r.Trainer.ID}})
	if err != nil {
		t.Fatalf("create session: %v", err)
	}
	return id
}

// booked makes a person and books them on sessionID (confirmed or waitlisted, as places
// allow).
func (r *rig) booked(t testing.TB, sessionID int64) (*account.User, booking.Booking) {
	t.Helper()
	r.n++
	u := r.User(t, "person"+string(rune('a'+r.n))+"@example.org", r.Org.ID, account.Practitioner)
	res, err := r.Bookings.Book(ctx, booking.Request{SessionID: sessionID, UserID: u.ID})
	if err != nil {
		t.Fatalf("book: %v", err)
	}
	return u, res.Booking
}

// code is what the trainer's screen shows now.
func (r *rig) code(t testing.TB, sessionID int64) string {
	t.Helper()
	d, err := r.Svc.Current(ctx, sessionID)
	if err != nil {
		t.Fatalf("current code: %v", err)
	}
	return d.Code
}

// opened moves the clock to just after the session starts.
func (r *rig) opened() { r.Clock.Set(r.Starts.Add(5 * time.Minute)) }

func (r *rig) checkins(t testing.TB) int {
	t.Helper()
	var n int
	if err := r.DB.R.QueryRow(`SELECT count(*) FROM checkins`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantProblem(t testing.TB, err error, want *problem.Error) {
	t.Helper()
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Code != want.Code || pe.Message != want.Message {
		t.Fatalf("err = %v, want %v", err, want)
	}
}

// courseInput is a session like the rig's, at the same time, with room for capacity.
func courseInput(r *rig, capacity int) course.SessionInput {
	return course.SessionInput{CourseID: r.CourseID, StartsAt: r.Starts, EndsAt: r.Starts.Add(3 * time.Hour),
		Venue: "Guildhall, Bath", Capacity: capacity, TrainerIDs: []int64{r.Trainer.ID}}
}
