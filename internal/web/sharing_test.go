package web_test

import (
	"context"
	"html"
	"regexp"
	"testing"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/feed"
)

var snippetRE = regexp.MustCompile(`(?s)<textarea[^>]*id="snippet-([a-z0-9-]+)"[^>]*>(.*?)</textarea>`)

// snippets reads the snippets on a page, by the key in their field's id.
func snippets(body string) map[string]string {
	out := map[string]string{}
	for _, m := range snippetRE.FindAllStringSubmatch(body, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

func TestAdminsAndPartnersAreShownTheSnippetToPaste(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	unseen := f.Org(t, "Unseen", account.TrainingPartner)
	waiting := f.Org(t, "Waiting Trust", account.TrainingPartner)
	live, err := f.Courses.CreatePartnerCourse(ctx, unseen.ID, course.CourseInput{Title: "Modern slavery", DurationMinutes: 60}, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Courses.CreatePartnerCourse(ctx, waiting.ID, course.CourseInput{Title: "Not approved yet", DurationMinutes: 60}, false); err != nil {
		t.Fatal(err)
	}
	f.User(t, "una@unseen.example.org", unseen.ID, account.Partner)
	f.User(t, "walt@waiting.example.org", waiting.ID, account.Partner)

	page := f.get(t, f.signedIn(t, "ada@example.org"), "/admin/sharing")
	if page.Status != 200 {
		t.Fatalf("sharing page: %d", page.Status)
	}
	got := snippets(page.Body)
	want := map[string]string{
		"all":                       feed.Snippet(f.URL+"/embed/sessions", "Upcoming training dates: Test Partnership training"),
		"provider-" + id(unseen.ID): feed.Snippet(f.URL+"/embed/providers/"+id(unseen.ID), "Upcoming training dates: Unseen"),
		"course-" + id(f.CourseID):  feed.Snippet(f.URL+"/embed/courses/"+id(f.CourseID), "Upcoming training dates: Safeguarding level 2"),
		"course-" + id(live):        feed.Snippet(f.URL+"/embed/courses/"+id(live), "Upcoming training dates: Modern slavery"),
	}
	if len(got) != len(want) {
		t.Errorf("snippets for %v, want exactly %v (nothing for a partner with no live course)", keysOf(got), keysOf(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("snippet %s: %q, want %q", k, got[k], w)
		}
	}
	mustContain(t, page.Body, `href="`+f.URL+`/feeds/providers/`+id(unseen.ID)+`/sessions.ics"`,
		`href="`+f.URL+`/feeds/courses/`+id(live)+`/sessions.json"`)
	mustNotContain(t, page.Body, "Not approved yet", "Waiting Trust")

	// Each snippet's frame shows its listing.
	if r := f.get(t, f.Browser(t), "/embed/providers/"+id(unseen.ID)); r.Status != 200 {
		t.Errorf("the Unseen snippet's listing: %d", r.Status)
	}

	mine := snippets(f.get(t, f.signedIn(t, "una@unseen.example.org"), "/partner").Body)
	if len(mine) != 1 || mine["provider-"+id(unseen.ID)] != want["provider-"+id(unseen.ID)] {
		t.Errorf("the partner's dashboard shows snippets %v, want only their own", mine)
	}
	other := f.get(t, f.signedIn(t, "walt@waiting.example.org"), "/partner")
	if len(snippets(other.Body)) != 0 {
		t.Error("a partner with no live course is offered a snippet")
	}
	mustContain(t, other.Body, "Once one of your courses is approved and live")
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
