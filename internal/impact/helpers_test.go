package impact_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/impact"
	"github.com/traininghub/traininghub/internal/testkit"
)

var ctx = context.Background()

// rig is a real migrated database with a course (follow-up after the default 91 days),
// one session that has taken place with its register submitted, and the impact services
// on the environment's fake clock.
type rig struct {
	*testkit.Env
	Attendance *attendance.Service
	Bookings   *booking.Service
	Svc        *impact.Service
	Job        *impact.FollowUps
	Org        account.Organisation
	Admin      *account.User
	CourseID   int64
	SessionID  int64
	Ends       time.Time // when the session ended
	n          int
}

func newRig(t testing.TB) *rig {
	t.Helper()
	env := testkit.New(t)
	r := &rig{Env: env,
		Attendance: attendance.NewService(env.DB, env.Accounts, env.Clock.Now),
		Bookings:   booking.NewService(env.DB, env.Clock.Now),
		Svc:        impact.New(env.DB, env.Clock.Now),
		Job:        &impact.FollowUps{DB: env.DB, Now: env.Clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))},
	}
	r.Org = env.Org(t, "Avon and Somerset Constabulary", account.Police)
	r.Admin = env.User(t, "admin@example.org", r.Org.ID, account.Admin)
	r.CourseID = env.Course(t, "Neglect: spotting the signs")
	r.SessionID = env.Session(t, r.CourseID, time.Hour, 20)
	r.Ends = env.Clock.Now().Add(4 * time.Hour)
	return r
}

// person creates a practitioner in the rig's organisation.
func (r *rig) person(t testing.TB) *account.User {
	t.Helper()
	r.n++
	return r.User(t, fmt.Sprintf("person%02d@example.org", r.n), r.Org.ID, account.Practitioner)
}

// book gives each person a place on the session.
func (r *rig) book(t testing.TB, sessionID int64, people ...*account.User) []int64 {
	t.Helper()
	var ids []int64
	for _, u := range people {
		res, err := r.Bookings.Book(ctx, booking.Request{SessionID: sessionID, UserID: u.ID, ActorID: u.ID})
		if err != nil {
			t.Fatalf("book: %v", err)
		}
		ids = append(ids, res.Booking.ID)
	}
	return ids
}

// mark records marks once the session is over; submit also submits the register.
func (r *rig) mark(t testing.TB, sessionID int64, submit bool, marks map[int64]attendance.Mark) {
	t.Helper()
	if now := r.Clock.Now(); now.Before(r.Ends) {
		r.Clock.Advance(r.Ends.Sub(now) + time.Minute)
	}
	for id, m := range marks {
		if err := r.Attendance.SetMark(ctx, id, m, r.Admin.ID); err != nil {
			t.Fatalf("mark %d: %v", id, err)
		}
	}
	if submit {
		if _, err := r.Attendance.Submit(ctx, sessionID, r.Admin.ID); err != nil {
			t.Fatalf("submit: %v", err)
		}
	}
}

// run runs one pass of the job.
func (r *rig) run(t testing.TB) impact.Queued {
	t.Helper()
	q, err := r.Job.Queue(ctx)
	if err != nil {
		t.Fatalf("queue: %v", err)
	}
	return q
}

// sent counts the messages of kind queued for a booking.
func (r *rig) sent(t testing.TB, kind string, bookingID int64) int {
	t.Helper()
	var n int
	if err := r.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE kind = ? AND booking_id = ?`, kind, bookingID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// at moves the clock to the session's end plus d.
func (r *rig) at(d time.Duration) { r.Clock.Set(r.Ends.Add(d)) }

const day = 24 * time.Hour

func answer() impact.Input {
	return impact.Input{Before: 2, After: 4, Change: "I now ask about who else lives at home", Examples: "A home visit"}
}
