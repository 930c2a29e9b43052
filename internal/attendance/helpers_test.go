package attendance_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/testkit"
)

var ctx = context.Background()

// rig is a real migrated database with an organisation, an admin, a trainer, and the
// attendance and booking services sharing the environment's fake clock.
type rig struct {
	*testkit.Env
	Svc      *attendance.Service
	Bookings *booking.Service
	Org      account.Organisation
	Admin    *account.User
	Trainer  *account.User
	n        int
}

func newRig(t testing.TB) *rig {
	t.Helper()
	env := testkit.New(t)
	r := &rig{
		Env:      env,
		Svc:      attendance.NewService(env.DB, env.Accounts, env.Clock.Now),
		Bookings: booking.NewService(env.DB, env.Clock.Now),
	}
	r.Org = env.Org(t, "Avon and Somerset Constabulary", account.Police)
	r.Admin = r.namedUser(t, "Ada Admin", "admin@example.org", r.Org.ID, account.Admin)
	r.Trainer = r.namedUser(t, "Priya Shah", "priya@example.org", r.Org.ID, account.Trainer)
	return r
}

// namedUser creates an account with a chosen display name.
func (r *rig) namedUser(t testing.TB, name, email string, orgID int64, roles ...account.Role) *account.User {
	t.Helper()
	u, err := r.Accounts.CreateUser(ctx, account.NewUser{Email: email, Name: name, JobTitle: "Social worker",
		OrganisationID: orgID, Password: testkit.Password, Roles: roles})
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// person creates a fresh practitioner in the rig's organisation.
func (r *rig) person(t testing.TB) *account.User {
	t.Helper()
	r.n++
	return r.namedUser(t, fmt.Sprintf("Person %03d", r.n), fmt.Sprintf("person%03d@example.org", r.n), r.Org.ID, account.Practitioner)
}

// courseWith creates a published course; in's zero fields get defaults.
func (r *rig) courseWith(t testing.TB, in course.CourseInput) int64 {
	t.Helper()
	if in.Title == "" {
		in.Title = "Safeguarding level 2"
	}
	if in.Summary == "" {
		in.Summary = "About " + in.Title
	}
	if in.DurationMinutes == 0 {
		in.DurationMinutes = 180
	}
	if in.Status == "" {
		in.Status = course.Published
	}
	id, err := r.Courses.CreateCourse(ctx, in)
	if err != nil {
		t.Fatalf("create course: %v", err)
	}
	return id
}

// sessionAt creates a three-hour session of courseID starting at start.
func (r *rig) sessionAt(t testing.TB, courseID int64, start time.Time, capacity int, trainers ...int64) int64 {
	t.Helper()
	id, err := r.Courses.CreateSession(ctx, course.SessionInput{CourseID: courseID, StartsAt: start,
		EndsAt: start.Add(3 * time.Hour), Venue: "Guildhall, Bath", Capacity: capacity, TrainerIDs: trainers})
	if err != nil {
		t.Fatalf("create session: %v", err)
	}
	return id
}

// session creates a plain session a week from now, delivered by the rig's trainer.
func (r *rig) session(t testing.TB, capacity int) (sessionID int64, start time.Time) {
	t.Helper()
	start = r.Clock.Now().Add(7 * 24 * time.Hour)
	return r.sessionAt(t, r.courseWith(t, course.CourseInput{}), start, capacity, r.Trainer.ID), start
}

func (r *rig) book(t testing.TB, sessionID int64, u *account.User) booking.Booking {
	t.Helper()
	res, err := r.Bookings.Book(ctx, booking.Request{SessionID: sessionID, UserID: u.ID})
	if err != nil {
		t.Fatalf("book %s on session %d: %v", u.Email, sessionID, err)
	}
	return res.Booking
}

func (r *rig) mark(t testing.TB, bookingID int64, m attendance.Mark) {
	t.Helper()
	if err := r.Svc.SetMark(ctx, bookingID, m, r.Trainer.ID); err != nil {
		t.Fatalf("mark booking %d %s: %v", bookingID, m, err)
	}
}

func (r *rig) submit(t testing.TB, sessionID int64) attendance.Outcome {
	t.Helper()
	out, err := r.Svc.Submit(ctx, sessionID, r.Trainer.ID)
	if err != nil {
		t.Fatalf("submit register %d: %v", sessionID, err)
	}
	return out
}

func (r *rig) reopen(t testing.TB, sessionID int64) {
	t.Helper()
	if err := r.Svc.Reopen(ctx, sessionID, r.Admin.ID, "Trainer marked the wrong person"); err != nil {
		t.Fatalf("reopen register %d: %v", sessionID, err)
	}
}

func (r *rig) evaluate(t testing.TB, b booking.Booking, rating, usefulness int, doDiff, comments string) bool {
	t.Helper()
	issued, err := r.Svc.SubmitEvaluation(ctx, b.ID, b.UserID, attendance.EvaluationInput{
		Rating: rating, Usefulness: usefulness, DoDifferently: doDiff, Comments: comments})
	if err != nil {
		t.Fatalf("evaluate booking %d: %v", b.ID, err)
	}
	return issued
}

// count runs a SELECT count(*) (or any single-integer query).
func (r *rig) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := r.DB.R.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (r *rig) outboxRows(t testing.TB, kind string, bookingID int64) int {
	t.Helper()
	return r.count(t, `SELECT count(*) FROM outbox WHERE kind = ? AND booking_id = ?`, kind, bookingID)
}

func (r *rig) liveCertificates(t testing.TB, bookingID int64) int {
	t.Helper()
	return r.count(t, `SELECT count(*) FROM certificates WHERE booking_id = ? AND revoked_at IS NULL`, bookingID)
}

func (r *rig) markHistory(t testing.TB, bookingID int64) int {
	t.Helper()
	return r.count(t, `SELECT count(*) FROM attendance_history WHERE booking_id = ?`, bookingID)
}

func (r *rig) confirmedCount(t testing.TB, sessionID int64) int {
	t.Helper()
	return r.count(t, `SELECT confirmed_count FROM course_sessions WHERE id = ?`, sessionID)
}

// attendanceOf is the stored mark, "" when none.
func (r *rig) attendanceOf(t testing.TB, bookingID int64) attendance.Mark {
	t.Helper()
	var m sql.NullString
	if err := r.DB.R.QueryRowContext(ctx, `SELECT attendance FROM bookings WHERE id = ?`, bookingID).Scan(&m); err != nil {
		t.Fatalf("read attendance of %d: %v", bookingID, err)
	}
	return attendance.Mark(m.String)
}

// liveCertificate returns the booking's one valid certificate.
func (r *rig) liveCertificate(t testing.TB, bookingID int64) attendance.Certificate {
	t.Helper()
	var code string
	if err := r.DB.R.QueryRowContext(ctx, `SELECT code FROM certificates WHERE booking_id = ? AND revoked_at IS NULL`,
		bookingID).Scan(&code); err != nil {
		t.Fatalf("no live certificate for booking %d: %v", bookingID, err)
	}
	c, err := r.Svc.ByCode(ctx, code)
	if err != nil {
		t.Fatalf("ByCode(%s): %v", code, err)
	}
	return c
}

func (r *rig) register(t testing.TB, sessionID int64) attendance.Register {
	t.Helper()
	reg, err := r.Svc.Load(ctx, sessionID)
	if err != nil {
		t.Fatalf("load register %d: %v", sessionID, err)
	}
	return reg
}

// isProblem reports whether err is the problem want: same code and message. (errors.Is on
// problem errors matches the code alone, and several refusals share "not_found".)
func isProblem(err error, want *problem.Error) bool {
	var pe *problem.Error
	return errors.As(err, &pe) && pe.Code == want.Code && pe.Message == want.Message
}

func wantProblem(t testing.TB, err error, want *problem.Error) {
	t.Helper()
	if !isProblem(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
}

// fields returns the field errors carried by a validation failure.
func fields(t testing.TB, err error) map[string]string {
	t.Helper()
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Code != "validation_failed" {
		t.Fatalf("err = %v, want a validation failure", err)
	}
	return pe.Fields
}

func london(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, clock.London)
}
