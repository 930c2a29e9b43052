package booking_test

import (
	"context"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/testkit"
)

func TestCancelBeforeAndAfterCutoff(t *testing.T) {
	// Sessions start in 7 days with the default 48-hour cut-off.
	const untilCutoff = 5 * 24 * time.Hour
	tests := []struct {
		name       string
		waitlisted bool
		advance    time.Duration
		want       booking.Status
		reason     string
	}{
		{"confirmed, well before cut-off", false, 0, booking.Cancelled, booking.ReasonCancelled},
		{"confirmed, a second before cut-off", false, untilCutoff - time.Second, booking.Cancelled, booking.ReasonCancelled},
		{"confirmed, exactly at cut-off", false, untilCutoff, booking.LateCancelled, booking.ReasonLateCancelled},
		{"confirmed, after cut-off", false, untilCutoff + time.Hour, booking.LateCancelled, booking.ReasonLateCancelled},
		{"confirmed, a second before start", false, 7*24*time.Hour - time.Second, booking.LateCancelled, booking.ReasonLateCancelled},
		{"waitlisted, before cut-off", true, 0, booking.Cancelled, booking.ReasonCancelled},
		{"waitlisted, after cut-off is never late", true, untilCutoff + time.Hour, booking.Cancelled, booking.ReasonCancelled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			sid := f.session(t, 1)
			holder := f.book(t, sid, f.person(t))
			b := holder
			if tc.waitlisted {
				b = f.book(t, sid, f.person(t))
				if b.Status != booking.Waitlisted {
					t.Fatalf("second booking = %s", b.Status)
				}
			}
			f.Clock.Advance(tc.advance)
			got, err := f.Svc.Cancel(ctx, booking.CancelRequest{BookingID: b.ID, ActorID: b.UserID})
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tc.want || got.ID != b.ID || got.WaitlistPosition != 0 || !got.UpdatedAt.Equal(f.Clock.Now()) {
				t.Errorf("cancel returned %+v, want status %s", got, tc.want)
			}
			if s := f.status(t, b.ID); s != tc.want {
				t.Errorf("stored status = %s, want %s", s, tc.want)
			}
			h, err := f.Svc.History(ctx, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			last := h[len(h)-1]
			wantFrom := booking.Confirmed
			if tc.waitlisted {
				wantFrom = booking.Waitlisted
			}
			if len(h) != 2 || last.From != wantFrom || last.To != tc.want || last.Reason != tc.reason || !last.At.Equal(f.Clock.Now()) {
				t.Errorf("history = %+v", h)
			}
			if tc.waitlisted { // the holder keeps their place
				if s := f.status(t, holder.ID); s != booking.Confirmed {
					t.Errorf("holder = %s", s)
				}
			}
			f.checkInvariants(t)
		})
	}
}

func TestCancelRefusals(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, f *fixture) booking.CancelRequest
		want    error
		status  int
	}{
		{
			name: "someone else's booking",
			prepare: func(t *testing.T, f *fixture) booking.CancelRequest {
				b := f.book(t, f.session(t, 2), f.person(t))
				return booking.CancelRequest{BookingID: b.ID, ActorID: f.person(t).ID}
			},
			want: booking.ErrNotYours, status: 404,
		},
		{
			name: "someone else's cancelled booking says not found, not already cancelled",
			prepare: func(t *testing.T, f *fixture) booking.CancelRequest {
				b := f.book(t, f.session(t, 2), f.person(t))
				f.cancel(t, b)
				return booking.CancelRequest{BookingID: b.ID, ActorID: f.person(t).ID}
			},
			want: booking.ErrNotYours, status: 404,
		},
		{
			name: "unknown booking",
			prepare: func(t *testing.T, f *fixture) booking.CancelRequest {
				return booking.CancelRequest{BookingID: 987654, ActorID: f.admin.ID, AnyBooking: true}
			},
			want: booking.ErrBookingNotFound, status: 404,
		},
		{
			name: "already cancelled",
			prepare: func(t *testing.T, f *fixture) booking.CancelRequest {
				b := f.book(t, f.session(t, 2), f.person(t))
				f.cancel(t, b)
				return booking.CancelRequest{BookingID: b.ID, ActorID: b.UserID}
			},
			want: booking.ErrAlreadyCancelled, status: 409,
		},
		{
			name: "already late-cancelled",
			prepare: func(t *testing.T, f *fixture) booking.CancelRequest {
				b := f.book(t, f.session(t, 2), f.person(t))
				f.Clock.Advance(6 * 24 * time.Hour)
				if got := f.cancel(t, b); got.Status != booking.LateCancelled {
					t.Fatalf("cancel = %s", got.Status)
				}
				return booking.CancelRequest{BookingID: b.ID, ActorID: f.admin.ID, AnyBooking: true}
			},
			want: booking.ErrAlreadyCancelled, status: 409,
		},
		{
			name: "session cancelled by the organiser",
			prepare: func(t *testing.T, f *fixture) booking.CancelRequest {
				sid := f.session(t, 2)
				b := f.book(t, sid, f.person(t))
				if err := f.Courses.CancelSession(context.Background(), sid, "", f.admin.ID); err != nil {
					t.Fatal(err)
				}
				return booking.CancelRequest{BookingID: b.ID, ActorID: b.UserID}
			},
			want: booking.ErrAlreadyCancelled, status: 409,
		},
		{
			name: "session started",
			prepare: func(t *testing.T, f *fixture) booking.CancelRequest {
				sid := f.session(t, 1)
				b := f.book(t, sid, f.person(t))
				f.book(t, sid, f.person(t)) // waiting: must not be promoted either
				f.Clock.Advance(7 * 24 * time.Hour)
				return booking.CancelRequest{BookingID: b.ID, ActorID: f.admin.ID, AnyBooking: true}
			},
			want: booking.ErrCancelTooLate, status: 422,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			req := tc.prepare(t, f)
			before := f.counts(t, 0)
			var statuses []booking.Status
			rows, err := f.DB.R.Query(`SELECT status FROM bookings ORDER BY id`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s booking.Status
				_ = rows.Scan(&s)
				statuses = append(statuses, s)
			}
			rows.Close()

			got, err := f.Svc.Cancel(context.Background(), req)
			wantErr(t, err, tc.want)
			if got.ID != 0 {
				t.Errorf("refused cancel returned %+v", got)
			}
			if pe, _ := problem.From(err); pe.Status != tc.status {
				t.Errorf("status = %d, want %d", pe.Status, tc.status)
			}
			if after := f.counts(t, 0); after != before {
				t.Errorf("refusal changed counts: %+v -> %+v", before, after)
			}
			i := 0
			rows, err = f.DB.R.Query(`SELECT status FROM bookings ORDER BY id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for ; rows.Next(); i++ {
				var s booking.Status
				_ = rows.Scan(&s)
				if s != statuses[i] {
					t.Errorf("booking %d changed from %s to %s", i, statuses[i], s)
				}
			}
		})
	}
}

func TestCancelAnyBookingByAdmin(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	b := f.book(t, f.session(t, 2), f.person(t))
	got, err := f.Svc.Cancel(ctx, booking.CancelRequest{BookingID: b.ID, ActorID: f.admin.ID, AnyBooking: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != booking.Cancelled {
		t.Errorf("status = %s", got.Status)
	}
	h, err := f.Svc.History(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if h[len(h)-1].ActorName != f.admin.Name {
		t.Errorf("cancellation recorded as by %q, want the admin", h[len(h)-1].ActorName)
	}
}

func TestCancelSessionCancelsEveryLiveBooking(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sid := f.session(t, 2)
	other := f.session(t, 2)
	c1, c2 := f.book(t, sid, f.person(t)), f.book(t, sid, f.person(t))
	w1 := f.book(t, sid, f.person(t))
	gone := f.book(t, sid, f.person(t))
	f.cancel(t, gone) // already cancelled: left alone
	elsewhere := f.book(t, other, f.person(t))
	before := f.counts(t, sid)

	f.Clock.Advance(6 * 24 * time.Hour) // after the cut-off: still not "late" for anyone
	if err := f.Courses.CancelSession(ctx, sid, "  Venue flooded  ", f.admin.ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		b    booking.Booking
		from booking.Status
	}{{c1, booking.Confirmed}, {c2, booking.Confirmed}, {w1, booking.Waitlisted}} {
		if s := f.status(t, tc.b.ID); s != booking.Cancelled {
			t.Errorf("booking %d = %s, want cancelled", tc.b.ID, s)
		}
		h, err := f.Svc.History(ctx, tc.b.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := h[len(h)-1]
		if len(h) != 2 || last.From != tc.from || last.To != booking.Cancelled || last.Reason != booking.ReasonSessionCancelled ||
			last.ActorName != f.admin.Name || !last.At.Equal(f.Clock.Now()) {
			t.Errorf("history of %d = %+v", tc.b.ID, h)
		}
	}
	if h, _ := f.Svc.History(ctx, gone.ID); len(h) != 2 {
		t.Errorf("already-cancelled booking gained history: %+v", h)
	}
	if s := f.status(t, elsewhere.ID); s != booking.Confirmed {
		t.Errorf("booking on another session = %s", s)
	}
	after := f.counts(t, sid)
	if after.Bookings != before.Bookings || after.History != before.History+3 || after.Confirmed != 0 ||
		after.Waitlisted != 0 || after.ConfirmedCount != 0 {
		t.Errorf("counts %+v -> %+v", before, after)
	}
	sess, err := f.Courses.Session(ctx, sid)
	if err != nil {
		t.Fatal(err)
	}
	if !sess.IsCancelled() || sess.CancelReason != "Venue flooded" {
		t.Errorf("session status %q reason %q", sess.Status, sess.CancelReason)
	}

	// A second cancel is refused and changes nothing.
	err = f.Courses.CancelSession(ctx, sid, "again", f.admin.ID)
	wantErr(t, err, course.ErrSessionCancelled)
	if again := f.counts(t, sid); again != after {
		t.Errorf("second cancel changed counts: %+v -> %+v", after, again)
	}
	if sess, _ := f.Courses.Session(ctx, sid); sess.CancelReason != "Venue flooded" {
		t.Errorf("second cancel changed the reason to %q", sess.CancelReason)
	}
	f.checkInvariants(t)
}

// TestCancellationIsLateOnlyForPlacesHeldBeforeTheCutoff: someone who booked, or was
// promoted, after the cut-off could not have cancelled in time, so it is not late.
func TestCancellationIsLateOnlyForPlacesHeldBeforeTheCutoff(t *testing.T) {
	env := testkit.New(t)
	svc := booking.NewService(env.DB, env.Clock.Now)
	org := env.Org(t, "Royal United Hospitals Bath", "health")
	ctx := context.Background()
	// Starts in 5 days; the default cut-off is 48 hours before.
	sid := env.Session(t, env.Course(t, "Whistleblowing in children's services"), 5*24*time.Hour, 1)
	early := env.User(t, "early@example.org", org.ID)
	waiter := env.User(t, "waiter@example.org", org.ID)
	book := func(u int64) int64 {
		t.Helper()
		res, err := svc.Book(ctx, booking.Request{SessionID: sid, UserID: u})
		if err != nil {
			t.Fatal(err)
		}
		return res.Booking.ID
	}
	cancel := func(id, actor int64) booking.Status {
		t.Helper()
		b, err := svc.Cancel(ctx, booking.CancelRequest{BookingID: id, ActorID: actor})
		if err != nil {
			t.Fatal(err)
		}
		return b.Status
	}
	earlyID, waiterID := book(early.ID), book(waiter.ID)
	env.Clock.Advance(4 * 24 * time.Hour) // past the cut-off
	if got := cancel(earlyID, early.ID); got != booking.LateCancelled {
		t.Fatalf("a place held before the cut-off, given up after it: %s, want late_cancelled", got)
	}
	// The waiter was promoted just now, after the cut-off.
	if got := cancel(waiterID, waiter.ID); got != booking.Cancelled {
		t.Fatalf("a place given after the cut-off: %s, want cancelled", got)
	}
	late := env.User(t, "late@example.org", org.ID)
	if got := cancel(book(late.ID), late.ID); got != booking.Cancelled {
		t.Fatalf("booked after the cut-off and cancelled: %s, want cancelled", got)
	}
}
