package calendar

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/traininghub/traininghub/internal/calendar/caltest"
)

// TestClockChanges writes sessions either side of, and across, the Europe/London clock
// changes on the last Sundays of March and October 2026 and checks the UTC instant.
func TestClockChanges(t *testing.T) {
	loc := london(t)
	cases := []struct {
		name       string
		start, end time.Time
		wantStart  string
		wantEnd    string
	}{
		{"saturday before spring forward", time.Date(2026, 3, 28, 9, 30, 0, 0, loc), time.Date(2026, 3, 28, 12, 0, 0, 0, loc), "20260328T093000Z", "20260328T120000Z"},
		{"across spring forward 00:30-03:00", time.Date(2026, 3, 29, 0, 30, 0, 0, loc), time.Date(2026, 3, 29, 3, 0, 0, 0, loc), "20260329T003000Z", "20260329T020000Z"},
		{"just before 01:00 GMT in March", time.Date(2026, 3, 29, 0, 59, 0, 0, loc), time.Date(2026, 3, 29, 2, 30, 0, 0, loc), "20260329T005900Z", "20260329T013000Z"},
		{"monday after spring forward", time.Date(2026, 3, 30, 9, 30, 0, 0, loc), time.Date(2026, 3, 30, 12, 0, 0, 0, loc), "20260330T083000Z", "20260330T110000Z"},
		{"saturday before fall back", time.Date(2026, 10, 24, 9, 30, 0, 0, loc), time.Date(2026, 10, 24, 12, 0, 0, 0, loc), "20261024T083000Z", "20261024T110000Z"},
		{"across fall back 00:30-03:00", time.Date(2026, 10, 25, 0, 30, 0, 0, loc), time.Date(2026, 10, 25, 3, 0, 0, 0, loc), "20261024T233000Z", "20261025T030000Z"},
		{"monday after fall back", time.Date(2026, 10, 26, 9, 30, 0, 0, loc), time.Date(2026, 10, 26, 12, 0, 0, 0, loc), "20261026T093000Z", "20261026T120000Z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := baseEvent()
			e.Start, e.End = tc.start, tc.end
			e.Stamp = tc.start.Add(-72 * time.Hour) // a London-zoned stamp must come out in UTC too
			b := mustInvite(t, e)
			s := string(b)
			if !strings.Contains(s, "DTSTART:"+tc.wantStart+"\r\n") || !strings.Contains(s, "DTEND:"+tc.wantEnd+"\r\n") {
				t.Errorf("want DTSTART %s DTEND %s in\n%s", tc.wantStart, tc.wantEnd, s)
			}
			p := caltest.ParseBoth(t, b)
			if !p.Start.Equal(tc.start) || !p.End.Equal(tc.end) || !p.Stamp.Equal(e.Stamp) {
				t.Errorf("instants changed: %+v", p)
			}
			if got, want := p.End.Sub(p.Start), tc.end.Sub(tc.start); got != want {
				t.Errorf("duration %v, want %v", got, want)
			}
		})
	}
	// The spring-forward session lasts 1h30 of real time although the clock says 2h30.
	if d := time.Date(2026, 3, 29, 3, 0, 0, 0, loc).Sub(time.Date(2026, 3, 29, 0, 30, 0, 0, loc)); d != 90*time.Minute {
		t.Errorf("tzdata: spring-forward session lasts %v", d)
	}
}

func TestFeed(t *testing.T) {
	a := baseEvent()
	b := baseEvent()
	b.UID = NewUID("training.example.org")
	b.Summary = "Domestic abuse: awareness, risk; referral"
	b.Sequence = 4
	b.Cancelled = true
	b.AttendeeEmail, b.OrganizerEmail = "", "" // not needed in a feed
	out, err := Feed("Seán's training — Partneriaeth, \"Diogelu\"", []Event{a, b})
	if err != nil {
		t.Fatal(err)
	}
	caltest.CheckLines(t, out)
	s := string(out)
	if strings.Count(s, "VALUE=DURATION") != 1 {
		t.Errorf("REFRESH-INTERVAL parameters repeated:\n%s", s)
	}
	for _, want := range []string{"METHOD:PUBLISH\r\n", "CALSCALE:GREGORIAN\r\n", "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n", "X-PUBLISHED-TTL:PT1H\r\n", `X-WR-CALNAME:Seán's training — Partneriaeth\, "Diogelu"` + "\r\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
	if strings.Contains(s, "ATTENDEE") || strings.Contains(s, "ORGANIZER") || strings.Contains(s, "RSVP") {
		t.Errorf("feed must carry no attendee or organiser:\n%s", s)
	}
	p := caltest.ParseBoth(t, out)
	if p.Method != "PUBLISH" || p.Events != 2 || p.UID != a.UID {
		t.Errorf("feed parsed as %+v", p)
	}
	cal, err := ical.NewDecoder(bytes.NewReader(out)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	if name, _ := cal.Props.Get("X-WR-CALNAME").Text(); name != `Seán's training — Partneriaeth, "Diogelu"` {
		t.Errorf("X-WR-CALNAME = %q", name)
	}
	if ri := cal.Props.Get("REFRESH-INTERVAL"); ri == nil || ri.Value != "PT1H" || len(ri.Params.Values("VALUE")) != 1 {
		t.Errorf("REFRESH-INTERVAL = %+v", ri)
	}
	ev := cal.Events()[1]
	if st, _ := ev.Props.Get(ical.PropStatus).Text(); st != "CANCELLED" {
		t.Errorf("second event STATUS %q", st)
	}
	if sum, _ := ev.Props.Get(ical.PropSummary).Text(); sum != b.Summary {
		t.Errorf("second SUMMARY %q", sum)
	}

	empty, err := Feed("Empty", nil)
	if err != nil {
		t.Fatal(err)
	}
	caltest.CheckLines(t, empty)
	if p := caltest.ParseArran(t, empty); p.Method != "PUBLISH" || p.Events != 0 {
		t.Errorf("empty feed: %+v", p)
	}
}

func TestNewUID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{32}@training\.example\.org$`)
	seen := map[string]bool{}
	for range 1000 {
		u := NewUID("Training.Example.org:8443")
		if !re.MatchString(u) {
			t.Fatalf("UID %q", u)
		}
		if seen[u] {
			t.Fatalf("duplicate UID %q", u)
		}
		seen[u] = true
	}
	if u := NewUID("\r\n;,\"<>"); !regexp.MustCompile(`^[0-9a-f]{32}@traininghub$`).MatchString(u) {
		t.Errorf("UID for a junk host: %q", u)
	}
}

func TestFold(t *testing.T) {
	long := "DESCRIPTION:" + strings.Repeat("aé😀", 40)
	in := []byte("BEGIN:VCALENDAR\r\n" + long + "\r\nEND:VCALENDAR\r\n")
	out := fold(in)
	caltest.CheckLines(t, out)
	unfolded := strings.ReplaceAll(string(out), "\r\n ", "")
	if unfolded != string(in) {
		t.Errorf("unfolding does not give the input back:\n%q", unfolded)
	}
	short := []byte("A:b\r\n")
	if got := fold(short); !bytes.Equal(got, short) {
		t.Errorf("fold changed a short line: %q", got)
	}
	// Exactly 75 octets stays; 76 folds, and never inside the 4-byte emoji.
	exact := strings.Repeat("x", 71) + "😀"
	if got := fold([]byte(exact + "\r\n")); string(got) != exact+"\r\n" {
		t.Errorf("75-octet line changed: %q", got)
	}
	over := strings.Repeat("x", 72) + "😀"
	got := string(fold([]byte(over + "\r\n")))
	if got != strings.Repeat("x", 72)+"\r\n 😀\r\n" {
		t.Errorf("76-octet line folded as %q", got)
	}
}

// FuzzInvite checks the invariants on any text: the output parses with both parsers, every
// line is CRLF-terminated and at most 75 octets, and the summary survives as cleaned.
func FuzzInvite(f *testing.F) {
	f.Add("O'Brien, Seán; Head: Safeguarding", "Room\r\n2", "a\\b;c,d\ne", "Seán Ó Briain")
	f.Add(strings.Repeat("ŵ", 40), "\x00\x01\x7f", strings.Repeat("😀", 30), `"\`)
	f.Add("x", "", "", "")
	f.Fuzz(func(t *testing.T, summary, location, desc, name string) {
		e := baseEvent()
		e.Summary, e.Location, e.Description, e.AttendeeName = summary, location, desc, name
		b, err := Invite(e)
		if cleanLine(summary) == "" {
			if err == nil {
				t.Fatalf("accepted an empty summary")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		caltest.CheckLines(t, b)
		p := caltest.ParseBoth(t, b)
		if p.Summary != cleanLine(summary) || p.Location != cleanLine(location) || p.Description != cleanText(desc) {
			t.Errorf("texts changed:\n%+v", p)
		}
		if p.AttendeeCN != cleanCN(name) {
			t.Errorf("CN %q, want %q", p.AttendeeCN, cleanCN(name))
		}
	})
}
