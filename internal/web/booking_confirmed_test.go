package web_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/calendar/caltest"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/outbox"
)

// bookingPagePaths are the addresses of the pages after booking, for TestEveryPageRenders.
func (f *fixture) bookingPagePaths(bookingID int64) map[string]string {
	return map[string]string{
		"/bookings/:id/booked":       "/bookings/" + id(bookingID) + "/booked",
		"/bookings/:id/calendar.ics": "/bookings/" + id(bookingID) + "/calendar.ics",
		"/courses/whats-on":          "/courses/whats-on?month=2026-12",
	}
}

// link reads an absolute link starting with prefix from a page, as a browser would.
func link(t *testing.T, body, prefix string) *url.URL {
	t.Helper()
	m := regexp.MustCompile(`href="(` + regexp.QuoteMeta(prefix) + `[^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link starting %s on the page:\n%.3000s", prefix, body)
	}
	u, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatalf("link %q: %v", m[1], err)
	}
	return u
}

// invite is the calendar UID and SEQUENCE of the latest email queued for a booking.
func (f *fixture) invite(t *testing.T, bookingID int64) (string, int) {
	t.Helper()
	var raw string
	if err := f.DB.R.QueryRow(`SELECT payload FROM outbox WHERE booking_id = ? ORDER BY id DESC LIMIT 1`, bookingID).Scan(&raw); err != nil {
		t.Fatalf("no email queued for booking %d: %v", bookingID, err)
	}
	var p outbox.Payload
	if err := json.Unmarshal([]byte(raw), &p); err != nil || p.Booking == nil || p.Booking.UID == "" {
		t.Fatalf("email payload %s: %v", raw, err)
	}
	return p.Booking.UID + "@traininghub.local", p.Booking.Sequence
}

// download fetches a file, returning the response headers too.
func (f *fixture) download(t *testing.T, c *http.Client, path string) (response, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.URL+path, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Body: string(b), Location: resp.Header.Get("Location")}, resp.Header
}

func TestBookingConfirmationPageAndCalendarDownload(t *testing.T) {
	f := newFixture(t)
	f.User(t, "bea@example.org", f.Police.ID, account.Practitioner)
	pat := f.signedIn(t, "pat@example.org")
	_, r := f.bookThroughPage(t, pat, f.SessionID)
	b := f.bookingsOf(t, f.Pract.ID)[0]
	page := "/bookings/" + id(b.ID) + "/booked"
	if r.Status != http.StatusSeeOther || r.Location != page {
		t.Fatalf("book: %d %q, want 303 to %s", r.Status, r.Location, page)
	}
	got := f.follow(t, pat, r)
	if got.Status != http.StatusOK {
		t.Fatalf("confirmation page: %d %.500s", got.Status, got.Body)
	}
	mustContain(t, got.Body, "Booking confirmed", "You have a place on Safeguarding level 2 on Wednesday 2 December 2026.",
		"We have emailed <strong class=\"booked__email\">pat@example.org</strong>", "What happens next", "Go to Guildhall, Bath",
		"If you cannot go, cancel by", "Add to your calendar", `href="/bookings/`+id(b.ID)+`/calendar.ics"`)

	// Outlook.com and Google links carry the session in UTC.
	outlook := link(t, got.Body, "https://outlook.live.com/calendar/0/action/compose?")
	q := outlook.Query()
	if q.Get("subject") != "Safeguarding level 2" || q.Get("startdt") != "2026-12-02T10:00:00Z" ||
		q.Get("enddt") != "2026-12-02T13:00:00Z" || q.Get("location") != "Guildhall, Bath" ||
		!strings.Contains(q.Get("body"), "/my/training") {
		t.Errorf("Outlook link: %v", q)
	}
	google := link(t, got.Body, "https://calendar.google.com/calendar/render?")
	q = google.Query()
	if q.Get("action") != "TEMPLATE" || q.Get("text") != "Safeguarding level 2" ||
		q.Get("dates") != "20261202T100000Z/20261202T130000Z" || q.Get("location") != "Guildhall, Bath" ||
		!strings.Contains(q.Get("details"), "/my/training") {
		t.Errorf("Google link: %v", q)
	}

	// The download is the emailed invite's event: same UID and SEQUENCE, UTC, CRLF.
	ics, h := f.download(t, pat, "/bookings/"+id(b.ID)+"/calendar.ics")
	if ics.Status != http.StatusOK {
		t.Fatalf("ics: %d %.500s", ics.Status, ics.Body)
	}
	if ct := h.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := h.Get("Content-Disposition"); cd != `attachment; filename="training-2026-12-02.ics"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if cc := h.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	caltest.CheckLines(t, []byte(ics.Body))
	p := caltest.ParseBoth(t, []byte(ics.Body))
	uid, seq := f.invite(t, b.ID)
	if p.Events != 1 || p.UID != uid || p.Sequence != seq || p.Summary != "Safeguarding level 2" ||
		!p.Start.Equal(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)) || !p.End.Equal(time.Date(2026, 12, 2, 13, 0, 0, 0, time.UTC)) ||
		p.Location != "Guildhall, Bath" {
		t.Errorf("ics event %+v; want UID %s SEQUENCE %d", p, uid, seq)
	}
	if p.Method != "PUBLISH" || p.Status != "CONFIRMED" || p.AttendeeEmail != "" {
		t.Errorf("ics: METHOD %q STATUS %q ATTENDEE %q; want an event to add (PUBLISH, CONFIRMED, no attendee)", p.Method, p.Status, p.AttendeeEmail)
	}
	for _, feedOnly := range []string{"X-WR-CALNAME", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"} {
		if strings.Contains(ics.Body, feedOnly) {
			t.Errorf("a one-event download has the feed's %s:\n%s", feedOnly, ics.Body)
		}
	}
	mustContain(t, f.get(t, pat, "/my/training").Body, `href="/bookings/`+id(b.ID)+`/booked#add-to-calendar"`)
	if !strings.Contains(ics.Body, "DTSTART:20261202T100000Z\r\n") {
		t.Errorf("DTSTART not in UTC form:\n%s", ics.Body)
	}

	// Nobody else sees either.
	bea := f.signedIn(t, "bea@example.org")
	for _, path := range []string{page, "/bookings/" + id(b.ID) + "/calendar.ics", "/bookings/999999/calendar.ics", "/bookings/x/booked"} {
		if r, _ := f.download(t, bea, path); r.Status != http.StatusNotFound {
			t.Errorf("someone else GET %s: %d, want 404", path, r.Status)
		}
	}
	if r, _ := f.download(t, f.Browser(t), page); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Errorf("anonymous: %d %q", r.Status, r.Location)
	}

	// Once cancelled, the page says so and there is nothing to add to a calendar.
	if _, err := f.Bookings.Cancel(context.Background(), booking.CancelRequest{BookingID: b.ID, ActorID: f.Pract.ID}); err != nil {
		t.Fatal(err)
	}
	got = f.get(t, pat, page)
	mustContain(t, got.Body, "This booking has been cancelled")
	mustNotContain(t, got.Body, "Add to your calendar", "We have emailed")
	if r, _ := f.download(t, pat, "/bookings/"+id(b.ID)+"/calendar.ics"); r.Status != http.StatusNotFound {
		t.Errorf("ics of a cancelled booking: %d", r.Status)
	}
}

func TestWaitingListConfirmationHasNoJoiningLink(t *testing.T) {
	f := newFixture(t)
	start := f.Clock.Now().Add(5 * 24 * time.Hour)
	online, err := f.Courses.CreateSession(context.Background(), course.SessionInput{CourseID: f.CourseID, StartsAt: start,
		EndsAt: start.Add(time.Hour), Online: true, OnlineURL: "https://meet.example.org/secret-room", Capacity: 1})
	if err != nil {
		t.Fatal(err)
	}
	f.User(t, "bea@example.org", f.Police.ID, account.Practitioner)
	bea := f.signedIn(t, "bea@example.org")
	_, r := f.bookThroughPage(t, bea, online)
	confirmed := f.follow(t, bea, r)
	mustContain(t, confirmed.Body, "Booking confirmed", "https://meet.example.org/secret-room")

	pat := f.signedIn(t, "pat@example.org")
	_, r = f.bookThroughPage(t, pat, online)
	b := f.bookingsOf(t, f.Pract.ID)[0]
	if b.Status != booking.Waitlisted || r.Location != "/bookings/"+id(b.ID)+"/booked" {
		t.Fatalf("waiting list: %s, %d %q", b.Status, r.Status, r.Location)
	}
	got := f.follow(t, pat, r)
	mustContain(t, got.Body, "You are on the waiting list", "You are number 1 on the waiting list for Safeguarding level 2",
		"We have emailed <strong class=\"booked__email\">pat@example.org</strong>", "You do not have a place yet", "Add to your calendar")
	mustNotContain(t, got.Body, "secret-room")
	if q := link(t, got.Body, "https://calendar.google.com/").Query(); q.Get("location") != "Online" || strings.Contains(q.Get("details"), "secret-room") {
		t.Errorf("Google link for someone waiting: %v", q)
	}
	ics, _ := f.download(t, pat, "/bookings/"+id(b.ID)+"/calendar.ics")
	p := caltest.ParseBoth(t, []byte(ics.Body))
	uid, seq := f.invite(t, b.ID)
	if p.UID != uid || p.Sequence != seq || p.Location != "Online" || p.Status != "TENTATIVE" || p.Method != "PUBLISH" ||
		strings.Contains(ics.Body, "secret-room") {
		t.Errorf("waiting-list ics: %+v\n%s", p, ics.Body)
	}
}

func TestSecondDateOfACourseAsksFirst(t *testing.T) {
	f := newFixture(t)
	other := f.Session(t, f.CourseID, 9*24*time.Hour, 5)
	unrelated := f.Session(t, f.Course(t, "Neglect", "Spotting neglect"), 9*24*time.Hour, 5)
	pat := f.signedIn(t, "pat@example.org")
	if _, r := f.bookThroughPage(t, pat, f.SessionID); r.Status != http.StatusSeeOther {
		t.Fatalf("first booking: %d", r.Status)
	}
	first := f.bookingsOf(t, f.Pract.ID)[0]

	page := f.get(t, pat, "/sessions/"+id(other)+"/book")
	mustContain(t, page.Body, "You already have a place on Safeguarding level 2 on Wednesday 2 December 2026.",
		"Book this date as well?", `name="also" value="1"`, "Yes, book this date as well",
		`href="/bookings/`+id(first.ID)+`/cancel"`, "No, keep my other booking")
	mustNotContain(t, f.get(t, pat, "/sessions/"+id(unrelated)+"/book").Body, "Book this date as well?")

	// Without the second yes (a form from before the first booking), nothing is booked.
	token := pageToken(t, page.Body)
	r := f.post(t, pat, "/sessions/"+id(other)+"/book", url.Values{"token": {token}})
	if r.Status != http.StatusConflict {
		t.Fatalf("second date without also=1: %d %q", r.Status, r.Location)
	}
	mustContain(t, r.Body, "There is a problem", "nothing has been booked yet", "Book this date as well?", `name="also" value="1"`)
	if n := len(f.bookingsOf(t, f.Pract.ID)); n != 1 {
		t.Fatalf("bookings: %d, want 1", n)
	}
	// With it, the second date is booked.
	r = f.post(t, pat, "/sessions/"+id(other)+"/book", url.Values{"token": {token}, "also": {"1"}})
	if r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Location, "/booked") {
		t.Fatalf("second date with also=1: %d %q %.500s", r.Status, r.Location, r.Body)
	}
	if n := len(f.bookingsOf(t, f.Pract.ID)); n != 2 {
		t.Fatalf("bookings: %d, want 2", n)
	}

	// A waiting-list place counts as holding the course too.
	full := f.Session(t, f.CourseID, 12*24*time.Hour, 1)
	f.book(t, full, f.Admin.ID)
	f.book(t, full, f.Pract.ID)
	third := f.Session(t, f.CourseID, 14*24*time.Hour, 5)
	mustContain(t, f.get(t, pat, "/sessions/"+id(third)+"/book").Body,
		"You are already on the waiting list for Safeguarding level 2 on", "Book this date as well?")
}
