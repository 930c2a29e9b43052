package web_test

import (
	"context"
	"database/sql"
	"github.com/traininghub/traininghub/internal/booking"
	"net/url"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/testkit"
)

// regFixture adds registers to the page fixture: a session Tom delivers, two days ahead,
// full with three people (one named like a spreadsheet formula) and one more waiting;
// and a session Tia delivers with one person booked.
type regFixture struct {
	*fixture
	Trainer, OtherTrainer *account.User
	Sean, Formula, Waiter *account.User
	Mine, Theirs          int64 // session ids
	Starts                time.Time
	PatB, SeanB, FormulaB int64 // confirmed bookings on Mine
	WaiterB, TheirB       int64 // waitlisted on Mine; confirmed on Theirs
}

func newRegFixture(t *testing.T) *regFixture {
	t.Helper()
	f := &regFixture{fixture: newFixture(t)}
	f.Trainer = f.User(t, "tom@example.org", f.Police.ID, account.Trainer)
	f.OtherTrainer = f.User(t, "tia@example.org", f.Police.ID, account.Trainer)
	f.Sean = f.named(t, "Seán Ó Briain", "sean@example.org")
	f.Formula = f.named(t, `=HYPERLINK("http://evil.example/x","click")`, "formula@example.org")
	f.Waiter = f.named(t, "Wendy Waite", "wendy@example.org")
	f.Starts = f.Clock.Now().Add(48 * time.Hour)
	f.Mine = f.trainedSession(t, f.Trainer.ID, 3)
	f.Theirs = f.trainedSession(t, f.OtherTrainer.ID, 5)
	f.PatB = f.book(t, f.Mine, f.Pract.ID).ID
	f.SeanB = f.book(t, f.Mine, f.Sean.ID).ID
	f.FormulaB = f.book(t, f.Mine, f.Formula.ID).ID
	f.WaiterB = f.book(t, f.Mine, f.Waiter.ID).ID
	f.TheirB = f.book(t, f.Theirs, f.Pract.ID).ID
	return f
}

func (f *regFixture) named(t *testing.T, name, email string) *account.User {
	t.Helper()
	u, err := f.Accounts.CreateUser(context.Background(), account.NewUser{Email: email, Name: name,
		JobTitle: "Health visitor", OrganisationID: f.Police.ID, Password: testkit.Password})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

func (f *regFixture) trainedSession(t *testing.T, trainerID int64, capacity int) int64 {
	t.Helper()
	id, err := f.Courses.CreateSession(context.Background(), course.SessionInput{
		CourseID: f.CourseID, StartsAt: f.Starts, EndsAt: f.Starts.Add(3 * time.Hour),
		Venue: "Keynsham Civic Centre", Capacity: capacity, TrainerIDs: []int64{trainerID},
	})
	if err != nil {
		t.Fatalf("create session: %v", err)
	}
	return id
}

// start moves the clock an hour into the sessions.
func (f *regFixture) start() { f.Clock.Set(f.Starts.Add(time.Hour)) }

func (f *regFixture) registerURL(sessionID int64) string {
	return "/trainer/sessions/" + id(sessionID) + "/register"
}

// mark reads a booking's attendance ("" when not marked).
func (f *regFixture) mark(t *testing.T, bookingID int64) string {
	t.Helper()
	var m sql.NullString
	if err := f.DB.R.QueryRow(`SELECT attendance FROM bookings WHERE id = ?`, bookingID).Scan(&m); err != nil {
		t.Fatal(err)
	}
	return m.String
}

type regHistoryRow struct {
	From, To, Reason string
	ActorID          int64
}

// historyOf lists a booking's history rows, oldest first.
func (f *regFixture) historyOf(t *testing.T, bookingID int64) []regHistoryRow {
	t.Helper()
	rows, err := f.DB.R.Query(`SELECT c.from_state, c.to_state, c.reason, c.actor
		FROM `+booking.HistorySQL(`b.id = ?`)+` ORDER BY `+booking.HistoryOrder, booking.HistoryArgs(bookingID)...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []regHistoryRow
	for rows.Next() {
		var h regHistoryRow
		if err := rows.Scan(&h.From, &h.To, &h.Reason, &h.ActorID); err != nil {
			t.Fatal(err)
		}
		out = append(out, h)
	}
	return out
}

// marks builds a register form.
func markForm(pairs ...any) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Set("mark-"+id(pairs[i].(int64)), pairs[i+1].(string))
	}
	return v
}

// wantStatus fails unless r has status, showing the page otherwise.
func regWant(t *testing.T, r response, status int, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %.1500s", what, r.Status, status, r.Body)
	}
}

func (f *regFixture) countWhere(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.DB.R.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// registerPagePaths gives the register routes an address for the page-wide tests
// (pages_test.go): the fixture's session, which admins may open.
func (f *fixture) registerPagePaths() map[string]string {
	s := "/trainer/sessions/" + id(f.SessionID)
	return map[string]string{
		"/trainer/sessions":                           "/trainer/sessions",
		"/trainer/sessions/:id/register":              s + "/register",
		"/trainer/sessions/:id/register/confirm":      s + "/register/confirm",
		"/trainer/sessions/:id/register/walk-ins/new": s + "/register/walk-ins/new",
		"/trainer/sessions/:id/register.csv":          s + "/register.csv",
		"/trainer/sessions/:id/sign-in-sheet":         s + "/sign-in-sheet",
		"/trainer/sessions/:id/sign-in-sheet.pdf":     s + "/sign-in-sheet.pdf",
		"/trainer/sessions/:id/check-in":              s + "/check-in",
	}
}
