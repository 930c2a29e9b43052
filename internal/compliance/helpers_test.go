package compliance_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/testkit"
)

var ctx = context.Background()

// rig is a migrated database with the real booking and attendance services and the
// compliance service, all on one fake clock.
type rig struct {
	*testkit.Env
	Svc        *compliance.Service
	Bookings   *booking.Service
	Attendance *attendance.Service
	Admin      *account.User
	n          int
}

func newRig(t testing.TB) *rig {
	t.Helper()
	env := testkit.New(t)
	r := &rig{Env: env, Svc: compliance.NewService(env.DB, env.Clock.Now),
		Bookings: booking.NewService(env.DB, env.Clock.Now), Attendance: attendance.NewService(env.DB, env.Accounts, env.Clock.Now)}
	org := env.Org(t, "Partnership Team", account.OtherOrg)
	r.Admin = r.person(t, "Ada Admin", "", "", org.ID, account.Admin)
	return r
}

// person creates an active account with a name, job title and team.
func (r *rig) person(t testing.TB, name, job, team string, orgID int64, roles ...account.Role) *account.User {
	t.Helper()
	r.n++
	if len(roles) == 0 {
		roles = []account.Role{account.Practitioner}
	}
	u, err := r.Accounts.CreateUser(ctx, account.NewUser{Email: "p" + itoa(r.n) + "@example.org", Name: name,
		JobTitle: job, Team: team, OrganisationID: orgID, Password: testkit.Password, Roles: roles})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

// course creates a published course; validity 0 means it does not expire.
func (r *rig) course(t testing.TB, title string, validity int) int64 {
	t.Helper()
	id, err := r.Courses.CreateCourse(ctx, course.CourseInput{Title: title, Summary: "About " + title,
		DurationMinutes: 180, Status: course.Published, ValidityMonths: validity})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// rule adds a rule or fails.
func (r *rig) rule(t testing.TB, courseID int64, orgType account.OrgType, keyword string, renew int) int64 {
	t.Helper()
	id, err := r.Svc.CreateRule(ctx, compliance.RuleInput{CourseID: courseID, OrgType: orgType, JobTitleKeyword: keyword, RenewMonths: renew})
	if err != nil {
		t.Fatalf("rule: %v", err)
	}
	return id
}

// session creates a session of the course starting at start (the clock must be before it).
func (r *rig) session(t testing.TB, courseID int64, start time.Time, capacity int) int64 {
	t.Helper()
	id, err := r.Courses.CreateSession(ctx, course.SessionInput{CourseID: courseID, StartsAt: start,
		EndsAt: start.Add(3 * time.Hour), Venue: "Guildhall, Bath", Capacity: capacity})
	if err != nil {
		t.Fatalf("session at %v: %v", start, err)
	}
	return id
}

// book books a place (or the waiting list) at the clock's current time.
func (r *rig) book(t testing.TB, sessionID int64, u *account.User) booking.Booking {
	t.Helper()
	res, err := r.Bookings.Book(ctx, booking.Request{SessionID: sessionID, UserID: u.ID})
	if err != nil {
		t.Fatalf("book %s: %v", u.Name, err)
	}
	return res.Booking
}

// complete runs a session of the course starting at `at` (in the past or the future),
// with u attending, and submits its register; submit false leaves the register open.
// The clock ends where it was.
func (r *rig) complete(t testing.TB, u *account.User, courseID int64, at time.Time, submit bool) {
	t.Helper()
	now := r.Clock.Now()
	defer r.Clock.Set(now)
	r.Clock.Set(at.Add(-14 * 24 * time.Hour))
	sid := r.session(t, courseID, at, 10)
	b := r.book(t, sid, u)
	r.Clock.Set(at.Add(time.Hour))
	if err := r.Attendance.SetMark(ctx, b.ID, attendance.Attended, r.Admin.ID); err != nil {
		t.Fatal(err)
	}
	if submit {
		if _, err := r.Attendance.Submit(ctx, sid, r.Admin.ID); err != nil {
			t.Fatal(err)
		}
	}
}

// monthsAgo is the fake now less n calendar months (London), at 10:00 UTC.
func (r *rig) monthsAgo(n int) time.Time {
	return r.Clock.Now().AddDate(0, -n, 0)
}

func itoa(n int) string { return strconv.Itoa(n) }
