package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
)

// bookThroughPage opens the confirmation page and confirms it, returning the token used
// and the answer to the POST.
func (f *fixture) bookThroughPage(t *testing.T, c *http.Client, sessionID int64) (string, response) {
	t.Helper()
	page := f.get(t, c, "/sessions/"+id(sessionID)+"/book")
	if page.Status != http.StatusOK {
		t.Fatalf("GET book page: %d %.500s", page.Status, page.Body)
	}
	token := pageToken(t, page.Body)
	return token, f.post(t, c, "/sessions/"+id(sessionID)+"/book", url.Values{"token": {token}})
}

func TestBookAPlaceAndDoubleSubmitBooksOnce(t *testing.T) {
	f := newFixture(t)
	c := f.signedIn(t, "pat@example.org")
	page := f.get(t, c, "/sessions/"+id(f.SessionID)+"/book")
	mustContain(t, page.Body, "Book a place on Safeguarding level 2 on Wednesday 2 December 2026",
		"10:00am to 1:00pm", "Guildhall, Bath", "10 of 10", "Confirm booking")

	token, r := f.bookThroughPage(t, c, f.SessionID)
	if r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Location, "/booked") {
		t.Fatalf("book: %d %q %.500s", r.Status, r.Location, r.Body)
	}
	mustContain(t, f.follow(t, c, r).Body, "You have a place on Safeguarding level 2 on Wednesday 2 December 2026")

	// The same form sent again (a double click, or a retry) lands the same way.
	again := f.post(t, c, "/sessions/"+id(f.SessionID)+"/book", url.Values{"token": {token}})
	if again.Status != http.StatusSeeOther || again.Location != r.Location {
		t.Fatalf("double submit: %d %q %.500s", again.Status, again.Location, again.Body)
	}
	mustContain(t, f.follow(t, c, again).Body, "You have a place on Safeguarding level 2")
	if n := f.count(t, "bookings"); n != 1 {
		t.Fatalf("bookings after a double submit: %d, want 1", n)
	}

	// A fresh form for a session already booked is refused, clearly.
	page = f.get(t, c, "/sessions/"+id(f.SessionID)+"/book")
	mustContain(t, page.Body, "You have already booked this session")
	r = f.post(t, c, "/sessions/"+id(f.SessionID)+"/book", url.Values{"token": {strings.Repeat("ab", 16)}})
	if r.Status != http.StatusConflict {
		t.Fatalf("second booking with a new token: %d", r.Status)
	}
	mustContain(t, r.Body, "There is a problem", "You already have a place on this session")

	my := f.get(t, c, "/my/training")
	mustContain(t, my.Body, "Upcoming", "Safeguarding level 2", "Wednesday 2 December 2026, 10:00am to 1:00pm", "Booked", "/cancel")
}

func TestWaitingListCancelAndPromotion(t *testing.T) {
	f := newFixture(t)
	small := f.Session(t, f.CourseID, 3*24*time.Hour, 1)
	other := f.User(t, "bea@example.org", f.Police.ID, account.Practitioner)
	pat := f.signedIn(t, "pat@example.org")
	bea := f.signedIn(t, "bea@example.org")

	if _, r := f.bookThroughPage(t, pat, small); r.Status != http.StatusSeeOther {
		t.Fatalf("first booking: %d", r.Status)
	}
	page := f.get(t, bea, "/sessions/"+id(small)+"/book")
	mustContain(t, page.Body, "Join the waiting list for Safeguarding level 2", "None: the session is full", "Confirm and join the waiting list")
	_, r := f.bookThroughPage(t, bea, small)
	mustContain(t, f.follow(t, bea, r).Body, "You are number 1 on the waiting list for Safeguarding level 2")
	my := f.get(t, bea, "/my/training")
	mustContain(t, my.Body, "Waiting list", "Number 1")

	// Pat cancels; Bea gets the place at once.
	patBooking := f.bookingsOf(t, f.Pract.ID)[0]
	cancelPath := "/bookings/" + id(patBooking.ID) + "/cancel"
	page = f.get(t, pat, cancelPath)
	if page.Status != http.StatusOK {
		t.Fatalf("cancel page: %d", page.Status)
	}
	mustContain(t, page.Body, "Are you sure you want to cancel your booking?", "Cancel booking", "your place goes to the first person")
	mustNotContain(t, page.Body, "late cancellation")
	r = f.post(t, pat, cancelPath, nil)
	mustContain(t, f.follow(t, pat, r).Body, "Your booking for Safeguarding level 2 on", "is cancelled")

	my = f.get(t, bea, "/my/training")
	upcoming := my.Body[strings.Index(my.Body, `id="upcoming"`):strings.Index(my.Body, `id="waiting"`)]
	mustContain(t, upcoming, "Safeguarding level 2", "Booked")
	mustContain(t, my.Body, "You are not on any waiting lists")
	if b := f.bookingsOf(t, other.ID)[0]; b.Status != booking.Confirmed {
		t.Fatalf("Bea's booking: %s, want confirmed", b.Status)
	}
	patPage := f.get(t, pat, "/my/training")
	cancelled := patPage.Body[strings.Index(patPage.Body, `id="cancelled"`):]
	mustContain(t, cancelled, "Safeguarding level 2", "Cancelled")

	// Cancelling twice lands calmly.
	r = f.post(t, pat, cancelPath, nil)
	mustContain(t, f.follow(t, pat, r).Body, "That booking was already cancelled")
}

func TestOthersBookingsAreNotFound(t *testing.T) {
	f := newFixture(t)
	f.User(t, "bea@example.org", f.Police.ID, account.Practitioner)
	pat := f.signedIn(t, "pat@example.org")
	f.bookThroughPage(t, pat, f.SessionID)
	b := f.bookingsOf(t, f.Pract.ID)[0]

	bea := f.signedIn(t, "bea@example.org")
	path := "/bookings/" + id(b.ID) + "/cancel"
	if r := f.get(t, bea, path); r.Status != http.StatusNotFound {
		t.Errorf("GET someone else's cancel page: %d", r.Status)
	}
	if r := f.post(t, bea, path, nil); r.Status != http.StatusNotFound {
		t.Errorf("POST cancel someone else's booking: %d", r.Status)
	}
	if r := f.get(t, bea, "/bookings/999999/cancel"); r.Status != http.StatusNotFound {
		t.Errorf("unknown booking: %d", r.Status)
	}
	if r := f.get(t, bea, "/bookings/abc/cancel"); r.Status != http.StatusNotFound {
		t.Errorf("bad id: %d", r.Status)
	}
	if got := f.bookingsOf(t, f.Pract.ID)[0].Status; got != booking.Confirmed {
		t.Errorf("booking became %s", got)
	}
}

func TestLateCancellationIsWarnedAndRecorded(t *testing.T) {
	f := newFixture(t)
	soon := f.Session(t, f.CourseID, 5*24*time.Hour, 5) // cut-off 48 hours before the start
	c := f.signedIn(t, "pat@example.org")
	f.bookThroughPage(t, c, soon)
	b := f.bookingsOf(t, f.Pract.ID)[0]
	if page := f.get(t, c, "/bookings/"+id(b.ID)+"/cancel"); strings.Contains(page.Body, "late cancellation") {
		t.Fatal("warned of a late cancellation before the cut-off")
	}
	f.Clock.Advance(4 * 24 * time.Hour) // the place was held when the cut-off passed
	page := f.get(t, c, "/bookings/"+id(b.ID)+"/cancel")
	mustContain(t, page.Body, "This counts as a late cancellation")
	r := f.post(t, c, "/bookings/"+id(b.ID)+"/cancel", nil)
	mustContain(t, f.follow(t, c, r).Body, "counts as a late cancellation")
	if got := f.bookingsOf(t, f.Pract.ID)[0].Status; got != booking.LateCancelled {
		t.Fatalf("status %s, want late_cancelled", got)
	}
}

func TestJoinLinkOnlyForPeopleWithAPlace(t *testing.T) {
	f := newFixture(t)
	const link = "https://meet.example.org/safeguarding-2"
	start := f.Clock.Now().Add(5 * 24 * time.Hour)
	online, err := f.Courses.CreateSession(context.Background(), course.SessionInput{
		CourseID: f.CourseID, StartsAt: start, EndsAt: start.Add(2 * time.Hour), Online: true, OnlineURL: link, Capacity: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.User(t, "bea@example.org", f.Police.ID, account.Practitioner)
	pat := f.signedIn(t, "pat@example.org")
	bea := f.signedIn(t, "bea@example.org")
	anon := f.Browser(t)
	coursePath := "/courses/" + id(f.CourseID)

	for who, c := range map[string]*http.Client{"anonymous": anon, "not booked": bea} {
		mustNotContain(t, f.get(t, c, coursePath).Body, link)
		_ = who
	}
	bookPage := f.get(t, pat, "/sessions/"+id(online)+"/book")
	mustContain(t, bookPage.Body, "Online")
	mustNotContain(t, bookPage.Body, link)

	f.bookThroughPage(t, pat, online)
	f.bookThroughPage(t, bea, online) // full: waiting list
	mustContain(t, f.get(t, pat, "/my/training").Body, link, "Join the session")
	mustContain(t, f.get(t, pat, coursePath).Body, link)
	for _, r := range []response{f.get(t, bea, "/my/training"), f.get(t, bea, coursePath), f.get(t, anon, coursePath)} {
		mustNotContain(t, r.Body, link, "meet.example.org")
	}
}

func TestBookingRefusalsExplainWhy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	start := f.Clock.Now().Add(4 * 24 * time.Hour)
	closed, err := f.Courses.CreateSession(ctx, course.SessionInput{
		CourseID: f.CourseID, StartsAt: start, EndsAt: start.Add(time.Hour), Venue: "Hall", Capacity: 5,
		BookingClosesAt: f.Clock.Now().Add(time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	cancelled := f.Session(t, f.CourseID, 4*24*time.Hour, 5)
	started := f.Session(t, f.CourseID, 2*time.Hour, 5)
	c := f.signedIn(t, "pat@example.org")
	pages := map[int64]string{}
	for _, s := range []int64{closed, cancelled, started} {
		pages[s] = pageToken(t, f.get(t, c, "/sessions/"+id(s)+"/book").Body)
	}
	if err := f.Courses.CancelSession(ctx, cancelled, "Trainer ill", f.Admin.ID); err != nil {
		t.Fatal(err)
	}
	f.Clock.Advance(3 * time.Hour) // booking on "closed" has closed; "started" has started

	cases := []struct {
		session int64
		status  int
		want    string
	}{
		{closed, http.StatusUnprocessableEntity, "Booking for this session has closed."},
		{cancelled, http.StatusUnprocessableEntity, "This session has been cancelled"},
		{started, http.StatusUnprocessableEntity, "This session has already started"},
	}
	for _, tc := range cases {
		r := f.post(t, c, "/sessions/"+id(tc.session)+"/book", url.Values{"token": {pages[tc.session]}})
		if r.Status != tc.status {
			t.Errorf("session %d: status %d, want %d", tc.session, r.Status, tc.status)
		}
		mustContain(t, r.Body, "There is a problem", tc.want)
		mustNotContain(t, r.Body, "Confirm booking")
	}
	if n := f.count(t, "bookings"); n != 0 {
		t.Fatalf("refused bookings created %d rows", n)
	}
	if r := f.get(t, c, "/sessions/999999/book"); r.Status != http.StatusNotFound {
		t.Errorf("unknown session: %d", r.Status)
	}
}

func TestDraftCourseSessionsAreHiddenFromPractitioners(t *testing.T) {
	f := newFixture(t)
	draft, err := f.Courses.CreateCourse(context.Background(), course.CourseInput{Title: "Draft course", DurationMinutes: 60})
	if err != nil {
		t.Fatal(err)
	}
	s := f.Session(t, draft, 5*24*time.Hour, 5)
	c := f.signedIn(t, "pat@example.org")
	if r := f.get(t, c, "/sessions/"+id(s)+"/book"); r.Status != http.StatusNotFound {
		t.Errorf("draft session book page: %d", r.Status)
	}
	if r := f.post(t, c, "/sessions/"+id(s)+"/book", url.Values{"token": {strings.Repeat("cd", 16)}}); r.Status != http.StatusNotFound {
		t.Errorf("draft session booking: %d", r.Status)
	}
}

func TestAFormTokenBooksOnlyItsOwnSession(t *testing.T) {
	f := newFixture(t)
	other := f.Session(t, f.CourseID, 9*24*time.Hour, 5)
	c := f.signedIn(t, "pat@example.org")
	token, r := f.bookThroughPage(t, c, f.SessionID)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("book: %d", r.Status)
	}
	// The spent token sent to another session is refused plainly, not taken as a replay.
	r = f.post(t, c, "/sessions/"+id(other)+"/book", url.Values{"token": {token}, "also": {"1"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("reused token: %d", r.Status)
	}
	mustContain(t, r.Body, "This form was already used for another booking")
	mustNotContain(t, r.Body, `href="#idempotency_key"`)
	if n := f.count(t, "bookings"); n != 1 {
		t.Fatalf("bookings: %d", n)
	}
}
