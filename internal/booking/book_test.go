package booking_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// fixture is a migrated database with one organisation, one published course and a
// booking service sharing the environment's fake clock.
type fixture struct {
	*testkit.Env
	Svc    *booking.Service
	OrgID  int64
	Course int64
	admin  *account.User
	n      int
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	env := testkit.New(t)
	org := env.Org(t, "Bath and North East Somerset Council", account.SocialCare)
	f := &fixture{Env: env, Svc: booking.NewService(env.DB, env.Clock.Now), OrgID: org.ID}
	f.Course = env.Course(t, "Safeguarding level 2", "Safeguarding")
	f.admin = env.User(t, "admin@example.org", org.ID, account.Admin)
	return f
}

// person creates a fresh active practitioner.
func (f *fixture) person(t testing.TB) *account.User {
	t.Helper()
	f.n++
	return f.User(t, fmt.Sprintf("person%03d@example.org", f.n), f.OrgID, account.Practitioner)
}

// people creates n fresh practitioners.
func (f *fixture) people(t testing.TB, n int) []*account.User {
	t.Helper()
	out := make([]*account.User, n)
	for i := range out {
		out[i] = f.person(t)
	}
	return out
}

// session creates a session on the fixture's course starting a week from now.
func (f *fixture) session(t testing.TB, capacity int) int64 {
	t.Helper()
	return f.Session(t, f.Course, 7*24*time.Hour, capacity)
}

func (f *fixture) book(t testing.TB, sessionID int64, u *account.User) booking.Booking {
	t.Helper()
	res, err := f.Svc.Book(context.Background(), booking.Request{SessionID: sessionID, UserID: u.ID})
	if err != nil {
		t.Fatalf("book %s on session %d: %v", u.Email, sessionID, err)
	}
	return res.Booking
}

func (f *fixture) cancel(t testing.TB, b booking.Booking) booking.Booking {
	t.Helper()
	out, err := f.Svc.Cancel(context.Background(), booking.CancelRequest{BookingID: b.ID, ActorID: b.UserID})
	if err != nil {
		t.Fatalf("cancel booking %d: %v", b.ID, err)
	}
	return out
}

// status reads a booking's stored status straight from the database.
func (f *fixture) status(t testing.TB, bookingID int64) booking.Status {
	t.Helper()
	var s booking.Status
	if err := f.DB.R.QueryRow(`SELECT status FROM bookings WHERE id = ?`, bookingID).Scan(&s); err != nil {
		t.Fatalf("status of booking %d: %v", bookingID, err)
	}
	return s
}

// counts is a snapshot of everything a refused request must leave alone.
type counts struct {
	Bookings, History, Keys, Confirmed, Waitlisted, ConfirmedCount int
}

func (f *fixture) counts(t testing.TB, sessionID int64) counts {
	t.Helper()
	var c counts
	err := f.DB.R.QueryRow(`SELECT
		(SELECT count(*) FROM bookings),
		(SELECT count(*) FROM booking_history),
		(SELECT count(*) FROM idempotency_keys),
		(SELECT count(*) FROM bookings WHERE session_id = ?1 AND status = 'confirmed'),
		(SELECT count(*) FROM bookings WHERE session_id = ?1 AND status = 'waitlisted'),
		COALESCE((SELECT confirmed_count FROM course_sessions WHERE id = ?1), 0)`, sessionID).
		Scan(&c.Bookings, &c.History, &c.Keys, &c.Confirmed, &c.Waitlisted, &c.ConfirmedCount)
	if err != nil {
		t.Fatalf("counts: %v", err)
	}
	return c
}

// checkInvariants asserts what must hold for every session whatever happened before:
// confirmed_count matches the rows and never exceeds capacity, nobody waits while a place
// is free (before the start), and every booking's history is an unbroken chain ending in
// its current status.
func (f *fixture) checkInvariants(t testing.TB) {
	t.Helper()
	rows, err := f.DB.R.Query(`SELECT s.id, s.capacity, s.confirmed_count, s.status, s.starts_at,
		(SELECT count(*) FROM bookings b WHERE b.session_id = s.id AND b.status = 'confirmed'),
		(SELECT count(*) FROM bookings b WHERE b.session_id = s.id AND b.status = 'waitlisted')
		FROM course_sessions s`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var capacity, count, confirmed, waitlisted int
		var status string
		var starts store.Time
		if err := rows.Scan(&id, &capacity, &count, &status, &starts, &confirmed, &waitlisted); err != nil {
			t.Fatal(err)
		}
		if count != confirmed {
			t.Errorf("session %d: confirmed_count %d but %d confirmed rows", id, count, confirmed)
		}
		if confirmed > capacity {
			t.Errorf("session %d: %d confirmed > capacity %d", id, confirmed, capacity)
		}
		if status == "scheduled" && f.Clock.Now().Before(starts.T) && waitlisted > 0 && confirmed < capacity {
			t.Errorf("session %d: %d waiting while %d of %d places are free", id, waitlisted, capacity-confirmed, capacity)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}

	hist, err := f.DB.R.Query(`SELECT b.id, b.status, COALESCE(h.from_status, ''), h.to_status
		FROM bookings b LEFT JOIN booking_history h ON h.booking_id = b.id ORDER BY b.id, h.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer hist.Close()
	type chain struct {
		current string
		last    string
		n       int
	}
	chains := map[int64]*chain{}
	for hist.Next() {
		var id int64
		var current, from string
		var to *string
		if err := hist.Scan(&id, &current, &from, &to); err != nil {
			t.Fatal(err)
		}
		c := chains[id]
		if c == nil {
			c = &chain{current: current}
			chains[id] = c
		}
		if to == nil {
			continue // no history at all: caught below
		}
		if from != c.last {
			t.Errorf("booking %d: history step %d goes from %q but the previous step ended at %q", id, c.n+1, from, c.last)
		}
		c.last, c.n = *to, c.n+1
	}
	if err := hist.Err(); err != nil {
		t.Fatal(err)
	}
	for id, c := range chains {
		if c.n == 0 {
			t.Errorf("booking %d has no history", id)
		} else if c.last != c.current {
			t.Errorf("booking %d is %q but its history ends at %q", id, c.current, c.last)
		}
	}
}

func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
}

func TestBookConfirmsWhilePlacesAreFree(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sid := f.session(t, 3)
	for i, u := range f.people(t, 3) {
		res, err := f.Svc.Book(ctx, booking.Request{SessionID: sid, UserID: u.ID})
		if err != nil {
			t.Fatalf("booking %d: %v", i+1, err)
		}
		b := res.Booking
		if b.Status != booking.Confirmed || b.WaitlistPosition != 0 || res.Replayed {
			t.Fatalf("booking %d = %+v replayed=%v, want confirmed, no position", i+1, b, res.Replayed)
		}
		if b.SessionID != sid || b.UserID != u.ID || !b.CreatedAt.Equal(testkit.Start) {
			t.Errorf("booking %d = %+v", i+1, b)
		}
		h, err := f.Svc.History(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 1 || h[0].From != "" || h[0].To != booking.Confirmed || h[0].Reason != booking.ReasonBooked ||
			h[0].ActorName != u.Name || !h[0].At.Equal(testkit.Start) {
			t.Errorf("history of booking %d = %+v", i+1, h)
		}
	}
	sess, err := f.Courses.Session(ctx, sid)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Confirmed != 3 || sess.Waitlisted != 0 || sess.PlacesLeft() != 0 || !sess.Full() {
		t.Errorf("session after 3 bookings: confirmed %d waitlisted %d places left %d", sess.Confirmed, sess.Waitlisted, sess.PlacesLeft())
	}
	f.checkInvariants(t)
}

func TestBookWaitlistsInOrderWhenFull(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sid := f.session(t, 2)
	f.book(t, sid, f.person(t))
	f.book(t, sid, f.person(t))

	var waiting []booking.Booking
	for i := 1; i <= 3; i++ {
		f.Clock.Advance(time.Second * time.Duration(i%2)) // some join in the same second
		u := f.person(t)
		res, err := f.Svc.Book(ctx, booking.Request{SessionID: sid, UserID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		if res.Booking.Status != booking.Waitlisted || res.Booking.WaitlistPosition != i {
			t.Fatalf("booking %d on a full session = %s position %d, want waitlisted position %d",
				i, res.Booking.Status, res.Booking.WaitlistPosition, i)
		}
		h, err := f.Svc.History(ctx, res.Booking.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 1 || h[0].To != booking.Waitlisted || h[0].Reason != booking.ReasonWaitlisted {
			t.Errorf("history = %+v", h)
		}
		waiting = append(waiting, res.Booking)
	}
	// Positions read back later agree, through every read path.
	for i, w := range waiting {
		b, err := f.Svc.Booking(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		e, err := f.Svc.Entry(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b.WaitlistPosition != i+1 || e.WaitlistPosition != i+1 {
			t.Errorf("waiting booking %d: Booking position %d, Entry position %d, want %d", i, b.WaitlistPosition, e.WaitlistPosition, i+1)
		}
	}
	// The register lists confirmed people first, then the queue in order.
	list, err := f.Svc.ForSession(ctx, sid)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 5 {
		t.Fatalf("ForSession returned %d entries, want 5", len(list))
	}
	for i, e := range list {
		want, pos := booking.Confirmed, 0
		if i >= 2 {
			want, pos = booking.Waitlisted, i-1
		}
		if e.Status != want || e.WaitlistPosition != pos {
			t.Errorf("ForSession[%d] = %s position %d, want %s position %d", i, e.Status, e.WaitlistPosition, want, pos)
		}
	}
	f.checkInvariants(t)
}

// The waiting list is in joining order even when names sort the other way and everybody
// joined in the same second: the register must not reorder the queue.
func TestForSessionKeepsQueueOrderNotNameOrder(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sid := f.session(t, 1)
	f.book(t, sid, f.person(t))
	names := []string{"Zoe Zed", "Mo Middle", "Amy Able"}
	for _, name := range names {
		u, err := f.Accounts.CreateUser(ctx, account.NewUser{Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org",
			Name: name, OrganisationID: f.OrgID})
		if err != nil {
			t.Fatal(err)
		}
		if b := f.book(t, sid, u); b.Status != booking.Waitlisted {
			t.Fatalf("%s got %s", name, b.Status)
		}
	}
	list, err := f.Svc.ForSession(ctx, sid)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list {
		if e.Status == booking.Waitlisted {
			got = append(got, fmt.Sprintf("%d:%s", e.WaitlistPosition, e.UserName))
		}
	}
	want := []string{"1:Zoe Zed", "2:Mo Middle", "3:Amy Able"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("waiting list on the register = %v, want %v", got, want)
	}
}

// A place freed while people wait is never taken by a newcomer: they join the back of
// the queue even at the moment a place is free.
func TestNobodyJumpsTheQueue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sid := f.session(t, 2)
	a, b := f.book(t, sid, f.person(t)), f.book(t, sid, f.person(t))
	w1, w2 := f.book(t, sid, f.person(t)), f.book(t, sid, f.person(t))
	_ = b

	// Simulate a free place with people still waiting (as if a capacity change had not
	// promoted yet): a newcomer must still go behind them.
	if _, err := f.DB.Exec(context.Background(), `UPDATE course_sessions SET capacity = 3 WHERE id = ?`, sid); err != nil {
		t.Fatal(err)
	}
	late := f.person(t)
	res, err := f.Svc.Book(ctx, booking.Request{SessionID: sid, UserID: late.ID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Booking.Status != booking.Waitlisted || res.Booking.WaitlistPosition != 3 {
		t.Fatalf("newcomer with people waiting = %s position %d, want waitlisted position 3", res.Booking.Status, res.Booking.WaitlistPosition)
	}
	if _, err := f.DB.Exec(context.Background(), `UPDATE course_sessions SET capacity = 2 WHERE id = ?`, sid); err != nil {
		t.Fatal(err)
	}

	// A cancellation gives the place to the first in the queue, not to the newcomer.
	f.cancel(t, a)
	if got := f.status(t, w1.ID); got != booking.Confirmed {
		t.Errorf("first waiting = %s, want confirmed", got)
	}
	for _, c := range []struct {
		id  int64
		pos int
	}{{w2.ID, 1}, {res.Booking.ID, 2}} {
		got, err := f.Svc.Booking(ctx, c.id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != booking.Waitlisted || got.WaitlistPosition != c.pos {
			t.Errorf("booking %d = %s position %d, want waitlisted position %d", c.id, got.Status, got.WaitlistPosition, c.pos)
		}
	}
	f.checkInvariants(t)
}

func TestBookAlreadyBooked(t *testing.T) {
	for _, tc := range []struct {
		name     string
		capacity int
		first    booking.Status
	}{
		{"holding a place", 5, booking.Confirmed},
		{"on the waiting list", 1, booking.Waitlisted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			sid := f.session(t, tc.capacity)
			if tc.first == booking.Waitlisted {
				f.book(t, sid, f.person(t))
			}
			u := f.person(t)
			first := f.book(t, sid, u)
			if first.Status != tc.first {
				t.Fatalf("first booking = %s, want %s", first.Status, tc.first)
			}
			before := f.counts(t, sid)
			_, err := f.Svc.Book(ctx, booking.Request{SessionID: sid, UserID: u.ID})
			wantErr(t, err, booking.ErrAlreadyBooked)
			if pe, _ := problem.From(err); pe.Status != 409 {
				t.Errorf("status = %d, want 409", pe.Status)
			}
			// A different idempotency key is a new request, still refused.
			_, err = f.Svc.Book(ctx, booking.Request{SessionID: sid, UserID: u.ID, IdempotencyKey: "another-click"})
			wantErr(t, err, booking.ErrAlreadyBooked)
			if after := f.counts(t, sid); after != before {
				t.Errorf("refused booking changed counts: %+v -> %+v", before, after)
			}

			// After cancelling, booking again works and makes a new row.
			f.cancel(t, first)
			again := f.book(t, sid, u)
			if again.ID == first.ID {
				t.Errorf("re-booking reused booking %d", first.ID)
			}
			if again.Status != tc.first {
				t.Errorf("re-booking = %s, want %s", again.Status, tc.first)
			}
			if got := f.status(t, first.ID); got != booking.Cancelled {
				t.Errorf("old booking = %s, want cancelled", got)
			}
			mine, err := f.Svc.ForUser(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(mine) != 2 {
				t.Errorf("ForUser lists %d bookings, want 2 (cancelled and live)", len(mine))
			}
			live, ok, err := f.Svc.LiveBookingFor(ctx, sid, u.ID)
			if err != nil || !ok || live.ID != again.ID {
				t.Errorf("LiveBookingFor = %d %v %v, want %d", live.ID, ok, err, again.ID)
			}
			f.checkInvariants(t)
		})
	}
}

func TestBookRefusalsChangeNothing(t *testing.T) {
	type setup struct {
		sessionID int64
		userID    int64
	}
	tests := []struct {
		name    string
		prepare func(t *testing.T, f *fixture) setup
		want    error
		status  int
	}{
		{
			name: "cancelled session",
			prepare: func(t *testing.T, f *fixture) setup {
				sid := f.session(t, 5)
				if err := f.Courses.CancelSession(context.Background(), sid, "Trainer ill", f.admin.ID); err != nil {
					t.Fatal(err)
				}
				return setup{sid, f.person(t).ID}
			},
			want: booking.ErrSessionCancelled, status: 422,
		},
		{
			name: "session started",
			prepare: func(t *testing.T, f *fixture) setup {
				sid := f.Session(t, f.Course, time.Hour, 5)
				f.Clock.Advance(time.Hour)
				return setup{sid, f.person(t).ID}
			},
			want: booking.ErrSessionStarted, status: 422,
		},
		{
			name: "session over",
			prepare: func(t *testing.T, f *fixture) setup {
				sid := f.Session(t, f.Course, time.Hour, 5)
				f.Clock.Advance(30 * 24 * time.Hour)
				return setup{sid, f.person(t).ID}
			},
			want: booking.ErrSessionStarted, status: 422,
		},
		{
			name: "booking closed",
			prepare: func(t *testing.T, f *fixture) setup {
				start := f.Clock.Now().Add(72 * time.Hour)
				sid, err := f.Courses.CreateSession(context.Background(), course.SessionInput{
					CourseID: f.Course, StartsAt: start, EndsAt: start.Add(time.Hour), Venue: "Guildhall",
					Capacity: 5, BookingClosesAt: start.Add(-48 * time.Hour),
				})
				if err != nil {
					t.Fatal(err)
				}
				f.Clock.Advance(24 * time.Hour) // exactly when booking closes
				return setup{sid, f.person(t).ID}
			},
			want: booking.ErrBookingClosed, status: 422,
		},
		{
			name: "draft course",
			prepare: func(t *testing.T, f *fixture) setup {
				cid, err := f.Courses.CreateCourse(context.Background(), course.CourseInput{Title: "Not yet", DurationMinutes: 60, Status: course.Draft})
				if err != nil {
					t.Fatal(err)
				}
				return setup{f.Session(t, cid, 24*time.Hour, 5), f.person(t).ID}
			},
			want: booking.ErrCourseNotOpen, status: 422,
		},
		{
			name: "archived course",
			prepare: func(t *testing.T, f *fixture) setup {
				cid, err := f.Courses.CreateCourse(context.Background(), course.CourseInput{Title: "Old", DurationMinutes: 60, Status: course.Archived})
				if err != nil {
					t.Fatal(err)
				}
				return setup{f.Session(t, cid, 24*time.Hour, 5), f.person(t).ID}
			},
			want: booking.ErrCourseNotOpen, status: 422,
		},
		{
			name: "inactive user",
			prepare: func(t *testing.T, f *fixture) setup {
				u := f.person(t)
				if err := f.Accounts.SetActive(context.Background(), u.ID, false); err != nil {
					t.Fatal(err)
				}
				return setup{f.session(t, 5), u.ID}
			},
			want: booking.ErrUserNotFound, status: 404,
		},
		{
			name: "unknown user",
			prepare: func(t *testing.T, f *fixture) setup {
				return setup{f.session(t, 5), 99999}
			},
			want: booking.ErrUserNotFound, status: 404,
		},
		{
			name: "unknown session",
			prepare: func(t *testing.T, f *fixture) setup {
				return setup{424242, f.person(t).ID}
			},
			want: booking.ErrSessionNotFound, status: 404,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			// Some bookings elsewhere, so "unchanged" means something.
			other := f.session(t, 1)
			f.book(t, other, f.person(t))
			f.book(t, other, f.person(t))

			s := tc.prepare(t, f)
			before := f.counts(t, s.sessionID)
			for _, key := range []string{"", "key-1"} {
				res, err := f.Svc.Book(ctx, booking.Request{SessionID: s.sessionID, UserID: s.userID, IdempotencyKey: key})
				wantErr(t, err, tc.want)
				if res.Booking.ID != 0 {
					t.Errorf("refused booking returned %+v", res.Booking)
				}
				pe, unexpected := problem.From(err)
				if pe.Status != tc.status || unexpected || pe.Message == "" {
					t.Errorf("public error = %d %q unexpected=%v, want status %d", pe.Status, pe.Message, unexpected, tc.status)
				}
			}
			if after := f.counts(t, s.sessionID); after != before {
				t.Errorf("refusal changed the database: %+v -> %+v", before, after)
			}
			f.checkInvariants(t)
		})
	}
}

func TestBookJustBeforeBookingCloses(t *testing.T) {
	f := newFixture(t)
	start := f.Clock.Now().Add(72 * time.Hour)
	sid, err := f.Courses.CreateSession(context.Background(), course.SessionInput{
		CourseID: f.Course, StartsAt: start, EndsAt: start.Add(time.Hour), Venue: "Guildhall",
		Capacity: 5, BookingClosesAt: start.Add(-48 * time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	f.Clock.Advance(24*time.Hour - time.Second)
	if b := f.book(t, sid, f.person(t)); b.Status != booking.Confirmed {
		t.Errorf("booking a second before closing = %s", b.Status)
	}
}

func TestBookIdempotencyKeyReplays(t *testing.T) {
	for _, tc := range []struct {
		name     string
		capacity int
		want     booking.Status
		position int
	}{
		{"confirmed", 3, booking.Confirmed, 0},
		{"waitlisted", 1, booking.Waitlisted, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			sid := f.session(t, tc.capacity)
			if tc.want == booking.Waitlisted {
				f.book(t, sid, f.person(t))
			}
			u := f.person(t)
			req := booking.Request{SessionID: sid, UserID: u.ID, IdempotencyKey: "form-token-123"}
			first, err := f.Svc.Book(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if first.Replayed || first.Booking.Status != tc.want || first.Booking.WaitlistPosition != tc.position {
				t.Fatalf("first = %+v", first)
			}
			before := f.counts(t, sid)
			f.Clock.Advance(time.Minute)
			// The repeat (surrounding spaces are trimmed) gives the same booking back.
			for _, key := range []string{"form-token-123", "  form-token-123 "} {
				req.IdempotencyKey = key
				again, err := f.Svc.Book(ctx, req)
				if err != nil {
					t.Fatalf("replay with %q: %v", key, err)
				}
				if !again.Replayed || again.Booking.ID != first.Booking.ID || again.Booking.Status != tc.want ||
					again.Booking.WaitlistPosition != tc.position || !again.Booking.CreatedAt.Equal(first.Booking.CreatedAt) {
					t.Errorf("replay with %q = %+v, want %+v replayed", key, again, first.Booking)
				}
			}
			if after := f.counts(t, sid); after != before {
				t.Errorf("replay changed the database: %+v -> %+v", before, after)
			}
			var n int
			if err := f.DB.R.QueryRow(`SELECT count(*) FROM bookings WHERE session_id = ? AND user_id = ?`, sid, u.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("%d booking rows for the person, want 1", n)
			}
		})
	}
}

func TestBookIdempotencyKeyIsPerActor(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sid := f.session(t, 5)
	a, b := f.person(t), f.person(t)
	ra, err := f.Svc.Book(ctx, booking.Request{SessionID: sid, UserID: a.ID, IdempotencyKey: "same"})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := f.Svc.Book(ctx, booking.Request{SessionID: sid, UserID: b.ID, IdempotencyKey: "same"})
	if err != nil {
		t.Fatal(err)
	}
	if rb.Replayed || rb.Booking.ID == ra.Booking.ID || rb.Booking.UserID != b.ID {
		t.Errorf("another person's key replayed their booking: %+v", rb)
	}
}

// Reusing a key for a different request must not pass off the earlier booking as the
// answer (an admin booking person B with the key used for person A would otherwise be
// told B was booked).
func TestBookIdempotencyKeyReusedForAnotherRequest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	s1, s2 := f.session(t, 5), f.session(t, 5)
	a, b := f.person(t), f.person(t)
	first, err := f.Svc.Book(ctx, booking.Request{SessionID: s1, UserID: a.ID, ActorID: f.admin.ID, IdempotencyKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if first.Booking.UserID != a.ID {
		t.Fatalf("admin booking for a = %+v", first.Booking)
	}
	h, err := f.Svc.History(ctx, first.Booking.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 1 || h[0].ActorName != f.admin.Name {
		t.Errorf("history actor = %+v, want the admin", h)
	}
	for _, req := range []booking.Request{
		{SessionID: s1, UserID: b.ID, ActorID: f.admin.ID, IdempotencyKey: "k"},
		{SessionID: s2, UserID: a.ID, ActorID: f.admin.ID, IdempotencyKey: "k"},
	} {
		before := f.counts(t, req.SessionID)
		res, err := f.Svc.Book(ctx, req)
		wantErr(t, err, booking.ErrIdempotencyKeyReused)
		if res.Replayed || res.Booking.ID != 0 {
			t.Errorf("mismatched reuse returned %+v", res)
		}
		if after := f.counts(t, req.SessionID); after != before {
			t.Errorf("mismatched reuse changed the database: %+v -> %+v", before, after)
		}
	}
}

func TestBookIdempotencyKeyTooLong(t *testing.T) {
	f := newFixture(t)
	sid := f.session(t, 5)
	u := f.person(t)
	before := f.counts(t, sid)
	_, err := f.Svc.Book(context.Background(), booking.Request{SessionID: sid, UserID: u.ID,
		IdempotencyKey: strings.Repeat("k", booking.MaxIdempotencyKeyLength+1)})
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Status != 422 || pe.Fields["idempotency_key"] == "" {
		t.Fatalf("error = %v, want 422 on idempotency_key", err)
	}
	if after := f.counts(t, sid); after != before {
		t.Errorf("changed: %+v -> %+v", before, after)
	}
	// Exactly the limit is fine.
	if _, err := f.Svc.Book(context.Background(), booking.Request{SessionID: sid, UserID: u.ID,
		IdempotencyKey: strings.Repeat("k", booking.MaxIdempotencyKeyLength)}); err != nil {
		t.Errorf("key of maximum length: %v", err)
	}
}

func TestStatusLabels(t *testing.T) {
	for _, tc := range []struct {
		s     booking.Status
		live  bool
		label string
	}{
		{booking.Confirmed, true, "Booked"},
		{booking.Waitlisted, true, "On the waiting list"},
		{booking.Cancelled, false, "Cancelled"},
		{booking.LateCancelled, false, "Cancelled late"},
	} {
		if tc.s.Live() != tc.live || tc.s.Label() != tc.label {
			t.Errorf("%s: Live %v Label %q", tc.s, tc.s.Live(), tc.s.Label())
		}
	}
}
