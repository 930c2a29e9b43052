package meetingreport

import (
	"errors"
	"testing"
	"time"
)

var london, _ = time.LoadLocation("Europe/London")

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, london)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func find(t *testing.T, r Report, name string) Attendee {
	t.Helper()
	for _, a := range r.Attendees {
		if a.Name == name {
			return a
		}
	}
	t.Fatalf("no %q in %+v", name, r.Attendees)
	return Attendee{}
}

func TestTeamsReportIsReadFromUTF16WithJoinsGathered(t *testing.T) {
	start, end := at(t, "2027-01-11 09:30"), at(t, "2027-01-11 15:30")
	r, err := Parse(utf16LE(teamsReport), london, start)
	if err != nil {
		t.Fatal(err)
	}
	if r.Source != Teams || r.Title != "Domestic abuse and its impact on children" {
		t.Fatalf("source %q title %q", r.Source, r.Title)
	}
	if len(r.Attendees) != 5 {
		t.Fatalf("want 5 people, got %d: %+v", len(r.Attendees), r.Attendees)
	}
	cases := []struct {
		name, email string
		want        time.Duration
	}{
		// 9:30-12:00 and 12:15-15:30: the time before the start and the break do not count.
		{"Zoë Ashworth", "zoe.ashworth@nhs.example", 5*time.Hour + 45*time.Minute},
		// Laptop and phone at once count once.
		{"Marcus Reid", "m.reid@police.example", 5*time.Hour + 58*time.Minute}, // not 6h58m
		{"Siobhán Ó Briain", "", 5*time.Hour + 50*time.Minute},
		{"Priya Shah", "priya.shah@school.example", time.Hour},
	}
	for _, c := range cases {
		a := find(t, r, c.name)
		if a.Email != c.email {
			t.Errorf("%s: email %q, want %q", c.name, a.Email, c.email)
		}
		if got := a.TimeIn(start, end); got != c.want {
			t.Errorf("%s: %v in the session, want %v", c.name, got, c.want)
		}
	}
	if got := find(t, r, "Sam Trainer").Role; got != "Organizer" {
		t.Errorf("organiser's role %q", got)
	}
	// A guest's empty email cell keeps its place: the columns after it do not shift.
	if got := find(t, r, "Siobhán Ó Briain").Role; got != "Attendee" {
		t.Errorf("guest's role %q", got)
	}
}

func TestDatesAreReadDayOrMonthFirstByTheSessionsDate(t *testing.T) {
	// 11/01/2027 is 11 January for a January session...
	r, err := Parse(utf16LE(teamsReport), london, at(t, "2027-01-11 09:30"))
	if err != nil {
		t.Fatal(err)
	}
	if got := find(t, r, "Priya Shah").Spans[0].Join; !got.Equal(at(t, "2027-01-11 10:00")) {
		t.Fatalf("joined %v", got)
	}
	// ...and 1 November for a November one.
	r, err = Parse(utf16LE(teamsReport), london, at(t, "2027-11-01 09:30"))
	if err != nil {
		t.Fatal(err)
	}
	if got := find(t, r, "Priya Shah").Spans[0].Join; !got.Equal(at(t, "2027-11-01 10:00")) {
		t.Fatalf("joined %v", got)
	}
}

func TestTeamsTotalsAloneAreUsedWhenThereAreNoJoins(t *testing.T) {
	start, end := at(t, "2027-01-11 09:30"), at(t, "2027-01-11 15:30")
	r, err := Parse(utf16LE(teamsParticipantsOnly), london, start)
	if err != nil {
		t.Fatal(err)
	}
	// The first join and last leave span six hours, but she was there for two and a half.
	if got := find(t, r, "Zoë Ashworth").TimeIn(start, end); got != 150*time.Minute {
		t.Fatalf("got %v", got)
	}
}

func TestOlderTeamsLogOfJoinsAndLeaves(t *testing.T) {
	start, end := at(t, "2027-06-14 09:30"), at(t, "2027-06-14 11:30")
	r, err := Parse(utf16LE(teamsLog), london, start)
	if err != nil {
		t.Fatal(err)
	}
	if r.Source != Teams {
		t.Fatalf("source %q", r.Source)
	}
	if got := find(t, r, "Zoë Ashworth").TimeIn(start, end); got != 90*time.Minute {
		t.Errorf("Zoë: %v", got)
	}
	if got := find(t, r, "Marcus Reid").TimeIn(start, end); got != 2*time.Hour {
		t.Errorf("Marcus: %v", got)
	}
}

func TestZoomParticipantsExport(t *testing.T) {
	start, end := at(t, "2027-06-14 09:30"), at(t, "2027-06-14 11:30")
	r, err := Parse([]byte("\ufeff"+zoomReport), london, start)
	if err != nil {
		t.Fatal(err)
	}
	if r.Source != Zoom || r.Title != "Modern slavery awareness" {
		t.Fatalf("source %q title %q", r.Source, r.Title)
	}
	zoe := find(t, r, "Zoe")
	if zoe.OtherName != "Zoë Ashworth" || zoe.Email != "zoe.ashworth@nhs.example" {
		t.Fatalf("renamed participant read as %+v", zoe)
	}
	// 9:30-10:40 and 10:45-11:30 in British Summer Time.
	if got := zoe.TimeIn(start, end); got != 115*time.Minute {
		t.Errorf("Zoë: %v", got)
	}
	if !zoe.Spans[0].Join.Equal(time.Date(2027, 6, 14, 8, 29, 2, 0, time.UTC)) {
		t.Errorf("join read as %v, want 08:29:02 UTC", zoe.Spans[0].Join)
	}
	if got := find(t, r, "Reid, Marcus"); got.Email != "" || got.TimeIn(start, end) != 30*time.Minute {
		t.Errorf("guest read as %+v", got)
	}
	if got := find(t, r, "José Álvarez").TimeIn(start, end); got != 118*time.Minute {
		t.Errorf("José: %v", got)
	}
}

func TestFilesThatAreNotReportsAreRefused(t *testing.T) {
	near := at(t, "2027-06-14 09:30")
	cases := map[string]struct {
		data []byte
		want error
	}{
		"empty":             {[]byte("  \n"), ErrEmpty},
		"a picture":         {[]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\xfd"), ErrUnrecognised},
		"another CSV":       {[]byte("Course,Date\nCSE,2027-06-14\n"), ErrUnrecognised},
		"headings, no rows": {[]byte("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"), ErrNoPeople},
	}
	for name, c := range cases {
		if _, err := Parse(c.data, london, near); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", name, err, c.want)
		}
	}
}

func TestDurations(t *testing.T) {
	cases := map[string]time.Duration{
		"1h 2m 3s": time.Hour + 2*time.Minute + 3*time.Second, "45s": 45 * time.Second,
		"71": 71 * time.Minute, "1:02:03": time.Hour + 2*time.Minute + 3*time.Second, "02:03": 2*time.Minute + 3*time.Second,
	}
	for in, want := range cases {
		if got, ok := parseDuration(in); !ok || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "soon", "-5", "1:x"} {
		if _, ok := parseDuration(bad); ok {
			t.Errorf("%q read as a duration", bad)
		}
	}
}
