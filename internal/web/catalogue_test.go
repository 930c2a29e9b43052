package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/course"
)

// catalogueFixture adds to the fixture (Safeguarding level 2, Wednesday 2 December in
// Bath, 10 places): a second date in Keynsham with 3 places, an online course three days
// ahead, and a course three weeks ahead. Pat holds one place in Bath.
type catalogueFixture struct {
	*fixture
	Keynsham, Online, Later int64
	NeglectID, AdolescentID int64
}

func newCatalogueFixture(t *testing.T) *catalogueFixture {
	t.Helper()
	f := &catalogueFixture{fixture: newFixture(t)}
	ctx := context.Background()
	now := f.Clock.Now()
	create := func(in course.SessionInput) int64 {
		t.Helper()
		in.EndsAt = in.StartsAt.Add(2 * time.Hour)
		sid, err := f.Courses.CreateSession(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return sid
	}
	f.Keynsham = create(course.SessionInput{CourseID: f.CourseID, StartsAt: now.Add(9 * 24 * time.Hour), Capacity: 3,
		Venue: "Keynsham Civic Centre, Market Walk, Keynsham BS31 1FS"})
	f.NeglectID = f.Course(t, "Neglect", "Neglect")
	f.Online = create(course.SessionInput{CourseID: f.NeglectID, StartsAt: now.Add(3 * 24 * time.Hour), Capacity: 4,
		Online: true, OnlineURL: "https://meet.example.org/neglect"})
	f.AdolescentID = f.Course(t, "Adolescent risk", "Exploitation")
	f.Later = create(course.SessionInput{CourseID: f.AdolescentID, StartsAt: now.Add(21 * 24 * time.Hour), Capacity: 8,
		Venue: "Guildhall, High Street, Bath BA1 5AW"})
	f.book(t, f.SessionID, f.Pract.ID)
	return f
}

// cardOf is the catalogue card of one course.
func cardOf(t *testing.T, body, title string) string {
	t.Helper()
	for _, part := range strings.Split(body, `<li class="card">`)[1:] {
		card, _, _ := strings.Cut(part, "</li>")
		if strings.Contains(card, ">"+title+"</a>") {
			return card
		}
	}
	t.Fatalf("no card for %q:\n%.3000s", title, body)
	return ""
}

// cardOrder lists the course titles of the cards in page order.
func cardOrder(body string) []string {
	var out []string
	for _, part := range strings.Split(body, `<h3 class="card__title">`)[1:] {
		_, rest, _ := strings.Cut(part, `">`)
		title, _, _ := strings.Cut(rest, "</a>")
		out = append(out, title)
	}
	return out
}

func TestCatalogueCardsShowTheNextDatesPlaces(t *testing.T) {
	f := newCatalogueFixture(t)
	r := f.get(t, f.Browser(t), "/courses")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /courses: %d", r.Status)
	}
	card := cardOf(t, r.Body, "Safeguarding level 2")
	// 9 left on the next date; 12 would be the sum over both dates.
	mustContain(t, card, "Next date: Wednesday 2 December 2026, 10:00am, ", "9 places left", "2 dates · Bath, Keynsham")
	mustNotContain(t, card, "12 places left", "You're booked", "Required for you")
	mustContain(t, cardOf(t, r.Body, "Neglect"), "Next date: Saturday 28 November 2026, 10:00am, ", "4 places left", "1 date · Online")
	// Clear filters is a real tap target.
	mustContain(t, r.Body, `<a class="button button--secondary" href="/courses">Clear filters</a>`,
		`<option value="Bath">Bath</option>`, `<option value="Keynsham">Keynsham</option>`, `<option value="Online">Online</option>`)
	if i, j := strings.Index(r.Body, `<option value="Keynsham">`), strings.Index(r.Body, `<option value="Online">`); i > j {
		t.Errorf("Online should be the last area")
	}
}

func TestCatalogueTagsWhatIsBookedAndRequired(t *testing.T) {
	f := newCatalogueFixture(t)
	// The police must do Neglect; Pat works for the police.
	rules := compliance.NewService(f.DB, f.Clock.Now)
	if _, err := rules.CreateRule(context.Background(), compliance.RuleInput{CourseID: f.NeglectID, OrgType: f.Police.Type}); err != nil {
		t.Fatal(err)
	}
	pat := f.signedIn(t, "pat@example.org")
	r := f.get(t, pat, "/courses")
	booked := cardOf(t, r.Body, "Safeguarding level 2")
	mustContain(t, booked, "You're booked")
	mustNotContain(t, booked, "Required for you")
	required := cardOf(t, r.Body, "Neglect")
	mustContain(t, required, "Required for you")
	mustNotContain(t, required, "You're booked")
	mustNotContain(t, cardOf(t, r.Body, "Adolescent risk"), "Required for you", "You're booked")

	// Someone in another kind of organisation has nothing booked or required.
	school := f.Org(t, "Bath Academy", "education")
	f.User(t, "sue@example.org", school.ID)
	r = f.get(t, f.signedIn(t, "sue@example.org"), "/courses")
	mustNotContain(t, r.Body, "Required for you", "You're booked")
}

func TestCatalogueAreaFilterAndSort(t *testing.T) {
	f := newCatalogueFixture(t)
	c := f.Browser(t)
	r := f.get(t, c, "/courses?area=Keynsham")
	if got := cardOrder(r.Body); len(got) != 1 || got[0] != "Safeguarding level 2" {
		t.Fatalf("Keynsham: %q", got)
	}
	// Within the area, the next date is the Keynsham one, with its own places.
	mustContain(t, r.Body, "Next date: Friday 4 December 2026, 10:00am, ", "3 places left", `<option value="Keynsham" selected>`)
	if got := cardOrder(f.get(t, c, "/courses?area=online").Body); len(got) != 1 || got[0] != "Neglect" {
		t.Errorf("online: %q", got)
	}
	if got := cardOrder(f.get(t, c, "/courses?area=bath&mode=in_person").Body); strings.Join(got, "|") != "Safeguarding level 2|Adolescent risk" {
		t.Errorf("Bath in person: %q", got)
	}
	r = f.get(t, c, "/courses?area=Nowhere")
	if r.Status != http.StatusOK {
		t.Errorf("unknown area: %d", r.Status)
	}
	mustContain(t, r.Body, "No courses match", `<option value="Nowhere" selected>`)

	if got := strings.Join(cardOrder(f.get(t, c, "/courses").Body), "|"); got != "Neglect|Safeguarding level 2|Adolescent risk" {
		t.Errorf("by date: %s", got)
	}
	if got := strings.Join(cardOrder(f.get(t, c, "/courses?sort=date").Body), "|"); got != "Neglect|Safeguarding level 2|Adolescent risk" {
		t.Errorf("sort=date: %s", got)
	}
	byTitle := f.get(t, c, "/courses?sort=title")
	if got := strings.Join(cardOrder(byTitle.Body), "|"); got != "Adolescent risk|Neglect|Safeguarding level 2" {
		t.Errorf("by title: %s", got)
	}
	mustContain(t, byTitle.Body, `value="title" checked`)
	bad := f.get(t, c, "/courses?sort=price")
	if bad.Status != http.StatusUnprocessableEntity {
		t.Errorf("sort=price: %d", bad.Status)
	}
	mustContain(t, bad.Body, "Choose to sort by date or by title")
}

func TestWhatsOnMonth(t *testing.T) {
	f := newCatalogueFixture(t)
	c := f.Browser(t)
	r := f.get(t, c, "/courses/whats-on?month=2026-12")
	if r.Status != http.StatusOK {
		t.Fatalf("December: %d %.500s", r.Status, r.Body)
	}
	mustContain(t, r.Body, "<h1>What's on in December 2026</h1>", "Wednesday 2 December", "Friday 4 December", "Wednesday 16 December",
		`href="/courses/whats-on?month=2026-11"`, `href="/courses/whats-on?month=2027-01"`, "9 places left", "3 places left")
	mustNotContain(t, r.Body, "Neglect")
	if i, j := strings.Index(r.Body, "Wednesday 2 December"), strings.Index(r.Body, "Friday 4 December"); i > j {
		t.Errorf("days out of order")
	}
	// This month: no way back into the past; the online session shows as online.
	r = f.get(t, c, "/courses/whats-on")
	mustContain(t, r.Body, "<h1>What's on in November 2026</h1>", "Saturday 28 November", "Neglect", "Online")
	mustNotContain(t, r.Body, "month=2026-10")
	r = f.get(t, c, "/courses/whats-on?month=2027-02")
	mustContain(t, r.Body, "There are no sessions still to come in February 2027")

	for _, bad := range []string{"2026-13", "December", "2026-12-01", "1066-10"} {
		r := f.get(t, c, "/courses/whats-on?month="+bad)
		if r.Status != http.StatusBadRequest {
			t.Errorf("month=%s: %d, want 400", bad, r.Status)
		}
		mustContain(t, r.Body, "There is a problem", "That is not a month we can show")
	}
}
