package calendar

import (
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/calendar/caltest"
)

func mustDownload(t *testing.T, e Event) []byte {
	t.Helper()
	b, err := Download(e)
	if err != nil {
		t.Fatalf("Download: %v", err)
	}
	caltest.CheckLines(t, b)
	return b
}

// TestDownloadIsTheInvitesEventToAdd: the one-event file is the emailed invite's event
// (same UID, SEQUENCE, times and words) as PUBLISH, with no attendee, no RSVP and none
// of a feed's calendar-wide properties.
func TestDownloadIsTheInvitesEventToAdd(t *testing.T) {
	e := baseEvent()
	e.Sequence = 2
	b := mustDownload(t, e)
	s := string(b)
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "PRODID:-//traininghub//traininghub//EN\r\n", "VERSION:2.0\r\n",
		"CALSCALE:GREGORIAN\r\n", "METHOD:PUBLISH\r\n", "DTSTART:20260512T093000Z\r\n", "SEQUENCE:2\r\n",
		"END:VEVENT\r\nEND:VCALENDAR\r\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
	for _, unwanted := range []string{"REFRESH-INTERVAL", "X-PUBLISHED-TTL", "X-WR-CALNAME", "ATTENDEE", "RSVP",
		"METHOD:REQUEST", "TZID", "VTIMEZONE"} {
		if strings.Contains(s, unwanted) {
			t.Errorf("a download has %s:\n%s", unwanted, s)
		}
	}
	if n := strings.Count(s, "BEGIN:VEVENT"); n != 1 {
		t.Errorf("%d events, want 1", n)
	}
	got := caltest.ParseBoth(t, b)
	want := caltest.Parsed{
		Method: "PUBLISH", UID: e.UID, Summary: e.Summary, Location: e.Location,
		Description: e.Description, URL: e.URL, Status: "CONFIRMED", Transp: "OPAQUE",
		Sequence: 2, Start: e.Start, End: e.End, Stamp: e.Stamp,
		OrganizerEmail: e.OrganizerEmail, OrganizerCN: "Safeguarding Partnership Training", Events: 1,
	}
	if got != want {
		t.Errorf("parsed\n got %+v\nwant %+v", got, want)
	}

	// The invite for the same booking describes the same event, so a calendar holding one
	// matches the other.
	inv := caltest.ParseBoth(t, mustInvite(t, e))
	if inv.UID != got.UID || inv.Sequence != got.Sequence || !inv.Start.Equal(got.Start) || !inv.End.Equal(got.End) ||
		inv.Summary != got.Summary || inv.Location != got.Location || inv.OrganizerEmail != got.OrganizerEmail {
		t.Errorf("download %+v\ndiffers from the invite %+v", got, inv)
	}
}

// TestDownloadWithoutOrganiser: the web page has no organiser to name; the file is still
// a complete event.
func TestDownloadWithoutOrganiser(t *testing.T) {
	e := baseEvent()
	e.OrganizerEmail, e.OrganizerName, e.AttendeeEmail = "", "", ""
	b := mustDownload(t, e)
	if strings.Contains(string(b), "ORGANIZER") {
		t.Errorf("ORGANIZER without an organiser:\n%s", b)
	}
	p := caltest.ParseBoth(t, b)
	if p.Method != "PUBLISH" || p.UID != e.UID || p.Events != 1 || p.OrganizerEmail != "" || p.AttendeeEmail != "" {
		t.Errorf("parsed %+v", p)
	}
}

// TestDownloadTentative: a waiting-list place is a date kept, not a place.
func TestDownloadTentative(t *testing.T) {
	e := baseEvent()
	e.Tentative = true
	if p := caltest.ParseBoth(t, mustDownload(t, e)); p.Status != "TENTATIVE" {
		t.Errorf("status %q, want TENTATIVE", p.Status)
	}
	e.Cancelled = true
	if p := caltest.ParseBoth(t, mustDownload(t, e)); p.Status != "CANCELLED" {
		t.Errorf("cancelled and tentative: status %q, want CANCELLED", p.Status)
	}
}

// TestDownloadRefusals: the invite's own checks apply, and a bad organiser address is
// refused rather than written into a mailto: value.
func TestDownloadRefusals(t *testing.T) {
	for name, change := range map[string]func(*Event){
		"no UID":            func(e *Event) { e.UID = " " },
		"no summary":        func(e *Event) { e.Summary = "" },
		"ends before start": func(e *Event) { e.End = e.Start },
		"no stamp":          func(e *Event) { e.Stamp = time.Time{} },
		"bad organiser":     func(e *Event) { e.OrganizerEmail = "Training <training@example.org>" },
		"organiser CRLF":    func(e *Event) { e.OrganizerEmail = "training@example.org\r\nATTENDEE:x" },
		"javascript URL":    func(e *Event) { e.URL = "javascript:alert(1)" },
	} {
		e := baseEvent()
		change(&e)
		if b, err := Download(e); err == nil {
			t.Errorf("%s: no error, wrote\n%s", name, b)
		}
	}
}
