package notify

import (
	"bytes"
	"errors"
	"html"
	"io/fs"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/templates"
)

const (
	joinLink = "https://meet.example.org/j/123456?pwd=abc"
	uidHost  = "training.example.org"
)

func testConfig() Config {
	return Config{
		BaseURL:        "http://localhost:8080/",
		SiteName:       "Bath and North East Somerset Safeguarding Children Partnership training",
		OrganizerName:  "BANES training team",
		OrganizerEmail: "training@example.org",
		UIDHost:        uidHost,
	}
}

func newTest(t *testing.T) *Renderer {
	t.Helper()
	r, err := New(testConfig())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

// snapshot is an online session in British Summer Time: 08:30–11:30 UTC is 9:30am to
// 12:30pm in London.
func snapshot() *outbox.BookingSnapshot {
	return &outbox.BookingSnapshot{
		BookingID:        7,
		SessionID:        3,
		CourseID:         12,
		UID:              "0123456789abcdef0123456789abcdef",
		Sequence:         4,
		PersonName:       "Siobhan O'Brien",
		PersonEmail:      "siobhan@example.org",
		CourseTitle:      "Working Together to Safeguard Children",
		CourseSummary:    "The statutory guidance in practice.",
		StartsAt:         time.Date(2026, 6, 10, 8, 30, 0, 0, time.UTC),
		EndsAt:           time.Date(2026, 6, 10, 11, 30, 0, 0, time.UTC),
		Online:           true,
		OnlineURL:        joinLink,
		WaitlistPosition: 2,
		Reason:           "The trainer is unwell.",
		Changes:          []string{"time", "link"},
		Lead:             "3 days",
		Stamp:            time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC),
	}
}

func envelope(kind outbox.Kind, s *outbox.BookingSnapshot) outbox.Envelope {
	return outbox.Envelope{ID: 42, Kind: kind, To: mail.Address{Name: s.PersonName, Email: s.PersonEmail},
		Payload: outbox.Payload{Booking: s}}
}

func resetEnvelope() outbox.Envelope {
	return outbox.Envelope{ID: 43, Kind: outbox.PasswordReset, To: mail.Address{Name: "Sam", Email: "sam@example.org"},
		Payload: outbox.Payload{Reset: &outbox.ResetSnapshot{Name: "Sam", Token: "tok-en_123",
			// 09:45 UTC in BST is 10:45am in London.
			ExpiresAt: time.Date(2026, 6, 10, 9, 45, 0, 0, time.UTC)}}}
}

// sendable finishes m as the worker does and builds it.
func sendable(t *testing.T, m mail.Message) []byte {
	t.Helper()
	m.MessageID = "<outbox-42@" + uidHost + ">"
	m.From = mail.Address{Name: "BANES training team", Email: "training@example.org"}
	m.To = mail.Address{Name: "Siobhan O'Brien", Email: "siobhan@example.org"}
	raw, err := mail.Build(m)
	if err != nil {
		t.Fatalf("mail.Build: %v", err)
	}
	return raw
}

func parseICS(t *testing.T, b []byte) (*ics.Calendar, *ics.VEvent) {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse ICS: %v\n%s", err, b)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("ICS has %d events, want 1", len(events))
	}
	return cal, events[0]
}

func prop(_ *testing.T, get func(ics.ComponentProperty) *ics.IANAProperty, p ics.ComponentProperty) string {
	v := get(p)
	if v == nil {
		return ""
	}
	return v.Value
}

func TestRenderEveryKind(t *testing.T) {
	r := newTest(t)
	const when = "Wednesday 10 June 2026, 9:30am to 12:30pm"
	cases := []struct {
		kind    outbox.Kind
		subject string
		method  string // "" = no calendar
		join    bool   // the joining link may appear
		words   []string
	}{
		{outbox.BookingConfirmed, "Booking confirmed: Working Together to Safeguard Children on Wednesday 10 June 2026", "REQUEST", true,
			[]string{"Your place is booked"}},
		{outbox.WaitlistJoined, "You are on the waiting list: Working Together to Safeguard Children", "", false,
			[]string{"number 2 on the list"}},
		{outbox.Promoted, "You have a place: Working Together to Safeguard Children on Wednesday 10 June 2026", "REQUEST", true,
			[]string{"A place came free"}},
		{outbox.BookingCancelled, "Booking cancelled: Working Together to Safeguard Children on Wednesday 10 June 2026", "CANCEL", false,
			[]string{"You have cancelled your place"}},
		{outbox.WaitlistLeft, "You have left the waiting list: Working Together to Safeguard Children", "", false,
			[]string{"You have left the waiting list"}},
		{outbox.SessionChanged, "Changed: Working Together to Safeguard Children now Wednesday 10 June 2026, 9:30am", "REQUEST", true,
			[]string{"changed the date or time and the joining link"}},
		{outbox.SessionChangedWaitlist, "Changed: Working Together to Safeguard Children now Wednesday 10 June 2026, 9:30am", "", false,
			[]string{"changed the date or time and the joining link", "still on the waiting list"}},
		{outbox.SessionCancelled, "Cancelled: Working Together to Safeguard Children on Wednesday 10 June 2026", "CANCEL", false,
			[]string{"The trainer is unwell."}},
		{outbox.SessionCancelledWaitlist, "Cancelled: Working Together to Safeguard Children on Wednesday 10 June 2026", "", false,
			[]string{"The trainer is unwell.", "no longer on its waiting list"}},
		{outbox.Reminder, "Reminder: Working Together to Safeguard Children on Wednesday 10 June 2026", "", true,
			[]string{"Your training is in 3 days"}},
	}
	// The reset and learning-record kinds have tests of their own (notify_record_test.go).
	seen := map[outbox.Kind]bool{outbox.PasswordReset: true, outbox.EvaluationRequested: true, outbox.CertificateIssued: true}
	seen["substitution_out"], seen["substitution_in"] = true, true // approval_test.go
	for _, tc := range cases {
		seen[tc.kind] = true
		t.Run(string(tc.kind), func(t *testing.T) {
			m, err := r.Render(envelope(tc.kind, snapshot()))
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if m.Subject != tc.subject {
				t.Errorf("subject = %q, want %q", m.Subject, tc.subject)
			}
			for name, body := range map[string]string{"text": m.Text, "HTML": m.HTML} {
				for _, w := range append([]string{when, "Working Together to Safeguard Children",
					"http://localhost:8080/my/training"}, tc.words...) {
					if !strings.Contains(body, w) && !strings.Contains(body, html.EscapeString(w)) {
						t.Errorf("%s body lacks %q:\n%s", name, w, body)
					}
				}
				if !strings.Contains(body, "Hello Siobhan O") {
					t.Errorf("%s body has no greeting:\n%s", name, body)
				}
			}
			if !strings.HasPrefix(m.HTML, "<!DOCTYPE html>") || !strings.Contains(m.HTML, "<h1>") ||
				!strings.Contains(m.HTML, "<dt>When</dt>") || !strings.Contains(m.HTML, `lang="en-GB"`) {
				t.Errorf("HTML lacks the document shape:\n%s", m.HTML)
			}
			for _, bad := range []string{"<img", "<script", "style", "<link", "http://localhost:8080/static"} {
				if strings.Contains(m.HTML, bad) {
					t.Errorf("HTML contains %q", bad)
				}
			}

			// The joining link only for confirmed places.
			all := m.Text + m.HTML + string(m.Calendar)
			escaped := html.EscapeString(joinLink)
			hasLink := strings.Contains(all, joinLink) || strings.Contains(all, escaped) ||
				strings.Contains(all, "meet.example.org")
			if hasLink != tc.join {
				t.Errorf("joining link present = %v, want %v", hasLink, tc.join)
			}
			if tc.join {
				if !strings.Contains(m.Text, joinLink) {
					t.Errorf("text body lacks the joining link")
				}
				if !strings.Contains(m.HTML, `href="`+escaped+`"`) {
					t.Errorf("HTML lacks the joining link as a link:\n%s", m.HTML)
				}
			}

			// The calendar part exactly for invite and cancel kinds.
			if tc.method == "" {
				if m.Calendar != nil || m.CalendarMethod != "" {
					t.Fatalf("unexpected calendar part (method %q)", m.CalendarMethod)
				}
			} else {
				if m.CalendarMethod != tc.method {
					t.Errorf("CalendarMethod = %q, want %q", m.CalendarMethod, tc.method)
				}
				checkCalendar(t, m.Calendar, tc.method, tc.join)
			}

			raw := sendable(t, m)
			if tc.method != "" && !bytes.Contains(raw, []byte("text/calendar; method="+tc.method)) {
				t.Errorf("built message has no text/calendar; method=%s part", tc.method)
			}
		})
	}
	for kind, info := range kinds {
		// Kinds with their own payload (digest.go, approval.go) have tests of their own.
		if !seen[kind] && info.build == nil {
			t.Errorf("kind %s is not tested", kind)
		}
	}
}

func checkCalendar(t *testing.T, b []byte, method string, online bool) {
	t.Helper()
	if !bytes.Contains(b, []byte("\r\nMETHOD:"+method+"\r\n")) {
		t.Errorf("ICS lacks METHOD:%s:\n%s", method, b)
	}
	cal, ev := parseICS(t, b)
	method0 := ""
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == string(ics.PropertyMethod) {
			method0 = p.Value
		}
	}
	if method0 != method {
		t.Errorf("parsed METHOD = %q, want %s", method0, method)
	}
	if got, want := ev.Id(), "0123456789abcdef0123456789abcdef@"+uidHost; got != want {
		t.Errorf("UID = %q, want %q", got, want)
	}
	get := ev.GetProperty
	if got := prop(t, get, ics.ComponentPropertySequence); got != "4" {
		t.Errorf("SEQUENCE = %q, want 4", got)
	}
	if got := prop(t, get, ics.ComponentPropertySummary); got != "Working Together to Safeguard Children" {
		t.Errorf("SUMMARY = %q", got)
	}
	if got := prop(t, get, ics.ComponentPropertyDtStart); got != "20260610T083000Z" {
		t.Errorf("DTSTART = %q", got)
	}
	if got := prop(t, get, ics.ComponentPropertyDtEnd); got != "20260610T113000Z" {
		t.Errorf("DTEND = %q", got)
	}
	if got := prop(t, get, ics.ComponentPropertyDtstamp); got != "20260501T100000Z" {
		t.Errorf("DTSTAMP = %q", got)
	}
	if got := prop(t, get, ics.ComponentPropertyOrganizer); got != "mailto:training@example.org" {
		t.Errorf("ORGANIZER = %q", got)
	}
	if got := prop(t, get, ics.ComponentPropertyAttendee); got != "mailto:siobhan@example.org" {
		t.Errorf("ATTENDEE = %q", got)
	}
	status, loc, url := prop(t, get, ics.ComponentPropertyStatus), prop(t, get, ics.ComponentPropertyLocation),
		prop(t, get, ics.ComponentPropertyUrl)
	desc := prop(t, get, ics.ComponentPropertyDescription)
	if !strings.Contains(desc, "http://localhost:8080/my/training") {
		t.Errorf("DESCRIPTION lacks the manage link: %q", desc)
	}
	if method == "CANCEL" {
		if status != "CANCELLED" || loc != "Online" || url != "http://localhost:8080/courses/12" {
			t.Errorf("cancel: STATUS %q LOCATION %q URL %q", status, loc, url)
		}
		return
	}
	if status != "CONFIRMED" {
		t.Errorf("STATUS = %q", status)
	}
	if online && (loc != "Online: "+joinLink || url != joinLink || !strings.Contains(desc, joinLink)) {
		t.Errorf("online invite: LOCATION %q URL %q DESCRIPTION %q", loc, url, desc)
	}
}

func TestInPersonSession(t *testing.T) {
	r := newTest(t)
	s := snapshot()
	s.Online, s.OnlineURL, s.Venue = false, "", "Guildhall, High Street, Bath BA1 5AW"
	for _, kind := range []outbox.Kind{outbox.BookingConfirmed, outbox.BookingCancelled, outbox.Reminder, outbox.WaitlistJoined} {
		m, err := r.Render(envelope(kind, s))
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if !strings.Contains(m.Text, "Where: Guildhall, High Street, Bath BA1 5AW") ||
			!strings.Contains(m.HTML, "<dd>Guildhall, High Street, Bath BA1 5AW</dd>") {
			t.Errorf("%s: venue missing:\n%s\n%s", kind, m.Text, m.HTML)
		}
		if strings.Contains(m.Text+m.HTML, "Online") {
			t.Errorf("%s: says Online for an in-person session", kind)
		}
		if m.Calendar != nil {
			_, ev := parseICS(t, m.Calendar)
			if got := prop(t, ev.GetProperty, ics.ComponentPropertyLocation); got != s.Venue {
				t.Errorf("%s: LOCATION = %q", kind, got)
			}
			if got := prop(t, ev.GetProperty, ics.ComponentPropertyUrl); got != "http://localhost:8080/courses/12" {
				t.Errorf("%s: URL = %q", kind, got)
			}
		}
		sendable(t, m)
	}
}

func TestLondonTimes(t *testing.T) {
	r := newTest(t)
	cases := []struct {
		name       string
		start, end time.Time
		when, date string
	}{
		{"BST", time.Date(2026, 6, 10, 8, 30, 0, 0, time.UTC), time.Date(2026, 6, 10, 11, 30, 0, 0, time.UTC),
			"Wednesday 10 June 2026, 9:30am to 12:30pm", "Wednesday 10 June 2026"},
		{"GMT", time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC), time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC),
			"Thursday 15 January 2026, 9:30am to midday", "Thursday 15 January 2026"},
		{"day after clocks go forward", time.Date(2026, 3, 30, 8, 30, 0, 0, time.UTC), time.Date(2026, 3, 30, 11, 30, 0, 0, time.UTC),
			"Monday 30 March 2026, 9:30am to 12:30pm", "Monday 30 March 2026"},
		{"Friday before clocks go forward", time.Date(2026, 3, 27, 9, 30, 0, 0, time.UTC), time.Date(2026, 3, 27, 13, 15, 0, 0, time.UTC),
			"Friday 27 March 2026, 9:30am to 1:15pm", "Friday 27 March 2026"},
		{"day after clocks go back", time.Date(2026, 10, 26, 10, 0, 0, 0, time.UTC), time.Date(2026, 10, 26, 16, 0, 0, 0, time.UTC),
			"Monday 26 October 2026, 10am to 4pm", "Monday 26 October 2026"},
		{"across the change", time.Date(2026, 10, 24, 22, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC),
			"Saturday 24 October 2026, 11:30pm to Sunday 25 October 2026, 1:30am", "Saturday 24 October 2026"},
		{"late evening UTC is next day in BST", time.Date(2026, 7, 1, 23, 30, 0, 0, time.UTC), time.Date(2026, 7, 2, 1, 0, 0, 0, time.UTC),
			"Thursday 2 July 2026, 12:30am to 2am", "Thursday 2 July 2026"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := snapshot()
			s.StartsAt, s.EndsAt = tc.start, tc.end
			m, err := r.Render(envelope(outbox.BookingConfirmed, s))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(m.Text, "When:  "+tc.when+"\n") || !strings.Contains(m.HTML, "<dd>"+tc.when+"</dd>") {
				t.Errorf("want %q in both bodies:\n%s\n%s", tc.when, m.Text, m.HTML)
			}
			if !strings.HasSuffix(m.Subject, " on "+tc.date) {
				t.Errorf("subject %q does not end with the London date %q", m.Subject, tc.date)
			}
			// The calendar stays in UTC.
			_, ev := parseICS(t, m.Calendar)
			if got := prop(t, ev.GetProperty, ics.ComponentPropertyDtStart); got != tc.start.Format("20060102T150405Z") {
				t.Errorf("DTSTART = %q", got)
			}
		})
	}
}

func TestEvilText(t *testing.T) {
	r := newTest(t)
	s := snapshot()
	s.CourseTitle = "<script>alert(1)</script> Safeguarding\r\nBcc: victim@example.com"
	s.Venue = `<img src=x onerror=alert(1)>`
	s.PersonName = "Eve <b>\r\nBcc: x@example.com"
	s.Reason = "<iframe src=//evil>"
	s.OnlineURL = joinLink
	for kind, info := range kinds {
		if info.build != nil {
			continue // kinds with their own payload test their own evil text (digest, approval tests)
		}
		e := envelope(kind, s)
		if kind == outbox.PasswordReset {
			e = resetEnvelope()
			e.Payload.Reset.Name = s.PersonName
			e.Payload.Reset.Token = `"><script>x</script>`
		}
		if kind == outbox.CertificateIssued {
			e = certificateEnvelope()
			e.Payload.Certificate.CourseTitle, e.Payload.Certificate.PersonName = s.CourseTitle, s.PersonName
		}
		for _, online := range []bool{true, false} {
			s.Online = online
			m, err := r.Render(e)
			if err != nil {
				t.Fatalf("%s: %v", kind, err)
			}
			for _, bad := range []string{"<script", "<img", "<b>", "<iframe", "onerror=alert(1)>"} {
				if strings.Contains(m.HTML, bad) {
					t.Errorf("%s: HTML contains %q unescaped:\n%s", kind, bad, m.HTML)
				}
			}
			if kind != outbox.PasswordReset && !strings.Contains(m.HTML, "&lt;script&gt;alert(1)&lt;/script&gt; Safeguarding Bcc: victim@example.com") {
				t.Errorf("%s: escaped title missing:\n%s", kind, m.HTML)
			}
			if strings.ContainsAny(m.Subject, "\r\n") {
				t.Errorf("%s: subject has a line break: %q", kind, m.Subject)
			}
			raw := sendable(t, m)
			head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
			if bytes.Contains(bytes.ToLower(head), []byte("\nbcc:")) {
				t.Errorf("%s: a Bcc header was injected:\n%s", kind, head)
			}
			if m.Calendar != nil {
				if bytes.Contains(m.Calendar, []byte("\r\nBcc:")) {
					t.Errorf("%s: the title broke an ICS line", kind)
				}
				parseICS(t, m.Calendar)
			}
		}
	}
}

func TestUnsafeJoiningLinkIsNotOffered(t *testing.T) {
	r := newTest(t)
	s := snapshot()
	s.OnlineURL = "javascript:alert(1)"
	m, err := r.Render(envelope(outbox.BookingConfirmed, s))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.Text+m.HTML+string(m.Calendar), "javascript") {
		t.Errorf("unsafe link offered:\n%s\n%s", m.Text, m.HTML)
	}
	_, ev := parseICS(t, m.Calendar)
	if got := prop(t, ev.GetProperty, ics.ComponentPropertyLocation); got != "Online" {
		t.Errorf("LOCATION = %q", got)
	}
	sendable(t, m)
}

func TestBookingCancelledByOrganiser(t *testing.T) {
	r := newTest(t)
	s := snapshot()
	s.ByOrganiser = true
	m, err := r.Render(envelope(outbox.BookingCancelled, s))
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{m.Text, m.HTML} {
		if !strings.Contains(body, "The training organiser has cancelled your place.") {
			t.Errorf("does not say the organiser cancelled:\n%s", body)
		}
	}
	m, err = r.Render(envelope(outbox.WaitlistLeft, s))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "The training organiser has taken you off the waiting list.") {
		t.Errorf("waitlist_left by organiser:\n%s", m.Text)
	}
}

func TestReminderLead(t *testing.T) {
	r := newTest(t)
	for lead, want := range map[string]string{"3 days": "Your training is in 3 days.", "1 day": "Your training is tomorrow.",
		"": "This is a reminder about your training."} {
		s := snapshot()
		s.Lead = lead
		m, err := r.Render(envelope(outbox.Reminder, s))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Text, want) {
			t.Errorf("lead %q: text lacks %q:\n%s", lead, want, m.Text)
		}
	}
}

func TestSessionChangedWords(t *testing.T) {
	r := newTest(t)
	for _, tc := range []struct {
		changes []string
		want    string
	}{
		{nil, "changed the details"},
		{[]string{"venue"}, "changed the venue"},
		{[]string{"time", "venue", "link"}, "changed the date or time, the venue and the joining link"},
	} {
		s := snapshot()
		s.Changes = tc.changes
		m, err := r.Render(envelope(outbox.SessionChanged, s))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Text, tc.want) || !strings.Contains(m.HTML, tc.want) {
			t.Errorf("changes %v: want %q:\n%s", tc.changes, tc.want, m.Text)
		}
	}
}

func TestPasswordReset(t *testing.T) {
	r := newTest(t)
	m, err := r.Render(resetEnvelope())
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Reset your password" {
		t.Errorf("subject = %q", m.Subject)
	}
	if m.Calendar != nil {
		t.Error("a password reset has a calendar part")
	}
	for name, body := range map[string]string{"text": m.Text, "HTML": m.HTML} {
		for _, w := range []string{"http://localhost:8080/password/reset/tok-en_123", "10:45am on Wednesday 10 June 2026",
			"If you did not ask to reset your password, you can ignore this email", "Hello Sam,"} {
			if !strings.Contains(body, w) {
				t.Errorf("%s body lacks %q:\n%s", name, w, body)
			}
		}
	}
	if !strings.Contains(m.HTML, `<a href="http://localhost:8080/password/reset/tok-en_123">`) {
		t.Errorf("HTML has no reset link:\n%s", m.HTML)
	}
	sendable(t, m)

	// In GMT the expiry is shown as is.
	e := resetEnvelope()
	e.Payload.Reset.ExpiresAt = time.Date(2026, 12, 1, 17, 5, 0, 0, time.UTC)
	if m, err = r.Render(e); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "5:05pm on Tuesday 1 December 2026") {
		t.Errorf("GMT expiry:\n%s", m.Text)
	}
}

func TestErrors(t *testing.T) {
	r := newTest(t)
	if _, err := r.Render(outbox.Envelope{Kind: "carrier_pigeon", Payload: outbox.Payload{Booking: snapshot()}}); err == nil ||
		!strings.Contains(err.Error(), "unknown") {
		t.Errorf("unknown kind: err = %v", err)
	}
	if _, err := r.Render(outbox.Envelope{Kind: outbox.BookingConfirmed}); err == nil {
		t.Error("a booking message without a snapshot rendered")
	}
	if _, err := r.Render(outbox.Envelope{Kind: outbox.PasswordReset, Payload: outbox.Payload{Booking: snapshot()}}); err == nil {
		t.Error("a reset without a reset snapshot rendered")
	}
	s := snapshot()
	s.UID = ""
	if _, err := r.Render(envelope(outbox.BookingConfirmed, s)); err == nil {
		t.Error("an invite without a UID rendered")
	}
	// Plain messages do not need the UID.
	if _, err := r.Render(envelope(outbox.WaitlistJoined, s)); err != nil {
		t.Errorf("waitlist_joined without a UID: %v", err)
	}
}

func TestNewChecksConfig(t *testing.T) {
	for name, mutate := range map[string]func(*Config){
		"no base URL":       func(c *Config) { c.BaseURL = "" },
		"relative base URL": func(c *Config) { c.BaseURL = "/training" },
		"ftp base URL":      func(c *Config) { c.BaseURL = "ftp://example.org" },
		"no organiser":      func(c *Config) { c.OrganizerEmail = "" },
		"named organiser":   func(c *Config) { c.OrganizerEmail = "Training <training@example.org>" },
	} {
		c := testConfig()
		mutate(&c)
		if _, err := New(c); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
	// UIDHost defaults to the host of BaseURL.
	c := testConfig()
	c.UIDHost = ""
	r, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	m, err := r.Render(envelope(outbox.BookingConfirmed, snapshot()))
	if err != nil {
		t.Fatal(err)
	}
	if _, ev := parseICS(t, m.Calendar); ev.Id() != "0123456789abcdef0123456789abcdef@localhost" {
		t.Errorf("UID = %q", ev.Id())
	}
	// In lower case, as the feed and the download write it, however the base URL is typed.
	c.BaseURL = "https://Training.Example.ORG"
	if r, err = New(c); err != nil {
		t.Fatal(err)
	}
	if m, err = r.Render(envelope(outbox.BookingConfirmed, snapshot())); err != nil {
		t.Fatal(err)
	}
	if _, ev := parseICS(t, m.Calendar); ev.Id() != "0123456789abcdef0123456789abcdef@training.example.org" {
		t.Errorf("UID = %q with a mixed-case base URL", ev.Id())
	}
}

func TestEveryTemplateParses(t *testing.T) {
	if _, err := New(testConfig()); err != nil {
		t.Fatal(err)
	}
	// Every file under email/ belongs to a kind or is shared.
	names, err := fs.Glob(templates.FS, "email/*")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{"email/layout.txt": true, "email/layout.html": true, "email/calendar.txt": true}
	for kind := range kinds {
		used["email/"+string(kind)+".txt"], used["email/"+string(kind)+".html"] = true, true
	}
	for _, n := range names {
		if !used[n] {
			t.Errorf("%s is not used by any kind", n)
		}
	}
	if len(names) != len(used) {
		t.Errorf("%d template files, want %d", len(names), len(used))
	}
}

func TestBrokenTemplateFailsNew(t *testing.T) {
	base := fstest.MapFS{}
	names, _ := fs.Glob(templates.FS, "email/*")
	for _, n := range names {
		b, err := fs.ReadFile(templates.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		base[n] = &fstest.MapFile{Data: b}
	}
	if _, err := newRenderer(testConfig(), base); err != nil {
		t.Fatalf("copy of the real templates: %v", err)
	}
	for name, mutate := range map[string]func(fstest.MapFS){
		"syntax error": func(m fstest.MapFS) {
			m["email/reminder.html"] = &fstest.MapFile{Data: []byte(`{{define "body"}}{{if}}{{end}}`)}
		},
		"missing file": func(m fstest.MapFS) { delete(m, "email/promoted.txt") },
		"missing subject": func(m fstest.MapFS) {
			m["email/promoted.txt"] = &fstest.MapFile{Data: []byte(`{{define "body"}}x{{end}}`)}
		},
		"unknown field": func(m fstest.MapFS) {
			m["email/promoted.html"] = &fstest.MapFile{Data: []byte(`{{define "body"}}{{.Nope}}{{end}}`)}
		},
	} {
		m := fstest.MapFS{}
		for k, v := range base {
			m[k] = v
		}
		mutate(m)
		r, err := newRenderer(testConfig(), m)
		if name == "unknown field" {
			// html/template reports an unknown field only on execution.
			if err == nil {
				_, err = r.Render(envelope(outbox.Promoted, snapshot()))
			}
		}
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestConcurrentRender(t *testing.T) {
	r := newTest(t)
	errs := make(chan error, 50)
	for i := range 50 {
		go func() {
			s := snapshot()
			s.Sequence = i
			m, err := r.Render(envelope(outbox.SessionChanged, s))
			if err == nil && !bytes.Contains(m.Calendar, []byte("SEQUENCE:"+strconv.Itoa(i)+"\r\n")) {
				err = errors.New("wrong sequence")
			}
			errs <- err
		}()
	}
	for range 50 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
