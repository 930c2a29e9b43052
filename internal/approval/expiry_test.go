package approval_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/approval"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
)

// TestHoldExpiry: a hold runs out after its days (London calendar days, across the clock
// change) without a decision; the place goes to the waiting list, the request stays
// pending and a later approval books as anyone would be booked then.
func TestHoldExpiry(t *testing.T) {
	f := newFix(t, 3)
	ctx := context.Background()
	// Friday 23 October 2026, 10:00 BST; the clocks go back on Sunday 25 October.
	f.Clock.Set(time.Date(2026, 10, 23, 9, 0, 0, 0, time.UTC))
	sessionID := f.Session(t, f.courseID, 3*week, 1)
	r := f.request(t, sessionID, f.pat).Request
	// Three London days later is Monday 26 October at 10:00 GMT, 25 hours more than 72.
	wantHold := time.Date(2026, 10, 26, 10, 0, 0, 0, time.UTC)
	if !r.HoldUntil.Equal(wantHold) {
		t.Fatalf("hold until %v, want %v", r.HoldUntil, wantHold)
	}
	f.book(t, sessionID, f.bea) // waits behind the held place
	exp := f.svc.NewExpiry(nil)

	f.Clock.Set(wantHold.Add(-time.Minute))
	if swept, err := exp.RunOnce(ctx); err != nil || swept != (approval.Swept{}) {
		t.Fatalf("before the hold ends: %+v %v", swept, err)
	}
	f.Clock.Set(wantHold)
	mark := f.lastOutboxID(t)
	if swept, err := exp.RunOnce(ctx); err != nil || swept.Released != 1 || swept.Closed != 0 {
		t.Fatalf("at the end of the hold: %+v %v", swept, err)
	}
	got := f.get(t, r.ID)
	if got.Status != approval.Pending || got.Held {
		t.Fatalf("request after expiry = %+v, want pending without a hold", got)
	}
	if h := f.historyReasons(t, r.BookingID); h[len(h)-1] != "confirmed>cancelled: "+booking.ReasonHoldExpired {
		t.Fatalf("history = %v", h)
	}
	if e, ok := f.bookingOf(t, sessionID, f.bea); !ok || e.Status != booking.Confirmed {
		t.Fatalf("bea not promoted: %+v", e)
	}
	if k := kinds(f.outboxSince(t, mark)); !slices.Equal(k, []string{"promoted to bea@council.example.org", "approval_hold_expired to pat@council.example.org"}) {
		t.Fatalf("messages = %v", k)
	}
	// A second pass does nothing more.
	if swept, err := exp.RunOnce(ctx); err != nil || swept != (approval.Swept{}) {
		t.Fatalf("second pass: %+v %v", swept, err)
	}
	// Approving later books normally: the session is full now, so the waiting list.
	a, err := f.svc.Approve(ctx, r.ID, f.mo, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Booking.Status != booking.Waitlisted || a.Booking.ID == r.BookingID {
		t.Fatalf("late approval = %+v", a.Booking)
	}
}

// TestApproveAfterHoldRanOut: if the manager approves after the hold ended but before the
// scheduler ran, the waiting list still comes first.
func TestApproveAfterHoldRanOut(t *testing.T) {
	f := newFix(t, 2)
	ctx := context.Background()
	sessionID := f.Session(t, f.courseID, 2*week, 1)
	r := f.request(t, sessionID, f.pat).Request
	f.book(t, sessionID, f.bea)
	f.Clock.Advance(3 * 24 * time.Hour)
	a, err := f.svc.Approve(ctx, r.ID, f.mo, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Booking.Status != booking.Waitlisted {
		t.Fatalf("pat = %s, want waitlisted behind bea", a.Booking.Status)
	}
	if e, ok := f.bookingOf(t, sessionID, f.bea); !ok || e.Status != booking.Confirmed {
		t.Fatalf("bea = %+v", e)
	}
}

// TestRequestClosesWhenBookingCloses: nobody decided before booking closed; the request
// closes, any held place is released and the person is told.
func TestRequestClosesWhenBookingCloses(t *testing.T) {
	f := newFix(t, 30)
	ctx := context.Background()
	start := f.Clock.Now().Add(week)
	sessionID, err := f.Courses.CreateSession(ctx, course.SessionInput{CourseID: f.courseID, StartsAt: start,
		EndsAt: start.Add(3 * time.Hour), Venue: "Guildhall", Capacity: 3, BookingClosesAt: start.Add(-2 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	held := f.request(t, sessionID, f.pat).Request
	f.Clock.Advance(5*24*time.Hour + time.Minute)
	mark := f.lastOutboxID(t)
	swept, err := f.svc.NewExpiry(nil).RunOnce(ctx)
	if err != nil || swept.Closed != 1 || swept.Released != 0 {
		t.Fatalf("sweep = %+v %v", swept, err)
	}
	if got := f.get(t, held.ID); got.Status != approval.Expired || got.Held {
		t.Fatalf("request = %+v", got)
	}
	if s := f.session(t, sessionID); s.Confirmed != 0 {
		t.Fatalf("the held place was not released: %d confirmed", s.Confirmed)
	}
	msgs := f.outboxSince(t, mark)
	if k := kinds(msgs); !slices.Equal(k, []string{"approval_closed to pat@council.example.org"}) {
		t.Fatalf("messages = %v", k)
	}
	if d := msgs[0].data(t); d.Reason != "booking for the session closed before a manager decided" {
		t.Fatalf("reason = %q", d.Reason)
	}
	_, err = f.svc.Approve(ctx, held.ID, f.mo, "")
	wantErr(t, err, approval.ErrDecided)
}

// TestApproveAfterBookingClosed is refused even before the sweep runs.
func TestApproveAfterBookingClosed(t *testing.T) {
	f := newFix(t, 0)
	sessionID := f.Session(t, f.courseID, 24*time.Hour, 3)
	r := f.request(t, sessionID, f.pat).Request
	f.Clock.Advance(25 * time.Hour)
	_, err := f.svc.Approve(context.Background(), r.ID, f.mo, "")
	wantErr(t, err, booking.ErrBookingClosed)
	if got := f.get(t, r.ID); got.Status != approval.Pending {
		t.Fatalf("status = %s", got.Status)
	}
}

// TestRunStops: the loop ends with its context.
func TestRunStops(t *testing.T) {
	f := newFix(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.svc.NewExpiry(nil).Run(ctx, time.Millisecond); close(done) }()
	time.Sleep(5 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}
