package approval_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/approval"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/problem"
)

// TestRequestWithoutHold: asking books nothing and emails each active manager of the
// person's organisation (nobody else) a decision link whose token is stored only as a
// hash; approving books the place with the engine's own invite and tells the person.
func TestRequestWithoutHold(t *testing.T) {
	f := newFix(t, 0)
	ctx := context.Background()
	sessionID := f.Session(t, f.courseID, week, 10)

	res := f.request(t, sessionID, f.pat)
	r := res.Request
	if r.Status != approval.Pending || r.Held || r.BookingID != 0 || !r.HoldUntil.IsZero() || res.ManagersNotified != 2 {
		t.Fatalf("request = %+v, notified %d", r, res.ManagersNotified)
	}
	if _, ok := f.bookingOf(t, sessionID, f.pat); ok {
		t.Fatal("asking booked a place")
	}
	if s := f.session(t, sessionID); s.Confirmed != 0 {
		t.Fatalf("confirmed = %d", s.Confirmed)
	}
	msgs := f.outboxSince(t, 0)
	if got := kinds(msgs); !slices.Equal(got, []string{"approval_requested to mo@council.example.org", "approval_requested to max@council.example.org"}) {
		t.Fatalf("messages = %v", got)
	}
	d := msgs[0].data(t)
	if d.RequestID != r.ID || d.PersonName != f.pat.Name || d.CourseTitle != "Child exploitation" ||
		!d.HoldUntil.IsZero() || d.Full {
		t.Fatalf("message data = %+v", d)
	}
	// The link names the request by number: no secret waits in the queue.
	if n := countPayloads(t, f, "%token%"); n != 0 {
		t.Fatalf("%d queued approval emails hold a token", n)
	}
	// A decision link emailed before links named requests by number still finds its
	// request, by the SHA-256 of its token.
	legacy := strings.Repeat("Ab", 21) + "c"
	sum := sha256.Sum256([]byte(legacy))
	if _, err := f.DB.Exec(context.Background(), `UPDATE approval_requests SET token_hash = ? WHERE id = ?`, hex.EncodeToString(sum[:]), r.ID); err != nil {
		t.Fatal(err)
	}
	if byToken, err := f.svc.ByToken(ctx, legacy); err != nil || byToken.ID != r.ID {
		t.Fatalf("ByToken: %v %+v", err, byToken)
	}
	for _, bad := range []string{"", "x", legacy[:42], legacy + "A", legacy[:42] + "!"} {
		if _, err := f.svc.ByToken(ctx, bad); err == nil {
			t.Errorf("ByToken(%q) found a request", bad)
		}
	}

	// A second request for the same session is refused, and changes nothing.
	before := f.lastOutboxID(t)
	_, err := f.svc.Request(ctx, sessionID, f.pat.ID, f.pat.ID)
	wantErr(t, err, approval.ErrAlreadyRequested)
	if n := len(f.outboxSince(t, before)); n != 0 {
		t.Fatalf("a refused request queued %d messages", n)
	}

	mark := f.lastOutboxID(t)
	a, err := f.svc.Approve(ctx, r.ID, f.mo, "Enjoy it")
	if err != nil {
		t.Fatal(err)
	}
	if a.Booking.Status != booking.Confirmed || a.Request.Status != approval.Approved || a.Request.BookingID != a.Booking.ID ||
		a.Request.DecidedBy != f.mo.ID || a.Request.Reason != "Enjoy it" {
		t.Fatalf("approval = %+v", a)
	}
	msgs = f.outboxSince(t, mark)
	if got := kinds(msgs); !slices.Equal(got, []string{"booking_confirmed to pat@council.example.org", "approval_approved to pat@council.example.org"}) {
		t.Fatalf("messages after approval = %v", got)
	}
	if msgs[0].BookingID != a.Booking.ID || msgs[0].Payload.Booking == nil || msgs[0].Payload.Booking.UID == "" {
		t.Fatalf("the invite does not carry the booking: %+v", msgs[0])
	}
	if d := msgs[1].data(t); d.Decider != f.mo.Name || d.Outcome != "confirmed" || d.Reason != "Enjoy it" {
		t.Fatalf("approved data = %+v", d)
	}
	if got := f.historyReasons(t, a.Booking.ID); !slices.Equal(got, []string{">confirmed: booked"}) {
		t.Fatalf("history = %v", got)
	}
	// Deciding twice changes nothing.
	_, err = f.svc.Decline(ctx, r.ID, f.max, "Changed my mind")
	wantErr(t, err, approval.ErrDecided)
}

// TestDecline: a reason is required; the person is told it; nothing is booked.
func TestDecline(t *testing.T) {
	f := newFix(t, 0)
	ctx := context.Background()
	sessionID := f.Session(t, f.courseID, week, 10)
	r := f.request(t, sessionID, f.pat).Request

	mark := f.lastOutboxID(t)
	for _, reason := range []string{"", "  \n ", strings.Repeat("x", approval.MaxReasonLength+1)} {
		_, err := f.svc.Decline(ctx, r.ID, f.mo, reason)
		pe, _ := problem.From(err)
		if pe.Status != 422 || pe.Fields["reason"] == "" {
			t.Fatalf("decline with reason %.10q: %v", reason, err)
		}
	}
	if got := f.get(t, r.ID); got.Status != approval.Pending || len(f.outboxSince(t, mark)) != 0 {
		t.Fatalf("a refused decline changed something: %+v", got)
	}
	got, err := f.svc.Decline(ctx, r.ID, f.mo, "  We need you on duty that day.\r\nTry March.  ")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != approval.Declined || got.Reason != "We need you on duty that day.\nTry March." || got.Decider != f.mo.Name {
		t.Fatalf("declined = %+v", got)
	}
	msgs := f.outboxSince(t, mark)
	if k := kinds(msgs); !slices.Equal(k, []string{"approval_declined to pat@council.example.org"}) {
		t.Fatalf("messages = %v", k)
	}
	if d := msgs[0].data(t); d.Reason != "We need you on duty that day.\nTry March." || d.Decider != f.mo.Name || !d.HoldUntil.IsZero() {
		t.Fatalf("declined data = %+v", d)
	}
	if _, ok := f.bookingOf(t, sessionID, f.pat); ok {
		t.Fatal("a declined request booked a place")
	}
	// The person may ask again after a decline.
	f.request(t, sessionID, f.pat)
}

// TestHeldPlace: with a hold, asking takes a real place (counted against capacity) without
// any message; declining releases it (not late) and promotes the waiting list.
func TestHeldPlace(t *testing.T) {
	f := newFix(t, 5)
	ctx := context.Background()
	sessionID := f.Session(t, f.courseID, week, 2)

	res := f.request(t, sessionID, f.pat)
	r := res.Request
	wantHold := f.Clock.Now().Add(5 * 24 * time.Hour)
	if !r.Held || r.BookingID == 0 || !r.HoldUntil.Equal(wantHold) {
		t.Fatalf("request = %+v, want a hold until %v", r, wantHold)
	}
	if s := f.session(t, sessionID); s.Confirmed != 1 || s.PlacesLeft() != 1 {
		t.Fatalf("confirmed %d, places left %d: the held place must count", s.Confirmed, s.PlacesLeft())
	}
	e, ok := f.bookingOf(t, sessionID, f.pat)
	if !ok || e.ID != r.BookingID || e.Status != booking.Confirmed || !e.Held {
		t.Fatalf("held booking = %+v", e)
	}
	if got := f.historyReasons(t, r.BookingID); !slices.Equal(got, []string{">confirmed: " + booking.ReasonHeld}) {
		t.Fatalf("history = %v", got)
	}
	for _, m := range f.outboxSince(t, 0) {
		if m.Kind != approval.KindRequested {
			t.Fatalf("holding a place queued %s to %s", m.Kind, m.To)
		}
		if d := m.data(t); !d.HoldUntil.Equal(wantHold) {
			t.Fatalf("manager email hold = %v", d.HoldUntil)
		}
	}

	// The last place goes to Bea; Cal waits.
	f.book(t, sessionID, f.bea)
	if b := f.book(t, sessionID, f.cal); b.Status != booking.Waitlisted {
		t.Fatalf("cal: %s", b.Status)
	}
	// Pat cannot book around the request, nor ask twice.
	_, err := f.bookings.Book(ctx, booking.Request{SessionID: sessionID, UserID: f.pat.ID})
	wantErr(t, err, booking.ErrAlreadyBooked)
	_, err = f.svc.Request(ctx, sessionID, f.pat.ID, f.pat.ID)
	wantErr(t, err, approval.ErrAlreadyRequested)

	// Well after the cancellation cut-off: releasing is still never a late cancellation.
	f.Clock.Advance(4*24*time.Hour + 12*time.Hour)
	mark := f.lastOutboxID(t)
	if _, err := f.svc.Decline(ctx, r.ID, f.max, "Not this time"); err != nil {
		t.Fatal(err)
	}
	released, err := f.bookings.Booking(ctx, r.BookingID)
	if err != nil {
		t.Fatal(err)
	}
	if released.Status != booking.Cancelled {
		t.Fatalf("held booking after decline: %s", released.Status)
	}
	if got := f.historyReasons(t, r.BookingID); got[len(got)-1] != "confirmed>cancelled: "+booking.ReasonHoldDeclined {
		t.Fatalf("history = %v", got)
	}
	if e, ok := f.bookingOf(t, sessionID, f.cal); !ok || e.Status != booking.Confirmed {
		t.Fatalf("cal was not promoted: %+v", e)
	}
	got := kinds(f.outboxSince(t, mark))
	if !slices.Equal(got, []string{"promoted to cal@council.example.org", "approval_declined to pat@council.example.org"}) {
		t.Fatalf("messages = %v (no calendar CANCEL for a place never invited)", got)
	}
	if d := f.outboxSince(t, mark)[1].data(t); d.HoldUntil.IsZero() {
		t.Fatal("the decline does not say the held place was released")
	}
}

// TestApproveHeldPlace: the held booking itself becomes the booking; its invite goes now.
func TestApproveHeldPlace(t *testing.T) {
	f := newFix(t, 5)
	ctx := context.Background()
	sessionID := f.Session(t, f.courseID, week, 1)
	r := f.request(t, sessionID, f.pat).Request
	f.Clock.Advance(24 * time.Hour)

	mark := f.lastOutboxID(t)
	a, err := f.svc.Approve(ctx, r.ID, f.admin, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Booking.ID != r.BookingID || a.Booking.Status != booking.Confirmed {
		t.Fatalf("approval booked %+v, want the held booking %d", a.Booking, r.BookingID)
	}
	msgs := f.outboxSince(t, mark)
	if got := kinds(msgs); !slices.Equal(got, []string{"booking_confirmed to pat@council.example.org", "approval_approved to pat@council.example.org"}) {
		t.Fatalf("messages = %v", got)
	}
	if msgs[0].BookingID != r.BookingID || msgs[0].Payload.Booking.Sequence != 0 {
		t.Fatalf("invite = %+v", msgs[0].Payload.Booking)
	}
	if s := f.session(t, sessionID); s.Confirmed != 1 {
		t.Fatalf("confirmed = %d: approval must not take a second place", s.Confirmed)
	}
	e, _ := f.bookingOf(t, sessionID, f.pat)
	if e.Held || !e.CreatedAt.Equal(f.Clock.Now()) {
		t.Fatalf("approved booking still held or not dated at approval: %+v", e)
	}
	if got := f.historyReasons(t, r.BookingID); !slices.Equal(got, []string{">confirmed: " + booking.ReasonHeld, "confirmed>confirmed: " + booking.ReasonHoldApproved}) {
		t.Fatalf("history = %v", got)
	}
}

// TestFullSessionHoldsNothing: when full, nothing is held and approval joins the list.
func TestFullSessionHoldsNothing(t *testing.T) {
	f := newFix(t, 5)
	ctx := context.Background()
	sessionID := f.Session(t, f.courseID, week, 1)
	f.book(t, sessionID, f.bea)
	res := f.request(t, sessionID, f.pat)
	if res.Request.Held || res.Request.BookingID != 0 {
		t.Fatalf("a full session held a place: %+v", res.Request)
	}
	if d := f.outboxSince(t, 0); !d[len(d)-1].data(t).Full {
		t.Fatal("the manager is not told the session is full")
	}
	a, err := f.svc.Approve(ctx, res.Request.ID, f.mo, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Booking.Status != booking.Waitlisted || a.Booking.WaitlistPosition != 1 {
		t.Fatalf("approval = %+v, want the waiting list", a.Booking)
	}
	msgs := f.outboxSince(t, 0)
	last := msgs[len(msgs)-2:]
	if got := kinds(last); !slices.Equal(got, []string{"waitlist_joined to pat@council.example.org", "approval_approved to pat@council.example.org"}) {
		t.Fatalf("messages = %v", got)
	}
	if d := last[1].data(t); d.Outcome != "waitlisted" || d.Position != 1 {
		t.Fatalf("approved data = %+v", d)
	}
}

// TestWhoMayDecide: managers of the same organisation and admins; never managers of
// another organisation, practitioners, or the person who asked.
func TestWhoMayDecide(t *testing.T) {
	f := newFix(t, 3)
	ctx := context.Background()
	sessionID := f.Session(t, f.courseID, week, 5)
	r := f.request(t, sessionID, f.pat).Request
	own := f.request(t, sessionID, f.max) // a manager asking for themselves

	for _, u := range []*account.User{f.otherManager, f.bea} {
		_, err := f.svc.Approve(ctx, r.ID, u, "")
		wantErr(t, err, approval.ErrNotFound)
		_, err = f.svc.Decline(ctx, r.ID, u, "no")
		wantErr(t, err, approval.ErrNotFound)
		if approval.MaySee(u, r) {
			t.Errorf("%s may see another's request", u.Email)
		}
	}
	_, err := f.svc.Approve(ctx, own.Request.ID, f.max, "")
	wantErr(t, err, approval.ErrOwnRequest)
	if own.ManagersNotified != 1 {
		t.Errorf("a manager's own request notified %d managers, want 1 (not themselves)", own.ManagersNotified)
	}
	if got := f.get(t, r.ID); got.Status != approval.Pending || !got.Held {
		t.Fatalf("refused decisions changed the request: %+v", got)
	}
	// Lists are scoped the same way.
	for u, want := range map[*account.User]int{f.mo: 2, f.max: 1, f.otherManager: 0, f.admin: 2, f.bea: 0} {
		list, err := f.svc.PendingFor(ctx, u)
		if err != nil || len(list) != want {
			t.Errorf("PendingFor(%s) = %d requests (%v), want %d", u.Email, len(list), err, want)
		}
	}
	// An admin of another organisation may decide.
	if _, err := f.svc.Approve(ctx, r.ID, f.admin, ""); err != nil {
		t.Fatal(err)
	}
}

// TestNoManager: the request still exists; nobody is emailed; admins can decide.
func TestNoManager(t *testing.T) {
	f := newFix(t, 0)
	lonely := f.Org(t, "Small Charity", account.Voluntary)
	vic := f.User(t, "vic@charity.example.org", lonely.ID, account.Practitioner)
	sessionID := f.Session(t, f.courseID, week, 5)
	res := f.request(t, sessionID, vic)
	if res.ManagersNotified != 0 || res.Request.Status != approval.Pending || len(f.outboxSince(t, 0)) != 0 {
		t.Fatalf("res = %+v", res)
	}
	list, err := f.svc.PendingFor(context.Background(), f.admin)
	if err != nil || len(list) != 1 {
		t.Fatalf("admin list: %v %v", list, err)
	}
}

// TestWithdraw: only the person, only while pending; a held place is released.
func TestWithdraw(t *testing.T) {
	f := newFix(t, 3)
	ctx := context.Background()
	sessionID := f.Session(t, f.courseID, week, 1)
	r := f.request(t, sessionID, f.pat).Request
	f.book(t, sessionID, f.bea) // waits
	_, err := f.svc.Withdraw(ctx, r.ID, f.bea.ID)
	wantErr(t, err, approval.ErrNotFound)
	got, err := f.svc.Withdraw(ctx, r.ID, f.pat.ID)
	if err != nil || got.Status != approval.Withdrawn || got.Held {
		t.Fatalf("withdraw: %v %+v", err, got)
	}
	if e, ok := f.bookingOf(t, sessionID, f.bea); !ok || e.Status != booking.Confirmed {
		t.Fatalf("bea not promoted: %+v", e)
	}
	_, err = f.svc.Withdraw(ctx, r.ID, f.pat.ID)
	wantErr(t, err, approval.ErrDecided)
	_, err = f.svc.Approve(ctx, r.ID, f.mo, "")
	wantErr(t, err, approval.ErrDecided)
}

// TestRequestRefusals: the booking rules apply to asking too, and change nothing.
func TestRequestRefusals(t *testing.T) {
	f := newFix(t, 3)
	ctx := context.Background()
	plain := f.Course(t, "Plain course")
	plainSession := f.Session(t, plain, week, 5)
	_, err := f.svc.Request(ctx, plainSession, f.pat.ID, f.pat.ID)
	wantErr(t, err, approval.ErrNotRequired)
	_, err = f.svc.Request(ctx, 999, f.pat.ID, f.pat.ID)
	wantErr(t, err, booking.ErrSessionNotFound)

	soon := f.Session(t, f.courseID, time.Hour, 5)
	f.Clock.Advance(2 * time.Hour)
	_, err = f.svc.Request(ctx, soon, f.pat.ID, f.pat.ID)
	wantErr(t, err, booking.ErrSessionStarted)

	sessionID := f.Session(t, f.courseID, week, 5)
	if _, err := f.bookings.Book(ctx, booking.Request{SessionID: sessionID, UserID: f.pat.ID, ActorID: f.admin.ID}); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Request(ctx, sessionID, f.pat.ID, f.pat.ID)
	wantErr(t, err, booking.ErrAlreadyBooked)
	var n int
	if err := f.DB.R.QueryRow(`SELECT count(*) FROM approval_requests`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d requests after refusals (%v)", n, err)
	}
	if got := kinds(f.outboxSince(t, 0)); !slices.Equal(got, []string{"booking_confirmed to pat@council.example.org"}) {
		t.Fatalf("messages = %v", got)
	}
}

// TestHeldPlaceIsInNoCalendar: while a place is held, moving the session sends it no
// update, reminders skip it, and cancelling the session sends no calendar CANCEL; the
// request is then closed and the person told.
func TestHeldPlaceIsInNoCalendar(t *testing.T) {
	f := newFix(t, 30)
	ctx := context.Background()
	sessionID := f.Session(t, f.courseID, 5*24*time.Hour, 5)
	r := f.request(t, sessionID, f.pat).Request
	f.book(t, sessionID, f.bea)
	s := f.session(t, sessionID)

	mark := f.lastOutboxID(t)
	moved := s.StartsAt.Add(time.Hour)
	if err := f.Courses.UpdateSession(ctx, sessionID, courseInput(s, moved), 0); err != nil {
		t.Fatal(err)
	}
	if got := kinds(f.outboxSince(t, mark)); !slices.Equal(got, []string{"session_changed to bea@council.example.org"}) {
		t.Fatalf("after a move: %v", got)
	}

	f.Clock.Advance(4*24*time.Hour + 12*time.Hour) // inside the 3-day and 1-day reminders
	mark = f.lastOutboxID(t)
	rem := &outbox.Reminders{DB: f.DB, Leads: outbox.DefaultLeads, Now: f.Clock.Now}
	if _, err := rem.Queue(ctx); err != nil {
		t.Fatal(err)
	}
	if got := kinds(f.outboxSince(t, mark)); !slices.Equal(got, []string{"reminder to bea@council.example.org"}) {
		t.Fatalf("reminders: %v", got)
	}

	mark = f.lastOutboxID(t)
	if err := f.Courses.CancelSession(ctx, sessionID, "Trainer unwell", 0); err != nil {
		t.Fatal(err)
	}
	if got := kinds(f.outboxSince(t, mark)); !slices.Equal(got, []string{"session_cancelled to bea@council.example.org"}) {
		t.Fatalf("after cancelling: %v", got)
	}
	swept, err := f.svc.NewExpiry(nil).RunOnce(ctx)
	if err != nil || swept.Closed != 1 {
		t.Fatalf("sweep: %+v %v", swept, err)
	}
	if got := f.get(t, r.ID); got.Status != approval.Expired || got.Reason != "the session has been cancelled" {
		t.Fatalf("request after the session was cancelled: %+v", got)
	}
	msgs := f.outboxSince(t, mark)
	if got := kinds(msgs); !slices.Equal(got[1:], []string{"approval_closed to pat@council.example.org"}) {
		t.Fatalf("messages: %v", got)
	}
}

// TestDecideConcurrently: two managers answer at once; exactly one decision lands, and a
// held place is never both booked and released.
func TestDecideConcurrently(t *testing.T) {
	f := newFix(t, 3)
	ctx := context.Background()
	sessionID := f.Session(t, f.courseID, week, 1)
	r := f.request(t, sessionID, f.pat).Request
	errs := make(chan error, 2)
	go func() { _, err := f.svc.Approve(ctx, r.ID, f.mo, ""); errs <- err }()
	go func() { _, err := f.svc.Decline(ctx, r.ID, f.max, "No"); errs <- err }()
	var ok, refused int
	for range 2 {
		switch err := <-errs; {
		case err == nil:
			ok++
		case errors.Is(err, approval.ErrDecided):
			refused++
		default:
			t.Fatal(err)
		}
	}
	if ok != 1 || refused != 1 {
		t.Fatalf("%d decisions landed, %d refused", ok, refused)
	}
	got := f.get(t, r.ID)
	s := f.session(t, sessionID)
	switch got.Status {
	case approval.Approved:
		if s.Confirmed != 1 {
			t.Fatalf("approved but %d confirmed", s.Confirmed)
		}
	case approval.Declined:
		if s.Confirmed != 0 {
			t.Fatalf("declined but %d confirmed", s.Confirmed)
		}
	default:
		t.Fatalf("status %s", got.Status)
	}
}

// TestHeldPlaceCannotBeCancelledBehindTheRequest: cancelling a held place directly is
// refused (withdrawing the request is the way), so a later approval cannot book the person
// again after they said no.
func TestHeldPlaceCannotBeCancelledBehindTheRequest(t *testing.T) {
	f := newFix(t, 3)
	sid := f.Session(t, f.courseID, 7*24*time.Hour, 5)
	req := f.request(t, sid, f.pat)
	held, ok := f.bookingOf(t, sid, f.pat)
	if !ok {
		t.Fatal("no place was held")
	}
	_, err := f.bookings.Cancel(context.Background(), booking.CancelRequest{BookingID: held.ID, ActorID: f.pat.ID})
	wantErr(t, err, booking.ErrHeldForApproval)
	if got := f.get(t, req.Request.ID); got.Status != approval.Pending {
		t.Fatalf("request is %s after a refused cancel, want pending", got.Status)
	}
	if b, _ := f.bookingOf(t, sid, f.pat); b.Status != booking.Confirmed {
		t.Fatalf("held place is %s after a refused cancel", b.Status)
	}
}

// countPayloads counts outbox rows whose payload is LIKE pattern.
func countPayloads(t *testing.T, f *fix, pattern string) int {
	t.Helper()
	var n int
	if err := f.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE CAST(payload AS TEXT) LIKE ?`, pattern).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
