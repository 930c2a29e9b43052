package course_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/testkit"
)

// catalogue is a small programme: published courses with sessions in person and online,
// one full, one draft, one with only cancelled or past dates, and one with no dates.
type catalogue struct {
	env *testkit.Env
	ids map[string]int64
}

func (c *catalogue) course(t *testing.T, title, summary string, status course.Status, topics ...string) int64 {
	t.Helper()
	id, err := c.env.Courses.CreateCourse(context.Background(), course.CourseInput{Title: title, Summary: summary,
		DurationMinutes: 120, Status: status, Topics: topics})
	if err != nil {
		t.Fatal(err)
	}
	c.ids[title] = id
	return id
}

func (c *catalogue) session(t *testing.T, courseID int64, start time.Time, online bool, capacity int) int64 {
	t.Helper()
	in := course.SessionInput{CourseID: courseID, StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: capacity}
	if online {
		in.Online, in.OnlineURL = true, "https://meet.example.org/"+fmt.Sprint(courseID)
	} else {
		in.Venue = "Guildhall, Bath"
	}
	id, err := c.env.Courses.CreateSession(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func london(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, clock.London)
}

// Now is Wednesday 25 November 2026, 10:00 (GMT).
func newCatalogue(t *testing.T) *catalogue {
	t.Helper()
	env := testkit.New(t)
	c := &catalogue{env: env, ids: map[string]int64{}}
	ctx := context.Background()

	cse := c.course(t, "CSE awareness", "Child sexual exploitation: spotting the signs", course.Published, "Exploitation", "CSE")
	c.session(t, cse, london(2026, 12, 3, 9, 30), false, 20)
	c.session(t, cse, london(2027, 1, 14, 13, 0), true, 20)

	slavery := c.course(t, "Modern slavery and human trafficking", "Delivered by a charity partner", course.Published, "Exploitation")
	c.session(t, slavery, london(2027, 1, 20, 10, 0), true, 30)

	// April 1st, 00:30 in London is 23:30 UTC on 31 March (clocks went forward on 28 March).
	april := c.course(t, "100% attendance_matters", "Children missing education", course.Published, "Education")
	c.session(t, april, london(2027, 4, 1, 0, 30), false, 10)
	march := c.course(t, "Children missing from home", "Return home interviews", course.Published, "Missing")
	c.session(t, march, london(2027, 3, 31, 23, 30), false, 10)

	full := c.course(t, "Early help assessment", "Early help for families", course.Published, "Early help")
	fullSession := c.session(t, full, london(2026, 12, 10, 10, 0), false, 2)
	org := env.Org(t, "School", account.Education)
	bk := booking.NewService(env.DB, env.Clock.Now)
	for i := range 3 {
		u := env.User(t, fmt.Sprintf("p%d@example.org", i), org.ID)
		if _, err := bk.Book(ctx, booking.Request{SessionID: fullSession, UserID: u.ID}); err != nil {
			t.Fatal(err)
		}
	}

	draft := c.course(t, "Draft safeguarding update", "Not ready", course.Draft, "Exploitation")
	c.session(t, draft, london(2026, 12, 5, 10, 0), false, 10)
	archived := c.course(t, "Archived course", "Old", course.Archived, "Archive topic")
	c.session(t, archived, london(2026, 12, 6, 10, 0), false, 10)

	c.course(t, "Whistleblowing", "Raising concerns at work", course.Published, "Whistleblowing")

	// Only dates that do not count: one cancelled, one that will be over.
	gone := c.course(t, "Domestic abuse", "Impact on children", course.Published, "Domestic abuse")
	cancelled := c.session(t, gone, london(2026, 12, 20, 10, 0), false, 10)
	if err := env.Courses.CancelSession(ctx, cancelled, "", 0); err != nil {
		t.Fatal(err)
	}
	c.session(t, gone, env.Clock.Now().Add(time.Hour), false, 10)
	env.Clock.Advance(2 * time.Hour) // that session has now started
	return c
}

func (c *catalogue) search(t *testing.T, q course.Search) []course.Listing {
	t.Helper()
	l, err := c.env.Courses.Catalogue(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func titles(l []course.Listing) []string {
	var out []string
	for _, x := range l {
		out = append(out, x.Title)
	}
	return out
}

func TestCatalogueSearch(t *testing.T) {
	c := newCatalogue(t)
	tests := []struct {
		name string
		q    course.Search
		want []string
	}{
		{"everything, soonest first, undated last", course.Search{}, []string{
			"CSE awareness", "Early help assessment", "Modern slavery and human trafficking", "Children missing from home",
			"100% attendance_matters", "Domestic abuse", "Whistleblowing"}},
		{"a word in the title", course.Search{Words: "slavery"}, []string{"Modern slavery and human trafficking"}},
		{"case-insensitive", course.Search{Words: "SLAVERY"}, []string{"Modern slavery and human trafficking"}},
		{"mixed case in the data", course.Search{Words: "cse"}, []string{"CSE awareness"}},
		{"a word in the summary", course.Search{Words: "charity"}, []string{"Modern slavery and human trafficking"}},
		{"a word in a topic", course.Search{Words: "exploitation"}, []string{"CSE awareness", "Modern slavery and human trafficking"}},
		{"every word must match", course.Search{Words: "  exploitation   signs "}, []string{"CSE awareness"}},
		{"words in any order", course.Search{Words: "trafficking modern"}, []string{"Modern slavery and human trafficking"}},
		{"no match", course.Search{Words: "zebra"}, nil},
		{"percent is literal", course.Search{Words: "100%"}, []string{"100% attendance_matters"}},
		{"lone percent matches only a percent", course.Search{Words: "%"}, []string{"100% attendance_matters"}},
		{"underscore is literal", course.Search{Words: "_"}, []string{"100% attendance_matters"}},
		{"underscore is not a wildcard", course.Search{Words: "e_r"}, nil},
		{"backslash is literal", course.Search{Words: `\`}, nil},
		{"quote is harmless", course.Search{Words: `o'brien "x"`}, nil},
		{"drafts never listed", course.Search{Words: "draft"}, nil},
		{"archived never listed", course.Search{Words: "archived"}, nil},
		{"topic", course.Search{Topic: "Exploitation"}, []string{"CSE awareness", "Modern slavery and human trafficking"}},
		{"topic of a draft only", course.Search{Topic: "Archive topic"}, nil},
		{"topic and words", course.Search{Topic: "Exploitation", Words: "charity"}, []string{"Modern slavery and human trafficking"}},
		{"online", course.Search{Mode: course.ModeOnline}, []string{"CSE awareness", "Modern slavery and human trafficking"}},
		{"in person", course.Search{Mode: course.ModeInPerson}, []string{
			"CSE awareness", "Early help assessment", "Children missing from home", "100% attendance_matters"}},
		{"has places", course.Search{HasPlaces: true}, []string{
			"CSE awareness", "Modern slavery and human trafficking", "Children missing from home", "100% attendance_matters"}},
		{"December", course.Search{Month: london(2026, 12, 1, 0, 0)}, []string{"CSE awareness", "Early help assessment"}},
		{"January, asked with a mid-month instant", course.Search{Month: time.Date(2027, 1, 17, 12, 0, 0, 0, time.UTC)},
			[]string{"CSE awareness", "Modern slavery and human trafficking"}},
		{"March in London", course.Search{Month: london(2027, 3, 15, 12, 0)}, []string{"Children missing from home"}},
		{"April in London", course.Search{Month: london(2027, 4, 15, 12, 0)}, []string{"100% attendance_matters"}},
		{"April asked as 23:30 UTC on 31 March", course.Search{Month: time.Date(2027, 3, 31, 23, 30, 0, 0, time.UTC)},
			[]string{"100% attendance_matters"}},
		{"a month with nothing", course.Search{Month: london(2027, 2, 1, 0, 0)}, nil},
		{"online in December", course.Search{Month: london(2026, 12, 1, 0, 0), Mode: course.ModeOnline}, nil},
		{"has places in December", course.Search{Month: london(2026, 12, 1, 0, 0), HasPlaces: true}, []string{"CSE awareness"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := titles(c.search(t, tc.q)); !slices.Equal(got, tc.want) {
				t.Errorf("Catalogue(%+v) = %q\nwant %q", tc.q, got, tc.want)
			}
		})
	}
}

func TestCatalogueCountsOnlyMatchingBookableSessions(t *testing.T) {
	c := newCatalogue(t)
	byTitle := func(l []course.Listing) map[string]course.Listing {
		m := map[string]course.Listing{}
		for _, x := range l {
			m[x.Title] = x
		}
		return m
	}
	all := byTitle(c.search(t, course.Search{}))
	tests := []struct {
		title    string
		sessions int
		places   int
		next     time.Time
	}{
		// Places left are the next date's (20), not a sum over both dates (40).
		{"CSE awareness", 2, 20, london(2026, 12, 3, 9, 30)},
		{"Early help assessment", 1, 0, london(2026, 12, 10, 10, 0)},
		{"100% attendance_matters", 1, 10, london(2027, 4, 1, 0, 30)},
		// Cancelled and started sessions are not counted.
		{"Domestic abuse", 0, 0, time.Time{}},
		{"Whistleblowing", 0, 0, time.Time{}},
	}
	for _, tc := range tests {
		l, ok := all[tc.title]
		if !ok {
			t.Errorf("%s not listed", tc.title)
			continue
		}
		if l.Sessions != tc.sessions || l.PlacesLeft != tc.places || !l.NextStartsAt.Equal(tc.next) {
			t.Errorf("%s: %d sessions, %d places, next %v; want %d, %d, %v", tc.title, l.Sessions, l.PlacesLeft, l.NextStartsAt,
				tc.sessions, tc.places, tc.next)
		}
	}
	if got := all["100% attendance_matters"].NextStartsLondon(); got.Day() != 1 || got.Month() != time.April || got.Hour() != 0 {
		t.Errorf("NextStartsLondon = %v", got)
	}
	if got := all["100% attendance_matters"].NextStartsAt.UTC(); got.Day() != 31 || got.Hour() != 23 {
		t.Errorf("stored start = %v, want 23:30 UTC on 31 March", got)
	}
	if topics := all["CSE awareness"].Topics; !slices.Equal(topics, []string{"CSE", "Exploitation"}) {
		t.Errorf("topics = %v", topics)
	}

	// Narrowed to online, only the online session counts.
	online := byTitle(c.search(t, course.Search{Mode: course.ModeOnline}))
	if l := online["CSE awareness"]; l.Sessions != 1 || !l.NextStartsAt.Equal(london(2027, 1, 14, 13, 0)) {
		t.Errorf("online CSE: %d sessions next %v", l.Sessions, l.NextStartsAt)
	}
}

// Sessions whose booking has closed drop out of the catalogue; so does a course once its
// last date passes, and the list follows changes such as a new booking at once.
func TestCatalogueFollowsTimeAndChanges(t *testing.T) {
	c := newCatalogue(t)
	ctx := context.Background()
	// Just past the first CSE date.
	c.env.Clock.Set(london(2026, 12, 3, 9, 30))
	l := c.search(t, course.Search{Words: "CSE"})
	if len(l) != 1 || l[0].Sessions != 1 || !l[0].NextStartsAt.Equal(london(2027, 1, 14, 13, 0)) {
		t.Fatalf("after the first date: %+v", l)
	}
	// Fill the remaining online session except one place, then take it.
	sessions, err := c.env.Courses.Sessions(ctx, course.SessionFilter{CourseID: c.ids["CSE awareness"],
		OnlyScheduled: true, From: c.env.Clock.Now().Add(time.Second)})
	if err != nil || len(sessions) != 1 {
		t.Fatalf("sessions = %v, %v", sessions, err)
	}
	in := course.SessionInput{StartsAt: sessions[0].StartsAt, EndsAt: sessions[0].EndsAt, Online: true,
		OnlineURL: sessions[0].OnlineURL, Capacity: 1}
	if err := c.env.Courses.UpdateSession(ctx, sessions[0].ID, in, 0); err != nil {
		t.Fatal(err)
	}
	if got := titles(c.search(t, course.Search{Words: "CSE", HasPlaces: true})); len(got) != 1 {
		t.Errorf("with one place left: %v", got)
	}
	org := c.env.Org(t, "Late org", account.OtherOrg)
	u := c.env.User(t, "late@example.org", org.ID)
	bk := booking.NewService(c.env.DB, c.env.Clock.Now)
	if _, err := bk.Book(ctx, booking.Request{SessionID: sessions[0].ID, UserID: u.ID}); err != nil {
		t.Fatal(err)
	}
	if got := titles(c.search(t, course.Search{Words: "CSE", HasPlaces: true})); len(got) != 0 {
		t.Errorf("after the last place went: %v", got)
	}
	// A draft published becomes visible; archived disappears.
	if err := c.env.Courses.UpdateCourse(ctx, c.ids["Draft safeguarding update"], course.CourseInput{
		Title: "Draft safeguarding update", DurationMinutes: 60, Status: course.Published}); err != nil {
		t.Fatal(err)
	}
	if err := c.env.Courses.UpdateCourse(ctx, c.ids["Whistleblowing"], course.CourseInput{
		Title: "Whistleblowing", DurationMinutes: 60, Status: course.Archived}); err != nil {
		t.Fatal(err)
	}
	got := titles(c.search(t, course.Search{}))
	if !slices.Contains(got, "Draft safeguarding update") || slices.Contains(got, "Whistleblowing") {
		t.Errorf("after publishing and archiving: %v", got)
	}
	// Much later, nothing has dates left.
	c.env.Clock.Set(london(2028, 1, 1, 0, 0))
	for _, l := range c.search(t, course.Search{}) {
		if l.Sessions != 0 {
			t.Errorf("%s still has %d sessions in 2028", l.Title, l.Sessions)
		}
	}
	if got := c.search(t, course.Search{HasPlaces: true}); len(got) != 0 {
		t.Errorf("has places in 2028: %v", titles(got))
	}
}

func TestCatalogueManyWords(t *testing.T) {
	c := newCatalogue(t)
	// Long queries are cut short rather than refused or turned into huge SQL.
	q := strings.Repeat("cse ", 100)
	if got := titles(c.search(t, course.Search{Words: q})); !slices.Equal(got, []string{"CSE awareness"}) {
		t.Errorf("many words = %v", got)
	}
}

// Every word must match, including the fifth: a word that matches nothing finds nothing,
// wherever it comes in the query.
func TestCatalogueEveryWordCounts(t *testing.T) {
	c := newCatalogue(t)
	for _, q := range []string{
		"child sexual exploitation signs zzz",
		"zzz child sexual exploitation signs",
		"cse cse cse cse cse cse cse cse cse cse cse cse cse cse cse cse cse zzz",
	} {
		if got := titles(c.search(t, course.Search{Words: q})); len(got) != 0 {
			t.Errorf("search %q = %v, want nothing", q, got)
		}
	}
	if got := titles(c.search(t, course.Search{Words: "child sexual exploitation spotting signs"})); !slices.Equal(got, []string{"CSE awareness"}) {
		t.Errorf("five matching words = %v", got)
	}
}
