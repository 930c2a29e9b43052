package web_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/testkit"
)

var feedLinkRE = regexp.MustCompile(`value="(http://[^"]+/calendar/([A-Za-z0-9_-]+)\.ics)"`)

// feedLink makes the person a feed address from "My training" and reads it from the page
// that shows it, the only time it is shown.
func (f *fixture) feedLink(t *testing.T, c *http.Client) (link, token string) {
	t.Helper()
	my := f.get(t, c, "/my/training")
	if my.Status != http.StatusOK {
		t.Fatalf("my training: %d", my.Status)
	}
	mustContain(t, my.Body, "Add your training to your calendar", `action="/my/calendar/reset"`)
	if feedLinkRE.MatchString(my.Body) {
		t.Fatal("My training shows a feed address: it must be shown only when made")
	}
	r := f.post(t, c, "/my/calendar/reset", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("make a feed address: %d", r.Status)
	}
	m := feedLinkRE.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no calendar link on the new address page:\n%.3000s", r.Body)
	}
	mustContain(t, r.Body, `href="webcal://`+strings.TrimPrefix(m[1], "http://")+`"`, "This is the only time we show this address")
	if found := testkit.PlainTextSecrets(t, f.DB, m[2]); len(found) > 0 {
		t.Fatalf("the calendar token is stored in plain text in %v", found)
	}
	return m[1], m[2]
}

// fetchFeed gets a feed address without any cookies, as a calendar app would.
func fetchFeed(t *testing.T, link string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (f *fixture) book(t *testing.T, sessionID, userID int64) booking.Booking {
	t.Helper()
	res, err := f.Bookings.Book(context.Background(), booking.Request{SessionID: sessionID, UserID: userID, ActorID: userID})
	if err != nil {
		t.Fatal(err)
	}
	return res.Booking
}

func TestCalendarFeedListsConfirmedSessionsWithTheInviteUID(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// The fixture session (a week ahead, in person) and an online one in British Summer
	// Time, so the UTC conversion shows.
	f.book(t, f.SessionID, f.Pract.ID)
	summer := time.Date(2027, 6, 15, 9, 30, 0, 0, time.UTC) // 10:30 in London
	online, err := f.Courses.CreateSession(ctx, course.SessionInput{CourseID: f.CourseID, StartsAt: summer,
		EndsAt: summer.Add(2 * time.Hour), Online: true, OnlineURL: "https://meet.example.org/abc?x=1", Capacity: 5})
	if err != nil {
		t.Fatal(err)
	}
	f.book(t, online, f.Pract.ID)
	// Not in the feed: a cancelled booking, a waiting-list place, a session the organiser
	// cancelled.
	cancelledBooking := f.Session(t, f.CourseID, 10*24*time.Hour, 5)
	b := f.book(t, cancelledBooking, f.Pract.ID)
	if _, err := f.Bookings.Cancel(ctx, booking.CancelRequest{BookingID: b.ID, ActorID: f.Pract.ID}); err != nil {
		t.Fatal(err)
	}
	full := f.Session(t, f.CourseID, 11*24*time.Hour, 1)
	f.book(t, full, f.Admin.ID)
	if b := f.book(t, full, f.Pract.ID); b.Status != booking.Waitlisted {
		t.Fatalf("want a waiting-list place, got %s", b.Status)
	}
	dropped := f.Session(t, f.CourseID, 12*24*time.Hour, 5)
	f.book(t, dropped, f.Pract.ID)
	if err := f.Courses.CancelSession(ctx, dropped, "Trainer ill", f.Admin.ID); err != nil {
		t.Fatal(err)
	}

	c := f.signedIn(t, "pat@example.org")
	link, _ := f.feedLink(t, c)
	resp, body := fetchFeed(t, link)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("feed: %d %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	cal, err := ical.NewDecoder(strings.NewReader(body)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot parse the feed: %v\n%s", err, body)
	}
	if m := cal.Props.Get(ical.PropMethod); m == nil || m.Value != "PUBLISH" {
		t.Errorf("METHOD %v", m)
	}
	events := map[string]ical.Event{}
	for _, e := range cal.Events() {
		uid, _ := e.Props.Text(ical.PropUID)
		events[uid] = e
	}
	var want []booking.Entry
	for _, e := range f.bookingsOf(t, f.Pract.ID) {
		if e.Status == booking.Confirmed && e.SessionStatus == course.Scheduled {
			want = append(want, e)
		}
	}
	if len(want) != 2 || len(events) != 2 {
		t.Fatalf("feed has %d events, want the 2 confirmed bookings:\n%s", len(events), body)
	}
	for _, e := range want {
		if e.ICalUID == "" {
			t.Fatalf("booking %d has no ical_uid", e.ID)
		}
		uid := e.ICalUID + "@traininghub.local"
		ev, ok := events[uid]
		if !ok {
			t.Errorf("no event with UID %s in\n%s", uid, body)
			continue
		}
		start, err := ev.DateTimeStart(nil)
		if err != nil || !start.Equal(e.StartsAt) || start.Location() != time.UTC {
			t.Errorf("DTSTART %v (%v), want %v in UTC", start, err, e.StartsAt)
		}
		if raw := ev.Props.Get(ical.PropDateTimeStart).Value; raw != e.StartsAt.UTC().Format("20060102T150405Z") {
			t.Errorf("DTSTART written as %q", raw)
		}
		end, _ := ev.DateTimeEnd(nil)
		if !end.Equal(e.EndsAt) {
			t.Errorf("DTEND %v, want %v", end, e.EndsAt)
		}
		if seq, _ := ev.Props.Get(ical.PropSequence).Int(); seq != e.ICalSequence {
			t.Errorf("SEQUENCE %d, want %d", seq, e.ICalSequence)
		}
		if s, _ := ev.Props.Text(ical.PropSummary); s != "Safeguarding level 2" {
			t.Errorf("SUMMARY %q", s)
		}
		loc, _ := ev.Props.Text(ical.PropLocation)
		var link string
		if p := ev.Props.Get(ical.PropURL); p != nil {
			link = p.Value
		}
		if e.Online {
			if loc != "Online: https://meet.example.org/abc?x=1" || link != "https://meet.example.org/abc?x=1" {
				t.Errorf("online LOCATION %q URL %q", loc, link)
			}
			if got := e.StartsAt.In(londonZone(t)).Format("15:04"); got != "10:30" {
				t.Errorf("summer session starts %s in London", got)
			}
		} else if loc != "Guildhall, Bath" || !strings.HasSuffix(link, "/courses/"+id(f.CourseID)) {
			t.Errorf("in-person LOCATION %q URL %q", loc, link)
		}
	}
	for _, unwanted := range []string{"ATTENDEE", "ORGANIZER", "pat@example.org"} {
		if strings.Contains(body, unwanted) {
			t.Errorf("the feed contains %q", unwanted)
		}
	}
	if !strings.HasSuffix(body, "END:VCALENDAR\r\n") {
		t.Errorf("the feed does not end in a CRLF line")
	}
	for _, line := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if len(line) > 75 || strings.ContainsAny(line, "\r\n") {
			t.Errorf("bad line %q", line)
		}
	}

	// Without the .ics suffix too, and for HEAD.
	if resp, _ := fetchFeed(t, strings.TrimSuffix(link, ".ics")); resp.StatusCode != http.StatusOK {
		t.Errorf("without .ics: %d", resp.StatusCode)
	}
	if resp, err := http.Head(link); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("HEAD: %v %v", resp, err)
	}
}

func londonZone(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestCalendarFeedKeepsNinetyDaysOfHistory(t *testing.T) {
	f := newFixture(t)
	f.book(t, f.SessionID, f.Pract.ID) // a week ahead
	soon := f.Session(t, f.CourseID, 24*time.Hour, 5)
	f.book(t, soon, f.Pract.ID)
	c := f.signedIn(t, "pat@example.org")
	link, _ := f.feedLink(t, c)
	if _, body := fetchFeed(t, link); strings.Count(body, "BEGIN:VEVENT") != 2 {
		t.Fatalf("want 2 events:\n%s", body)
	}
	// 95 days on: the session a week ahead ended 88 days ago, the next-day one 94.
	f.Clock.Advance(95 * 24 * time.Hour)
	_, body := fetchFeed(t, link)
	if strings.Count(body, "BEGIN:VEVENT") != 1 {
		t.Fatalf("want only the session within 90 days:\n%s", body)
	}
	if e := f.bookingsOf(t, f.Pract.ID); !strings.Contains(body, e[1].ICalUID) {
		t.Errorf("the feed kept the wrong session:\n%s", body)
	}
}

func TestCalendarFeedLinkCanBeReplaced(t *testing.T) {
	f := newFixture(t)
	f.book(t, f.SessionID, f.Pract.ID)
	c := f.signedIn(t, "pat@example.org")
	mustContain(t, f.get(t, c, "/my/training").Body, "Make my calendar feed address")
	old, oldToken := f.feedLink(t, c)
	if resp, _ := fetchFeed(t, old); resp.StatusCode != http.StatusOK {
		t.Fatalf("feed: %d", resp.StatusCode)
	}
	mustContain(t, f.get(t, c, "/my/training").Body, "You have a calendar feed address", "Get a new address — the old one will stop working")

	fresh, freshToken := f.feedLink(t, c)
	if fresh == old || freshToken == oldToken || len(freshToken) < 22 {
		t.Fatalf("new link %s (token %q) after %s", fresh, freshToken, old)
	}
	resp, body := fetchFeed(t, old)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("old link after reset: %d, want 404", resp.StatusCode)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") || strings.Contains(body, "<html") {
		t.Errorf("404 is not plain text: %q %q", resp.Header.Get("Content-Type"), body)
	}
	if resp, _ := fetchFeed(t, fresh); resp.StatusCode != http.StatusOK {
		t.Errorf("new link: %d", resp.StatusCode)
	}

	// Nobody else's feed, made-up tokens and disabled accounts all answer 404.
	for _, p := range []string{"/calendar/nope", "/calendar/" + strings.Repeat("A", 32) + ".ics", "/calendar/.ics", "/calendar/%3Cx%3E"} {
		if resp, _ := fetchFeed(t, f.URL+p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}
	if err := f.Accounts.SetActive(context.Background(), f.Pract.ID, false); err != nil {
		t.Fatal(err)
	}
	if resp, _ := fetchFeed(t, fresh); resp.StatusCode != http.StatusNotFound {
		t.Errorf("disabled account's feed: %d, want 404", resp.StatusCode)
	}

	// Replacing the link needs a sign-in.
	if r := f.post(t, f.Browser(t), "/my/calendar/reset", nil); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Errorf("anonymous reset: %d %q", r.Status, r.Location)
	}
}

func TestEachPersonHasTheirOwnFeed(t *testing.T) {
	f := newFixture(t)
	f.book(t, f.SessionID, f.Pract.ID)
	_, patToken := f.feedLink(t, f.signedIn(t, "pat@example.org"))
	adaLink, adaToken := f.feedLink(t, f.signedIn(t, "ada@example.org"))
	if patToken == adaToken {
		t.Fatal("two people share a feed")
	}
	if _, body := fetchFeed(t, adaLink); strings.Contains(body, "BEGIN:VEVENT") {
		t.Errorf("Ada's feed shows Pat's booking:\n%s", body)
	}
}
