package checkin_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/checkin"
	"github.com/traininghub/traininghub/internal/problem"
)

func TestCheckInWithTheCurrentCode(t *testing.T) {
	r := newRig(t)
	u, b := r.booked(t, r.Session)
	r.opened()
	r.Clock.Advance(7 * time.Second)
	res, err := r.Svc.CheckIn(ctx, r.Session, u.ID, r.code(t, r.Session))
	if err != nil {
		t.Fatal(err)
	}
	if res.Already || res.BookingID != b.ID || !res.At.Equal(r.Clock.Now()) {
		t.Fatalf("result %+v, want booking %d checked in now", res, b.ID)
	}
	got, err := r.Svc.CheckedIn(ctx, r.Session)
	if err != nil || len(got) != 1 || !got[b.ID].Equal(r.Clock.Now()) {
		t.Fatalf("checked in: %v (%v)", got, err)
	}
	// The booking's history says so, done by the person themselves.
	var reason string
	var actor int64
	err = r.DB.R.QueryRow(`SELECT c.reason, c.actor FROM `+booking.HistorySQL(`b.id = ?`)+
		` ORDER BY c.at DESC, c.kind DESC LIMIT 1`, booking.HistoryArgs(b.ID)...).Scan(&reason, &actor)
	if err != nil || reason != booking.ReasonCheckedIn || actor != u.ID {
		t.Fatalf("last history line %q by %d (%v), want %q by %d", reason, actor, err, booking.ReasonCheckedIn, u.ID)
	}
}

func TestCodeOfThePreviousStepIsAcceptedButNotOlder(t *testing.T) {
	r := newRig(t)
	late, _ := r.booked(t, r.Session)
	later, _ := r.booked(t, r.Session)
	r.opened()
	shown := r.code(t, r.Session)

	// The code changed while they scanned: the one before still works.
	r.Clock.Advance(checkin.Step + 10*time.Second)
	if _, err := r.Svc.CheckIn(ctx, r.Session, late.ID, shown); err != nil {
		t.Fatalf("code of the previous step refused: %v", err)
	}
	// Two steps on (a photo sent home), it does not.
	r.Clock.Advance(checkin.Step)
	_, err := r.Svc.CheckIn(ctx, r.Session, later.ID, shown)
	wantProblem(t, err, checkin.ErrWrongCode)
	if n := r.checkins(t); n != 1 {
		t.Fatalf("%d check-ins, want only the first", n)
	}
	if _, err := r.Svc.CheckIn(ctx, r.Session, later.ID, r.code(t, r.Session)); err != nil {
		t.Fatalf("the code showing now: %v", err)
	}
}

func TestWrongCodeIsRefused(t *testing.T) {
	r := newRig(t)
	u, _ := r.booked(t, r.Session)
	r.opened()
	right := r.code(t, r.Session)
	wrong := "000000"
	if right == wrong {
		wrong = "000001"
	}
	_, err := r.Svc.CheckIn(ctx, r.Session, u.ID, wrong)
	wantProblem(t, err, checkin.ErrWrongCode)
	for _, bad := range []string{"", "12345", "abcdef", "1234567"} {
		_, err := r.Svc.CheckIn(ctx, r.Session, u.ID, bad)
		wantProblem(t, err, checkin.ErrCodeShape)
	}
	if n := r.checkins(t); n != 0 {
		t.Fatalf("%d check-ins stored after wrong codes", n)
	}
}

func TestCheckInOnlyDuringTheSessionWindow(t *testing.T) {
	r := newRig(t)
	u, _ := r.booked(t, r.Session)
	r.code(t, r.Session) // the trainer opened the page early
	for _, tc := range []struct {
		at   time.Time
		want *problem.Error
	}{
		{r.Starts.Add(-31 * time.Minute), checkin.ErrNotOpen},
		{r.Starts.Add(-24 * time.Hour), checkin.ErrNotOpen},
		{r.Starts.Add(3 * time.Hour), checkin.ErrClosed}, // the end
		{r.Starts.Add(27 * time.Hour), checkin.ErrClosed},
	} {
		r.Clock.Set(tc.at)
		_, err := r.Svc.CheckIn(ctx, r.Session, u.ID, r.code(t, r.Session))
		wantProblem(t, err, tc.want)
	}
	if n := r.checkins(t); n != 0 {
		t.Fatalf("%d check-ins stored outside the window", n)
	}
	r.Clock.Set(r.Starts.Add(-checkin.OpensBefore))
	if _, err := r.Svc.CheckIn(ctx, r.Session, u.ID, r.code(t, r.Session)); err != nil {
		t.Fatalf("30 minutes before the start: %v", err)
	}
}

func TestOnlyConfirmedPlacesCheckIn(t *testing.T) {
	r := newRig(t)
	_, _ = r.booked(t, r.Session)
	cancelled, b := r.booked(t, r.Session)
	waiting, w := r.booked(t, r.Session) // capacity 2: waiting list
	if w.Status != booking.Waitlisted {
		t.Fatalf("third booking is %s, want waitlisted", w.Status)
	}
	if _, err := r.Bookings.Cancel(ctx, booking.CancelRequest{BookingID: b.ID, ActorID: cancelled.ID}); err != nil {
		t.Fatal(err)
	}
	// Cancelling promoted the waiting person; make another who only waits.
	waiting2, w2 := r.booked(t, r.Session)
	if w2.Status != booking.Waitlisted {
		t.Fatalf("fourth booking is %s, want waitlisted", w2.Status)
	}
	stranger := r.User(t, "stranger@example.org", r.Org.ID)
	r.opened()
	for name, id := range map[string]int64{"waitlisted": waiting2.ID, "cancelled": cancelled.ID, "no booking": stranger.ID} {
		_, err := r.Svc.CheckIn(ctx, r.Session, id, r.code(t, r.Session))
		if err == nil {
			t.Errorf("%s: checked in", name)
			continue
		}
		wantProblem(t, err, checkin.ErrNoPlace)
	}
	if n := r.checkins(t); n != 0 {
		t.Fatalf("%d check-ins stored for people without a place", n)
	}
	if _, err := r.Svc.CheckIn(ctx, r.Session, waiting.ID, r.code(t, r.Session)); err != nil {
		t.Fatalf("promoted from the waiting list: %v", err)
	}
}

func TestCancelledSessionRefusesCheckIn(t *testing.T) {
	r := newRig(t)
	u, _ := r.booked(t, r.Session)
	code := r.code(t, r.Session)
	if err := r.Courses.CancelSession(ctx, r.Session, "Venue flooded", r.Trainer.ID); err != nil {
		t.Fatal(err)
	}
	r.Clock.Set(r.Starts.Add(-20 * time.Minute))
	_, err := r.Svc.CheckIn(ctx, r.Session, u.ID, code)
	wantProblem(t, err, checkin.ErrSessionCancelled)
	_, err = r.Svc.CheckIn(ctx, r.Session+100, u.ID, code)
	wantProblem(t, err, checkin.ErrSessionNotFound)
}

func TestCheckingInTwiceIsHarmless(t *testing.T) {
	r := newRig(t)
	u, b := r.booked(t, r.Session)
	r.opened()
	first, err := r.Svc.CheckIn(ctx, r.Session, u.ID, r.code(t, r.Session))
	if err != nil {
		t.Fatal(err)
	}
	r.Clock.Advance(5 * time.Minute) // the old code has long gone: it does not matter
	again, err := r.Svc.CheckIn(ctx, r.Session, u.ID, "123456")
	if err != nil {
		t.Fatalf("second check-in: %v", err)
	}
	if !again.Already || !again.At.Equal(first.At) || again.BookingID != b.ID {
		t.Fatalf("second check-in %+v, want already checked in at %s", again, first.At)
	}
	var lines int
	if err := r.DB.R.QueryRow(`SELECT count(*) FROM `+booking.HistorySQL(`b.id = ?`)+` WHERE c.reason = ?`,
		append(booking.HistoryArgs(b.ID), booking.ReasonCheckedIn)...).Scan(&lines); err != nil || lines != 1 {
		t.Fatalf("%d check-in history lines (%v), want 1", lines, err)
	}
}

func TestCheckInAttemptsAreLimitedPerAccount(t *testing.T) {
	r := newRig(t)
	u, _ := r.booked(t, r.Session)
	other, _ := r.booked(t, r.Session)
	r.opened()
	right := r.code(t, r.Session)
	wrong := "000000"
	if right == wrong {
		wrong = "000001"
	}
	for i := 0; i < checkin.AttemptsPerAccount; i++ {
		_, err := r.Svc.CheckIn(ctx, r.Session, u.ID, wrong)
		wantProblem(t, err, checkin.ErrWrongCode)
	}
	_, err := r.Svc.CheckIn(ctx, r.Session, u.ID, right)
	var pe *problem.Error
	if pe, _ = problem.From(err); pe == nil || pe.Status != http.StatusTooManyRequests {
		t.Fatalf("after %d wrong codes the right one gave %v, want 429", checkin.AttemptsPerAccount, err)
	}
	if n := r.checkins(t); n != 0 {
		t.Fatal("a limited account checked in")
	}
	// Someone else is not held up.
	if _, err := r.Svc.CheckIn(ctx, r.Session, other.ID, right); err != nil {
		t.Fatalf("another account: %v", err)
	}
	r.Clock.Advance(checkin.AttemptsWindow)
	if _, err := r.Svc.CheckIn(ctx, r.Session, u.ID, r.code(t, r.Session)); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestStandingSaysWhatACodeWouldMeet(t *testing.T) {
	r := newRig(t)
	u, _ := r.booked(t, r.Session)
	stranger := r.User(t, "stranger@example.org", r.Org.ID)
	st, err := r.Svc.StandingOf(ctx, r.Session, u.ID)
	if err != nil || !st.HasPlace || st.CheckedIn() {
		t.Fatalf("standing %+v (%v)", st, err)
	}
	wantProblem(t, st.Refusal(r.Clock.Now()), checkin.ErrNotOpen)
	if ids, err := r.Svc.OpenNow(ctx, u.ID); err != nil || len(ids) != 0 {
		t.Fatalf("open now, two hours before: %v (%v)", ids, err)
	}
	r.Clock.Set(r.Starts.Add(-checkin.OpensBefore))
	if st.Refusal(r.Clock.Now()) != nil {
		t.Fatal("refused in the window")
	}
	if ids, err := r.Svc.OpenNow(ctx, u.ID); err != nil || len(ids) != 1 || ids[0] != r.Session {
		t.Fatalf("open now, in the window: %v (%v)", ids, err)
	}
	if ids, _ := r.Svc.OpenNow(ctx, stranger.ID); len(ids) != 0 {
		t.Fatalf("open now for someone without a place: %v", ids)
	}
	other, _ := r.Svc.StandingOf(ctx, r.Session, stranger.ID)
	wantProblem(t, other.Refusal(r.Clock.Now()), checkin.ErrNoPlace)
	if _, err := r.Svc.CheckIn(ctx, r.Session, u.ID, r.code(t, r.Session)); err != nil {
		t.Fatal(err)
	}
	st, _ = r.Svc.StandingOf(ctx, r.Session, u.ID)
	if !st.CheckedIn() || !st.CheckedInAt.Equal(r.Clock.Now()) {
		t.Fatalf("after checking in: %+v", st)
	}
	r.Clock.Set(r.Starts.Add(4 * time.Hour))
	if ids, _ := r.Svc.OpenNow(ctx, u.ID); len(ids) != 0 {
		t.Fatalf("open now, after the end: %v", ids)
	}
}

func TestCheckInIsForSessionsAtAVenue(t *testing.T) {
	r := newRig(t)
	u, _ := r.booked(t, r.Session)
	code := r.code(t, r.Session) // the secret exists before the session goes online
	if _, err := r.DB.Exec(ctx, `UPDATE course_sessions SET online = 1, venue = '', online_url = 'https://zoom.us/j/1' WHERE id = ?`, r.Session); err != nil {
		t.Fatal(err)
	}
	r.opened()
	_, err := r.Svc.CheckIn(ctx, r.Session, u.ID, code)
	wantProblem(t, err, checkin.ErrOnline)
	if n := r.checkins(t); n != 0 {
		t.Fatalf("%d check-ins stored for an online session", n)
	}
}
