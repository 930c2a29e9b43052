package approval_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/approval"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/testkit"
)

// fix is a council with a practitioner, two managers (and a disabled one), a second
// organisation with its own manager, an admin elsewhere, and a course that needs approval.
type fix struct {
	*testkit.Env
	bookings *booking.Service
	svc      *approval.Service

	council, police account.Organisation
	pat, bea, cal   *account.User // practitioners of the council
	mo, max         *account.User // managers of the council
	otherManager    *account.User // manager of the police
	admin           *account.User // admin, of the police
	courseID        int64
}

func newFix(t *testing.T, holdDays int) *fix {
	t.Helper()
	env := testkit.New(t)
	f := &fix{Env: env, bookings: booking.NewService(env.DB, env.Clock.Now)}
	f.svc = approval.New(f.bookings)
	f.council = env.Org(t, "Bath Council", account.SocialCare)
	f.police = env.Org(t, "Avon Police", account.Police)
	f.pat = env.User(t, "pat@council.example.org", f.council.ID, account.Practitioner)
	f.bea = env.User(t, "bea@council.example.org", f.council.ID, account.Practitioner)
	f.cal = env.User(t, "cal@council.example.org", f.council.ID, account.Practitioner)
	f.mo = env.User(t, "mo@council.example.org", f.council.ID, account.Manager)
	f.max = env.User(t, "max@council.example.org", f.council.ID, account.Manager, account.Practitioner)
	gone := env.User(t, "gone@council.example.org", f.council.ID, account.Manager)
	if err := env.Accounts.SetActive(context.Background(), gone.ID, false); err != nil {
		t.Fatal(err)
	}
	f.otherManager = env.User(t, "olu@police.example.org", f.police.ID, account.Manager)
	f.admin = env.User(t, "ada@police.example.org", f.police.ID, account.Admin)
	f.courseID = f.approvalCourse(t, "Child exploitation", holdDays)
	return f
}

func (f *fix) approvalCourse(t *testing.T, title string, holdDays int) int64 {
	t.Helper()
	id, err := f.Courses.CreateCourse(context.Background(), course.CourseInput{
		Title: title, DurationMinutes: 180, Status: course.Published, ManagerApproval: true, ApprovalHoldDays: holdDays,
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fix) request(t *testing.T, sessionID int64, u *account.User) approval.Requested {
	t.Helper()
	res, err := f.svc.Request(context.Background(), sessionID, u.ID, u.ID)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	return res
}

func (f *fix) book(t *testing.T, sessionID int64, u *account.User) booking.Booking {
	t.Helper()
	res, err := f.bookings.Book(context.Background(), booking.Request{SessionID: sessionID, UserID: u.ID})
	if err != nil {
		t.Fatalf("book: %v", err)
	}
	return res.Booking
}

// queued is one outbox row.
type queued struct {
	ID        int64
	Kind      outbox.Kind
	To        string
	BookingID int64
	Payload   outbox.Payload
}

func (m queued) data(t *testing.T) approval.Message {
	t.Helper()
	var d approval.Message
	if err := json.Unmarshal(m.Payload.Data, &d); err != nil {
		t.Fatalf("approval data of %s: %v", m.Kind, err)
	}
	return d
}

// outboxSince lists outbox rows with id > after, oldest first.
func (f *fix) outboxSince(t *testing.T, after int64) []queued {
	t.Helper()
	rows, err := f.DB.R.Query(`SELECT id, kind, recipient_email, COALESCE(booking_id, 0), payload FROM outbox WHERE id > ? ORDER BY id`, after)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []queued
	for rows.Next() {
		var m queued
		var payload string
		if err := rows.Scan(&m.ID, &m.Kind, &m.To, &m.BookingID, &payload); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(payload), &m.Payload); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func (f *fix) lastOutboxID(t *testing.T) int64 {
	t.Helper()
	var id int64
	if err := f.DB.R.QueryRow(`SELECT COALESCE(max(id), 0) FROM outbox`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func kinds(ms []queued) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m.Kind) + " to " + m.To
	}
	return out
}

func (f *fix) session(t *testing.T, id int64) course.Session {
	t.Helper()
	s, err := f.Courses.Session(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *fix) bookingOf(t *testing.T, sessionID int64, u *account.User) (booking.Entry, bool) {
	t.Helper()
	e, ok, err := f.bookings.LiveBookingFor(context.Background(), sessionID, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return e, ok
}

func (f *fix) historyReasons(t *testing.T, bookingID int64) []string {
	t.Helper()
	h, err := f.bookings.History(context.Background(), bookingID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range h {
		out = append(out, string(r.From)+">"+string(r.To)+": "+r.Reason)
	}
	return out
}

func (f *fix) get(t *testing.T, id int64) approval.Request {
	t.Helper()
	r, err := f.svc.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v, want %v", err, target)
	}
}

const week = 7 * 24 * time.Hour

// courseInput is s moved to start, everything else kept.
func courseInput(s course.Session, start time.Time) course.SessionInput {
	return course.SessionInput{StartsAt: start, EndsAt: start.Add(s.EndsAt.Sub(s.StartsAt)), Venue: s.Venue, Capacity: s.Capacity}
}
