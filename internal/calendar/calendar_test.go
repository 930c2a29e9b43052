package calendar

import (
	"bytes"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/London without the system zoneinfo

	"github.com/traininghub/traininghub/internal/calendar/caltest"
)

var stamp = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func london(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func baseEvent() Event {
	return Event{
		UID:            "0123456789abcdef0123456789abcdef@training.example.org",
		Sequence:       0,
		Summary:        "Working Together to Safeguard Children: Level 3",
		Description:    "Bring your agency ID.\nParking is limited.",
		Location:       "Room 2, Civic Centre, Cardiff",
		URL:            "https://training.example.org/bookings/42",
		Start:          time.Date(2026, 5, 12, 9, 30, 0, 0, time.UTC),
		End:            time.Date(2026, 5, 12, 12, 30, 0, 0, time.UTC),
		Stamp:          stamp,
		OrganizerName:  "Safeguarding Partnership Training",
		OrganizerEmail: "training@example.org",
		AttendeeName:   "Sam Jones",
		AttendeeEmail:  "sam.jones@example.net",
	}
}

func mustInvite(t *testing.T, e Event) []byte {
	t.Helper()
	b, err := Invite(e)
	if err != nil {
		t.Fatalf("Invite: %v", err)
	}
	caltest.CheckLines(t, b)
	return b
}

func TestInviteRequest(t *testing.T) {
	e := baseEvent()
	b := mustInvite(t, e)
	s := string(b)
	for _, want := range []string{
		"BEGIN:VCALENDAR\r\n",
		"PRODID:-//traininghub//traininghub//EN\r\n",
		"VERSION:2.0\r\n",
		"CALSCALE:GREGORIAN\r\n",
		"METHOD:REQUEST\r\n",
		"BEGIN:VEVENT\r\n",
		"DTSTAMP:20260301T090000Z\r\n",
		"DTSTART:20260512T093000Z\r\n",
		"DTEND:20260512T123000Z\r\n",
		"SEQUENCE:0\r\n",
		"STATUS:CONFIRMED\r\n",
		"TRANSP:OPAQUE\r\n",
		"END:VEVENT\r\nEND:VCALENDAR\r\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
	if strings.Count(s, "BEGIN:VEVENT") != 1 {
		t.Errorf("want exactly one VEVENT")
	}
	if strings.Contains(s, "TZID") || strings.Contains(s, "VTIMEZONE") {
		t.Errorf("times must be UTC only, found TZID/VTIMEZONE")
	}
	p := caltest.ParseBoth(t, b)
	want := caltest.Parsed{
		Method: "REQUEST", UID: e.UID, Summary: e.Summary, Location: e.Location,
		Description: e.Description, URL: e.URL, Status: "CONFIRMED", Transp: "OPAQUE",
		Sequence: 0, Start: e.Start, End: e.End, Stamp: e.Stamp,
		AttendeeEmail: e.AttendeeEmail, AttendeeCN: "Sam Jones",
		OrganizerEmail: e.OrganizerEmail, OrganizerCN: "Safeguarding Partnership Training",
		RSVP: "TRUE", Role: "REQ-PARTICIPANT", Partstat: "NEEDS-ACTION", Events: 1,
	}
	if p != want {
		t.Errorf("parsed\n got %+v\nwant %+v", p, want)
	}
	if p.Method != Method(e) {
		t.Errorf("METHOD %q != Method() %q", p.Method, Method(e))
	}
}

func TestInviteCancel(t *testing.T) {
	e := baseEvent()
	e.Sequence = 3
	e.Cancelled = true
	if Method(e) != "CANCEL" {
		t.Fatalf("Method = %q", Method(e))
	}
	b := mustInvite(t, e)
	p := caltest.ParseBoth(t, b)
	if p.Method != "CANCEL" || p.Status != "CANCELLED" || p.UID != e.UID || p.Sequence != 3 {
		t.Errorf("cancel parsed as %+v", p)
	}
	if p.AttendeeEmail != e.AttendeeEmail || p.OrganizerEmail != e.OrganizerEmail {
		t.Errorf("CANCEL must still name organiser and attendee: %+v", p)
	}
}

// TestRescheduleKeepsUID is the book → reschedule → cancel life of one booking: one UID,
// a SEQUENCE that only the caller raises, and the method that matches each step.
func TestRescheduleKeepsUID(t *testing.T) {
	e := baseEvent()
	e.UID = NewUID("training.example.org")
	steps := []struct {
		seq       int
		cancelled bool
		method    string
		status    string
	}{{0, false, "REQUEST", "CONFIRMED"}, {1, false, "REQUEST", "CONFIRMED"}, {2, true, "CANCEL", "CANCELLED"}}
	for _, st := range steps {
		e.Sequence, e.Cancelled = st.seq, st.cancelled
		e.Start = e.Start.Add(24 * time.Hour)
		e.End = e.End.Add(24 * time.Hour)
		p := caltest.ParseBoth(t, mustInvite(t, e))
		if p.UID != e.UID || p.Sequence != st.seq || p.Method != st.method || p.Status != st.status || !p.Start.Equal(e.Start) {
			t.Errorf("step %d: %+v", st.seq, p)
		}
	}
}

func TestAwkwardTextRoundTrips(t *testing.T) {
	cases := []struct {
		name                      string
		summary, location, desc   string
		attendee                  string
		wantSummary, wantLocation string
		wantDesc, wantCN          string
	}{
		{
			name:         "punctuation",
			summary:      "Safeguarding; Level 3, Part 1: Neglect",
			location:     "O'Brien Suite, Level 2; Gate: B",
			desc:         `Bring "evidence" \ notes, please; thanks: the team`,
			attendee:     "O'Brien, Seán; Head: Safeguarding",
			wantSummary:  "Safeguarding; Level 3, Part 1: Neglect",
			wantLocation: "O'Brien Suite, Level 2; Gate: B",
			wantDesc:     `Bring "evidence" \ notes, please; thanks: the team`,
			wantCN:       "O’Brien Seán Head Safeguarding",
		},
		{
			name:         "newlines and controls",
			summary:      "Child\r\nExploitation\tbriefing\x00\x07\x1b[31m",
			location:     "Line one\nLine two\x7f",
			desc:         "First line\r\nSecond line\rThird\x00 line\u2028Fourth\x85",
			attendee:     "Sam\r\nBcc: evil@example.com",
			wantSummary:  "Child Exploitation briefing[31m",
			wantLocation: "Line one Line two",
			wantDesc:     "First line\nSecond line\nThird line\nFourth",
			wantCN:       "Sam Bcc evil@example.com",
		},
		{
			name:         "welsh irish emoji",
			summary:      "Hyfforddiant Diogelu Plant – Gweithdy ŵ ŷ â ê 🛡️ Cyfarfod Blynyddol Caerdydd a'r Fro",
			location:     "Canolfan Ddinesig, Heol y Frenhines, Abertawe SA1 — Ystafell Gynadledda Fawr",
			desc:         strings.Repeat("Éist le guth an linbh. 👧🏽 ", 12),
			attendee:     "Siân Ó Briain-Llewelyn ap Gruffydd Ní Mhaoláin",
			wantSummary:  "Hyfforddiant Diogelu Plant – Gweithdy ŵ ŷ â ê 🛡️ Cyfarfod Blynyddol Caerdydd a'r Fro",
			wantLocation: "Canolfan Ddinesig, Heol y Frenhines, Abertawe SA1 — Ystafell Gynadledda Fawr",
			wantDesc:     strings.TrimSpace(strings.Repeat("Éist le guth an linbh. 👧🏽 ", 12)),
			wantCN:       "Siân Ó Briain-Llewelyn ap Gruffydd Ní Mhaoláin",
		},
		{
			name:         "long words without spaces",
			summary:      strings.Repeat("ŵ", 60) + strings.Repeat("😀", 30),
			location:     strings.Repeat("é", 100),
			desc:         strings.Repeat(`\;,`, 50),
			attendee:     strings.Repeat("Ó", 80),
			wantSummary:  strings.Repeat("ŵ", 60) + strings.Repeat("😀", 30),
			wantLocation: strings.Repeat("é", 100),
			wantDesc:     strings.Repeat(`\;,`, 50),
			wantCN:       strings.Repeat("Ó", 80),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := baseEvent()
			e.Summary, e.Location, e.Description, e.AttendeeName = tc.summary, tc.location, tc.desc, tc.attendee
			e.OrganizerName = "Partneriaeth Diogelu: Hyfforddiant, \"Cymru\""
			b := mustInvite(t, e)
			if bytes.ContainsAny(b, "\x00\x07\x1b\x7f\t") || strings.Contains(string(b), "\u0085") {
				t.Errorf("control characters survived:\n%q", b)
			}
			p := caltest.ParseBoth(t, b)
			if p.Summary != tc.wantSummary {
				t.Errorf("SUMMARY\n got %q\nwant %q", p.Summary, tc.wantSummary)
			}
			if p.Location != tc.wantLocation {
				t.Errorf("LOCATION\n got %q\nwant %q", p.Location, tc.wantLocation)
			}
			if p.Description != tc.wantDesc {
				t.Errorf("DESCRIPTION\n got %q\nwant %q", p.Description, tc.wantDesc)
			}
			if p.AttendeeCN != tc.wantCN {
				t.Errorf("attendee CN\n got %q\nwant %q", p.AttendeeCN, tc.wantCN)
			}
			if p.OrganizerCN != "Partneriaeth Diogelu Hyfforddiant Cymru" {
				t.Errorf("organiser CN %q", p.OrganizerCN)
			}
			if p.UID != e.UID || p.Sequence != e.Sequence || p.Status != "CONFIRMED" || !p.Start.Equal(e.Start) {
				t.Errorf("identity fields changed: %+v", p)
			}
		})
	}
}

func TestEmptyNamesOmitCN(t *testing.T) {
	e := baseEvent()
	e.AttendeeName, e.OrganizerName = "", " \r\n\t"
	b := mustInvite(t, e)
	if bytes.Contains(b, []byte("CN=")) {
		t.Errorf("empty names should leave CN out:\n%s", b)
	}
	p := caltest.ParseBoth(t, b)
	if p.AttendeeEmail != e.AttendeeEmail || p.RSVP != "TRUE" {
		t.Errorf("attendee lost: %+v", p)
	}
}

func TestInviteRejects(t *testing.T) {
	cases := map[string]func(*Event){
		"no UID":            func(e *Event) { e.UID = " \x00 " },
		"no summary":        func(e *Event) { e.Summary = "\r\n" },
		"no start":          func(e *Event) { e.Start = time.Time{} },
		"end before start":  func(e *Event) { e.End = e.Start },
		"no stamp":          func(e *Event) { e.Stamp = time.Time{} },
		"negative sequence": func(e *Event) { e.Sequence = -1 },
		"no attendee":       func(e *Event) { e.AttendeeEmail = "" },
		"no organiser":      func(e *Event) { e.OrganizerEmail = "" },
		"attendee injection": func(e *Event) {
			e.AttendeeEmail = "a@example.org\r\nATTENDEE:mailto:b@example.org"
		},
		"named address":   func(e *Event) { e.OrganizerEmail = "Training <training@example.org>" },
		"javascript URL":  func(e *Event) { e.URL = "javascript:alert(1)" },
		"relative URL":    func(e *Event) { e.URL = "/bookings/42" },
		"URL with spaces": func(e *Event) { e.URL = "https://example.org/a b" },
		"URL with CRLF":   func(e *Event) { e.URL = "https://example.org/\r\nATTENDEE:x" },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			e := baseEvent()
			mutate(&e)
			if b, err := Invite(e); err == nil {
				t.Errorf("Invite accepted it:\n%s", b)
			}
		})
	}
}
