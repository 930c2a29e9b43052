package feed_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/feed"
)

// parseFeed checks the wire format (every line ends CRLF and is at most 75 octets) and
// parses the feed with golang-ical.
func parseFeed(t *testing.T, body []byte) *ics.Calendar {
	t.Helper()
	if !bytes.HasSuffix(body, []byte("\r\n")) {
		t.Fatal("the feed does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(body), "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, over 75: %q", i+1, len(line), line)
		}
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("golang-ical cannot parse the feed: %v\n%s", err, body)
	}
	return cal
}

func prop(e *ics.VEvent, p ics.ComponentProperty) string {
	if v := e.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

func TestICSIsAPublishedCalendarOfTheListedDates(t *testing.T) {
	p := newProgramme(t)
	p.book(t, p.inPerson, "a@example.org")
	l := p.listing(t, feed.Scope{CourseID: p.safeguarding})
	body, err := l.ICS(links)
	if err != nil {
		t.Fatal(err)
	}
	cal := parseFeed(t, body)
	if m := cal.CalendarProperties; !hasProp(m, ics.PropertyMethod, "PUBLISH") || !hasProp(m, ics.PropertyXWRCalName, "Safeguarding level 2") {
		t.Errorf("calendar properties: %+v", m)
	}
	events := cal.Events()
	if len(events) != 3 {
		t.Fatalf("%d events, want the 3 listed dates:\n%s", len(events), body)
	}
	byUID := map[string]*ics.VEvent{}
	for _, e := range events {
		byUID[e.Id()] = e
	}
	e := byUID["session-"+id(p.inPerson)+"@training.example.org"]
	if e == nil {
		t.Fatalf("no event with the in-person date's UID; UIDs: %v", keys(byUID))
	}
	s := p.session(t, p.inPerson)
	wantStart := s.StartsAt.UTC().Format("20060102T150405Z")
	if got := prop(e, ics.ComponentPropertyDtStart); got != wantStart {
		t.Errorf("DTSTART %q, want %q (UTC)", got, wantStart)
	}
	if got := prop(e, ics.ComponentPropertyDtEnd); got != s.EndsAt.UTC().Format("20060102T150405Z") {
		t.Errorf("DTEND %q", got)
	}
	if got := prop(e, ics.ComponentPropertyLocation); got != "Guildhall, High Street, Bath BA1 5AW" {
		t.Errorf("LOCATION %q", got)
	}
	if got := prop(e, ics.ComponentPropertyUrl); got != "https://training.example.org/sessions/"+id(p.inPerson)+"/book" {
		t.Errorf("URL %q", got)
	}
	desc := prop(e, ics.ComponentPropertyDescription)
	for _, want := range []string{"Wednesday 2 December 2026, 10:00am to 1:00pm (UK time)", "2 places left.",
		"Book a place: https://training.example.org/sessions/" + id(p.inPerson) + "/book"} {
		if !strings.Contains(desc, want) {
			t.Errorf("DESCRIPTION lacks %q: %q", want, desc)
		}
	}
	if got := prop(e, ics.ComponentPropertyTransp); got != "TRANSPARENT" {
		t.Errorf("TRANSP %q: a date on offer must not make the subscriber busy", got)
	}
	online := byUID["session-"+id(p.online)+"@training.example.org"]
	if online == nil || prop(online, ics.ComponentPropertyLocation) != "Online" {
		t.Errorf("the online date's LOCATION is not Online")
	}
	if bytes.Contains(body, []byte("secret-room")) {
		t.Error("the feed gives away the joining link")
	}
	// The same dates give the same bytes, so ETags hold; a booking changes them.
	p.env.Clock.Advance(time.Minute)
	again, _ := p.listing(t, feed.Scope{CourseID: p.safeguarding}).ICS(links)
	if !bytes.Equal(body, again) {
		t.Error("the feed changed with nothing but the clock")
	}
	p.book(t, p.inPerson, "b@example.org")
	after, _ := p.listing(t, feed.Scope{CourseID: p.safeguarding}).ICS(links)
	if bytes.Equal(body, after) {
		t.Error("the feed did not change after a booking")
	}
}

func hasProp(props []ics.CalendarProperty, name ics.Property, value string) bool {
	for _, p := range props {
		if p.IANAToken == string(name) && p.Value == value {
			return true
		}
	}
	return false
}

func keys(m map[string]*ics.VEvent) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestICSSurvivesHostileText(t *testing.T) {
	p := newProgramme(t)
	ctx := context.Background()
	title := "Line one\r\nBEGIN:VEVENT\r\nUID:forged; \"quoted\", back\\slash – Seán Ó Briain’s very long course title that must fold"
	id, err := p.env.Courses.CreateCourse(ctx, course.CourseInput{Title: strings.ReplaceAll(title, "\r\n", " "),
		Summary: "First line\r\nEND:VCALENDAR\nmore", DurationMinutes: 60, Status: course.Published})
	if err != nil {
		t.Fatal(err)
	}
	start := p.env.Clock.Now().Add(5 * 24 * time.Hour)
	if _, err := p.env.Courses.CreateSession(ctx, course.SessionInput{CourseID: id, StartsAt: start, EndsAt: start.Add(time.Hour),
		Venue: "Room 1; \"The\" Annexe, Bath", Capacity: 2}); err != nil {
		t.Fatal(err)
	}
	body, err := p.listing(t, feed.Scope{CourseID: id}).ICS(links)
	if err != nil {
		t.Fatal(err)
	}
	cal := parseFeed(t, body)
	if n := len(cal.Events()); n != 1 {
		t.Fatalf("%d events, want 1: hostile text made or swallowed events\n%s", n, body)
	}
	if got := prop(cal.Events()[0], ics.ComponentPropertyLocation); got != `Room 1; "The" Annexe, Bath` {
		t.Errorf("LOCATION read back as %q", got)
	}
}

func TestJSONIsVersionOneWithPlacesLeft(t *testing.T) {
	p := newProgramme(t)
	p.book(t, p.partnerDate, "a@example.org")
	raw, err := json.Marshal(p.listing(t, feed.Scope{ProviderID: p.partner.ID}).JSON(links))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("secret-room")) || bytes.Contains(raw, []byte("online_url")) {
		t.Errorf("the JSON feed gives away a joining link: %s", raw)
	}
	var doc struct {
		Version  int    `json:"version"`
		Title    string `json:"title"`
		TimeZone string `json:"time_zone"`
		Sessions []struct {
			ID         int64  `json:"id"`
			UID        string `json:"uid"`
			StartsAt   string `json:"starts_at"`
			When       string `json:"when"`
			Location   string `json:"location"`
			Area       string `json:"area"`
			PlacesLeft int    `json:"places_left"`
			Capacity   int    `json:"capacity"`
			Open       bool   `json:"booking_open"`
			BookingURL string `json:"booking_url"`
			Course     struct {
				ID       int64   `json:"id"`
				Title    string  `json:"title"`
				Provider *string `json:"provider"`
				URL      string  `json:"url"`
			} `json:"course"`
		} `json:"sessions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || doc.Title != "Training delivered by Unseen" || doc.TimeZone != "Europe/London" || len(doc.Sessions) != 1 {
		t.Fatalf("document: %s", raw)
	}
	s := doc.Sessions[0]
	want := p.session(t, p.partnerDate)
	if s.ID != p.partnerDate || s.UID != "session-"+id(p.partnerDate)+"@training.example.org" ||
		s.StartsAt != want.StartsAt.UTC().Format(time.RFC3339) || s.Location != "Guildhall, High Street, Bath BA1 5AW" ||
		s.Area != "Bath" || s.PlacesLeft != 2 || s.Capacity != 3 || !s.Open ||
		s.BookingURL != "https://training.example.org/sessions/"+id(p.partnerDate)+"/book" ||
		s.Course.ID != p.slavery || s.Course.Provider == nil || *s.Course.Provider != "Unseen" ||
		s.When != "Saturday 5 December 2026, 10:00am to 1:00pm" {
		t.Errorf("session: %+v", s)
	}
	empty, _ := json.Marshal(feed.Listing{Title: "Nothing"}.JSON(links))
	if !bytes.Contains(empty, []byte(`"sessions":[]`)) {
		t.Errorf("an empty listing: %s, want sessions: []", empty)
	}
}
