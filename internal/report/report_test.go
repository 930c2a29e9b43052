package report

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
)

// The right answers below are worked out by hand in fixture_test.go.

func TestAttendanceByOrganisationAndType(t *testing.T) {
	f := newFixture(t)
	a, err := f.service().Attendance(t.Context(), f.period)
	if err != nil {
		t.Fatal(err)
	}
	if a.SessionsHeld != 3 {
		t.Errorf("sessions held %d, want 3 (S1, S2, S3)", a.SessionsHeld)
	}
	want := map[string]Counts{
		"Avon and Somerset Police": {PlacesBooked: 7, Attended: 3, Partial: 0, DNA: 2, NotRecorded: 2, LateCancelled: 0, WalkIns: 0, PeopleTrained: 2},
		"British Transport Police": {PlacesBooked: 5, Attended: 1, Partial: 1, DNA: 1, NotRecorded: 0, LateCancelled: 2, WalkIns: 1, PeopleTrained: 2},
		"Royal United Hospitals":   {PlacesBooked: 4, Attended: 1, Partial: 0, DNA: 1, NotRecorded: 1, LateCancelled: 1, WalkIns: 1, PeopleTrained: 2},
	}
	wantRate := map[string]int64{"Avon and Somerset Police": 400, "British Transport Police": 333, "Royal United Hospitals": 500}
	if len(a.ByOrg) != 3 {
		t.Fatalf("%d organisations, want 3", len(a.ByOrg))
	}
	for i, name := range []string{"Avon and Somerset Police", "British Transport Police", "Royal United Hospitals"} {
		o := a.ByOrg[i]
		if o.Name != name {
			t.Errorf("organisation %d is %q, want %q (by name)", i, o.Name, name)
			continue
		}
		if o.Counts != want[name] {
			t.Errorf("%s:\n got %+v\nwant %+v", name, o.Counts, want[name])
		}
		if r, ok := o.DNARate().Tenths(); !ok || r != wantRate[name] {
			t.Errorf("%s DNA rate %d tenths (ok %v), want %d", name, r, ok, wantRate[name])
		}
		checkAddsUp(t, name, o.Counts)
	}

	police := Counts{PlacesBooked: 12, Attended: 4, Partial: 1, DNA: 3, NotRecorded: 2, LateCancelled: 2, WalkIns: 1, PeopleTrained: 4}
	health := Counts{PlacesBooked: 4, Attended: 1, Partial: 0, DNA: 1, NotRecorded: 1, LateCancelled: 1, WalkIns: 1, PeopleTrained: 2}
	if len(a.ByType) != len(account.OrgTypes) {
		t.Fatalf("%d types, want all %d", len(a.ByType), len(account.OrgTypes))
	}
	for i, tr := range a.ByType {
		if tr.Type != account.OrgTypes[i] {
			t.Errorf("type %d is %s, want %s", i, tr.Type, account.OrgTypes[i])
		}
		switch tr.Type {
		case account.Police:
			if tr.Counts != police || tr.Organisations != 2 {
				t.Errorf("police: %d orgs %+v, want 2 orgs %+v", tr.Organisations, tr.Counts, police)
			}
			if r := tr.DNARate().String(); r != "37.5%" {
				t.Errorf("police DNA rate %s, want 37.5%%", r)
			}
		case account.Health:
			if tr.Counts != health || tr.Organisations != 1 {
				t.Errorf("health: %d orgs %+v, want 1 org %+v", tr.Organisations, tr.Counts, health)
			}
			if r := tr.DNARate().String(); r != "50.0%" {
				t.Errorf("health DNA rate %s, want 50.0%%", r)
			}
		default:
			if tr.Counts != (Counts{}) || tr.Organisations != 0 {
				t.Errorf("%s: %+v, want zeros", tr.Type, tr)
			}
			if r := tr.DNARate().String(); r != "—" {
				t.Errorf("%s DNA rate %q, want — (no denominator)", tr.Type, r)
			}
		}
	}
	total := Counts{PlacesBooked: 16, Attended: 5, Partial: 1, DNA: 4, NotRecorded: 3, LateCancelled: 3, WalkIns: 2, PeopleTrained: 6}
	if a.Totals != total {
		t.Errorf("totals:\n got %+v\nwant %+v", a.Totals, total)
	}
	if r, _ := a.Totals.DNARate().Tenths(); r != 400 {
		t.Errorf("overall DNA rate %d tenths, want 400", r)
	}
	checkAddsUp(t, "totals", a.Totals)
}

func checkAddsUp(t *testing.T, name string, c Counts) {
	t.Helper()
	if sum := c.Attended + c.Partial + c.DNA + c.NotRecorded + c.LateCancelled; sum != c.PlacesBooked {
		t.Errorf("%s: attended+partial+DNA+not recorded+late = %d, but places booked %d", name, sum, c.PlacesBooked)
	}
}

func TestFillRatesAndCourses(t *testing.T) {
	f := newFixture(t)
	a, err := f.service().Attendance(t.Context(), f.period)
	if err != nil {
		t.Fatal(err)
	}
	type sessionWant struct {
		key      string
		capacity int
		counts   Counts
		held     int
		fill     string
	}
	wantSessions := []sessionWant{
		{"S1", 10, Counts{PlacesBooked: 7, Attended: 2, Partial: 1, DNA: 2, NotRecorded: 1, LateCancelled: 1, WalkIns: 1, PeopleTrained: 3}, 6, "60.0%"},
		{"S2", 8, Counts{PlacesBooked: 6, Attended: 3, Partial: 0, DNA: 2, NotRecorded: 0, LateCancelled: 1, WalkIns: 1, PeopleTrained: 4}, 5, "62.5%"},
		{"S3", 6, Counts{PlacesBooked: 3, Attended: 0, Partial: 0, DNA: 0, NotRecorded: 2, LateCancelled: 1, WalkIns: 0, PeopleTrained: 0}, 2, "33.3%"},
	}
	if len(a.Sessions) != len(wantSessions) {
		t.Fatalf("%d sessions, want 3: %+v", len(a.Sessions), a.Sessions)
	}
	for i, w := range wantSessions {
		s := a.Sessions[i]
		if s.ID != f.sess[w.key] || s.Capacity != w.capacity || s.Counts != w.counts || s.HeldAtStart() != w.held || s.Fill().String() != w.fill {
			t.Errorf("%s: got id %d cap %d held %d fill %s %+v\nwant id %d cap %d held %d fill %s %+v", w.key,
				s.ID, s.Capacity, s.HeldAtStart(), s.Fill(), s.Counts, f.sess[w.key], w.capacity, w.held, w.fill, w.counts)
		}
		checkAddsUp(t, w.key, s.Counts)
	}
	if got := a.Sessions[0].StartsLondon().Format("2006-01-02 15:04 MST"); got != "2026-10-14 09:30 BST" {
		t.Errorf("S1 starts %s", got)
	}

	if len(a.Courses) != 2 {
		t.Fatalf("%d courses, want 2", len(a.Courses))
	}
	k1, k2 := a.Courses[0], a.Courses[1]
	if k1.Title != "Child exploitation" || k2.Title != "Domestic abuse" {
		t.Fatalf("courses %q, %q", k1.Title, k2.Title)
	}
	wantK1 := CourseRow{ID: f.courses["K1"], Title: "Child exploitation", Sessions: 2, Capacity: 16,
		Counts:    Counts{PlacesBooked: 10, Attended: 2, Partial: 1, DNA: 2, NotRecorded: 3, LateCancelled: 2, WalkIns: 1, PeopleTrained: 3},
		Responses: 3, RatingSum: 13, UsefulnessSum: 14}
	wantK2 := CourseRow{ID: f.courses["K2"], Title: "Domestic abuse", Sessions: 1, Capacity: 8,
		Counts:    Counts{PlacesBooked: 6, Attended: 3, Partial: 0, DNA: 2, NotRecorded: 0, LateCancelled: 1, WalkIns: 1, PeopleTrained: 4},
		Responses: 2, RatingSum: 7, UsefulnessSum: 7}
	if !reflect.DeepEqual(k1, wantK1) {
		t.Errorf("K1:\n got %+v\nwant %+v", k1, wantK1)
	}
	if !reflect.DeepEqual(k2, wantK2) {
		t.Errorf("K2:\n got %+v\nwant %+v", k2, wantK2)
	}
	for _, c := range []struct {
		row                      CourseRow
		held                     int
		fill, rating, usefulness string
		ratingTenths             int64
	}{
		{k1, 8, "50.0%", "4.3", "4.7", 43},
		{k2, 5, "62.5%", "3.5", "3.5", 35},
	} {
		if c.row.HeldAtStart() != c.held || c.row.Fill().String() != c.fill || c.row.Rating() != c.rating || c.row.Usefulness() != c.usefulness {
			t.Errorf("%s: held %d fill %s rating %s useful %s; want %d %s %s %s", c.row.Title, c.row.HeldAtStart(),
				c.row.Fill(), c.row.Rating(), c.row.Usefulness(), c.held, c.fill, c.rating, c.usefulness)
		}
		if r, ok := c.row.RatingTenths(); !ok || r != c.ratingTenths {
			t.Errorf("%s rating %d tenths, want %d", c.row.Title, r, c.ratingTenths)
		}
	}
}

func TestCharges(t *testing.T) {
	f := newFixture(t)
	svc := f.service()
	totals, err := svc.ChargeTotals(t.Context(), f.period)
	if err != nil {
		t.Fatal(err)
	}
	want := []OrgCharges{
		{OrgID: f.orgs["A"], Name: "Avon and Somerset Police", Type: account.Police, DNACount: 2, DNAPence: 62500, LateCount: 0, LatePence: 0},
		{OrgID: f.orgs["B"], Name: "British Transport Police", Type: account.Police, DNACount: 1, DNAPence: 60000, LateCount: 2, LatePence: 2550},
		{OrgID: f.orgs["C"], Name: "Royal United Hospitals", Type: account.Health, DNACount: 1, DNAPence: 2500, LateCount: 0, LatePence: 0},
	}
	if !reflect.DeepEqual(totals, want) {
		t.Fatalf("charge totals:\n got %+v\nwant %+v", totals, want)
	}
	for i, w := range []string{"£625.00", "£625.50", "£25.00"} {
		if got := Pounds(totals[i].TotalPence()); got != w {
			t.Errorf("%s total %s, want %s", totals[i].Name, got, w)
		}
	}
	if sum := SumPence(totals); sum != 127550 || Pounds(sum) != "£1,275.50" {
		t.Errorf("grand total %d (%s), want 127550 (£1,275.50)", sum, Pounds(sum))
	}

	items, err := svc.ChargeItems(t.Context(), f.period, 0)
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		org, person, course, date string
		reason                    ChargeReason
		pence                     int64
	}
	var got []line
	for _, i := range items {
		got = append(got, line{i.OrgName[:4], i.PersonName, i.CourseTitle, i.StartsLondon().Format("2006-01-02"), i.Reason, i.Pence})
	}
	wantLines := []line{
		{"Avon", "Anna Abbott", "Child exploitation", "2026-10-14", ReasonDNA, 2500},
		{"Avon", "Aoife Allen", "Domestic abuse", "2026-11-04", ReasonDNA, 60000},
		{"Brit", "Ben Brown", "Child exploitation", "2026-10-14", ReasonLate, 1275},
		{"Brit", "Beth Bird", "Domestic abuse", "2026-11-04", ReasonDNA, 60000},
		{"Brit", "Ben Brown", "Child exploitation", "2026-11-18", ReasonLate, 1275},
		{"Roya", "Cara Cole", "Child exploitation", "2026-10-14", ReasonDNA, 2500},
	}
	if !reflect.DeepEqual(got, wantLines) {
		t.Fatalf("charge items:\n got %+v\nwant %+v", got, wantLines)
	}
	var sum int64
	for _, i := range items {
		sum += i.Pence
	}
	if sum != 127550 {
		t.Errorf("items add up to %d, want 127550 (the totals)", sum)
	}

	onlyB, err := svc.ChargeItems(t.Context(), f.period, f.orgs["B"])
	if err != nil {
		t.Fatal(err)
	}
	if len(onlyB) != 3 || onlyB[0].OrgID != f.orgs["B"] || onlyB[2].OrgID != f.orgs["B"] {
		t.Errorf("organisation B's items: %+v", onlyB)
	}

	rows := ChargeRows(items)
	if strings.Join(rows[0], "|") != "Organisation|Organisation type|Person|Email|Course|Session date|Reason|Amount (£)" {
		t.Errorf("header %q", rows[0])
	}
	if strings.Join(rows[2], "|") != "Avon and Somerset Police|Police|Aoife Allen|a5@example.org|Domestic abuse|2026-11-04|Did not attend|600.00" {
		t.Errorf("row %q", rows[2])
	}
	if strings.Join(rows[3], "|") != "British Transport Police|Police|Ben Brown|b2@example.org|Child exploitation|2026-10-14|Late cancellation|12.75" {
		t.Errorf("row %q", rows[3])
	}
}

// A period that has not started yet, or wholly in the future, has nothing in it; a
// period running past now counts only what has happened.
func TestPeriodEdges(t *testing.T) {
	f := newFixture(t)
	svc := f.service()
	future, _ := ParsePeriod("2026-11-26", "2026-12-01", f.now)
	a, err := svc.Attendance(t.Context(), future)
	if err != nil {
		t.Fatal(err)
	}
	if a.SessionsHeld != 0 || a.Totals != (Counts{}) || len(a.Courses) != 0 {
		t.Errorf("future period: %d sessions, %+v", a.SessionsHeld, a.Totals)
	}
	// Only S6 (30 September, 18:00 London = 17:00 UTC): one absent, one attended.
	sept, _ := ParsePeriod("2026-09-30", "2026-10-01", f.now)
	a, err = svc.Attendance(t.Context(), sept)
	if err != nil {
		t.Fatal(err)
	}
	if a.SessionsHeld != 1 || a.Totals.Attended != 1 || a.Totals.DNA != 1 || a.Totals.PlacesBooked != 2 {
		t.Errorf("30 September: %d sessions, %+v", a.SessionsHeld, a.Totals)
	}
	totals, err := svc.ChargeTotals(t.Context(), sept)
	if err != nil {
		t.Fatal(err)
	}
	if len(totals) != 1 || totals[0].TotalPence() != 2500 {
		t.Errorf("30 September charges %+v", totals)
	}
}

func TestCSVRows(t *testing.T) {
	f := newFixture(t)
	a, err := f.service().Attendance(t.Context(), f.period)
	if err != nil {
		t.Fatal(err)
	}
	orgs := OrganisationRows(a)
	if len(orgs) != 4 || strings.Join(orgs[2], "|") != "British Transport Police|Police|5|1|1|1|0|2|1|33.3|2" {
		t.Errorf("organisation rows %q", orgs)
	}
	types := TypeRows(a)
	if len(types) != 1+len(account.OrgTypes)+1 {
		t.Fatalf("%d type rows", len(types))
	}
	if strings.Join(types[1], "|") != "Police|2|12|4|1|3|2|2|1|37.5|4" ||
		strings.Join(types[3], "|") != "Education|0|0|0|0|0|0|0|0||0" ||
		strings.Join(types[len(types)-1], "|") != "All organisations|3|16|5|1|4|3|3|2|40.0|6" {
		t.Errorf("type rows %q", types)
	}
	courses := CourseRows(a)
	if strings.Join(courses[1], "|") != "Child exploitation|2|16|8|50.0|10|2|1|2|3|2|1|40.0|3|3|4.3|4.7" {
		t.Errorf("course row %q", courses[1])
	}
	sessions := SessionRows(a)
	if strings.Join(sessions[2], "|") != id(f.sess["S2"])+"|Domestic abuse|2026-11-04|09:30|8|5|62.5|6|3|0|2|0|1|1|40.0" {
		t.Errorf("session row %q", sessions[2])
	}
}

func id(n int64) string { return itoa(int(n)) }

func TestParsePeriod(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	def := DefaultPeriod(now)
	if def.FromParam() != "2025-11-26" || def.ToParam() != "2026-11-26" || def.Describe() != "26 November 2025 to 25 November 2026" {
		t.Errorf("default period %s to %s (%s)", def.FromParam(), def.ToParam(), def.Describe())
	}
	// Just after midnight in London during summer time is still "today" in London.
	summer := DefaultPeriod(time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC)) // 00:30 BST on 1 July
	if summer.ToParam() != "2026-07-02" {
		t.Errorf("summer default to %s, want 2026-07-02", summer.ToParam())
	}
	for _, c := range []struct {
		from, to       string
		wantFrom, want string
		field          string
	}{
		{"", "", "2025-11-26", "2026-11-26", ""},
		{"2026-04-01", "2027-04-01", "2026-04-01", "2027-04-01", ""},
		{"01/04/2026", "", "2026-04-01", "2026-11-26", ""},
		{"", "2026-04-01", "2025-04-01", "2026-04-01", ""},
		{"2026-02-30", "", "", "", "from"},
		{"yesterday", "", "", "", "from"},
		{"", "2026-13-01", "", "", "to"},
		{"2026-05-01", "2026-05-01", "", "", "to"},
		{"2026-05-02", "2026-05-01", "", "", "to"},
		{"2001-01-01", "2026-01-01", "", "", "from"},
		{"1999-12-31", "", "", "", "from"},
		{"<script>", "", "", "", "from"},
	} {
		p, err := ParsePeriod(c.from, c.to, now)
		if c.field != "" {
			if err == nil || !strings.Contains(err.Error(), "validation_failed") {
				t.Errorf("%q-%q: err %v, want a validation error", c.from, c.to, err)
				continue
			}
			if !hasField(err, c.field) {
				t.Errorf("%q-%q: %v does not name %s", c.from, c.to, err, c.field)
			}
			continue
		}
		if err != nil || p.FromParam() != c.wantFrom || p.ToParam() != c.want {
			t.Errorf("%q-%q: %s-%s %v, want %s-%s", c.from, c.to, p.FromParam(), p.ToParam(), err, c.wantFrom, c.want)
		}
	}
	// London dates: 1 October starts at 23:00 UTC on 30 September (summer time).
	p, _ := ParsePeriod("2026-10-01", "2026-11-01", now)
	from, to := bounds(p, now)
	if from != "2026-09-30T23:00:00Z" || to != "2026-11-01T00:00:00Z" {
		t.Errorf("bounds %s %s", from, to)
	}
	// A period running past now stops at now.
	p, _ = ParsePeriod("2026-11-01", "2026-12-01", now)
	if _, to := bounds(p, now); to != "2026-11-25T10:00:00Z" {
		t.Errorf("bound to %s, want now", to)
	}
}
