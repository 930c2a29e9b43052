package web_test

import (
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestFormErrorsAllAtOnceInPageOrder: a course form with several mistakes reports every
// one in one answer; the summary lists them in the order of the fields on the page, takes
// focus, and links to each field, which says it is invalid and is described by its hint
// and its error.
func TestFormErrorsAllAtOnceInPageOrder(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, "ada@example.org")
	r := f.post(t, admin, "/admin/courses/new", courseForm(map[string]string{
		"title": "", "audience": "Everyone\nand their colleagues", "duration_minutes": "three hours", "validity_months": "often",
	}))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.Status)
	}
	summary := r.Body[strings.Index(r.Body, `class="error-summary"`):strings.Index(r.Body, "</ul>")]
	if !strings.Contains(r.Body, `class="error-summary" role="alert" tabindex="-1" autofocus`) {
		t.Error("the error summary does not take focus")
	}
	var linked []string
	for _, m := range regexp.MustCompile(`<a href="#([a-z_]+)">`).FindAllStringSubmatch(summary, -1) {
		linked = append(linked, m[1])
	}
	want := []string{"title", "audience", "duration_minutes", "validity_months"}
	if !reflect.DeepEqual(linked, want) {
		t.Errorf("summary links %v, want every field in page order %v", linked, want)
	}
	mustContain(t, r.Body,
		`id="title" name="title" type="text" value="" aria-describedby="title-error" aria-invalid="true"`,
		`aria-describedby="validity_months-hint validity_months-error" aria-invalid="true"`,
		`<p class="field-error" id="validity_months-error">`)
	mustNotContain(t, r.Body, `id="summary" name="summary" type="text" value="Why children go missing" aria-describedby="summary-hint" aria-invalid`)
}

// TestSessionFormErrorsAllAtOnce: a session form with a bad date also reports the missing
// venue and the impossible number of places, not one mistake per submit, and nothing
// about times that could not be read.
func TestSessionFormErrorsAllAtOnce(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, "ada@example.org")
	r := f.post(t, admin, "/admin/courses/"+id(f.CourseID)+"/sessions/new", sessionForm(map[string]string{
		"date": "31/02/2027", "venue": "", "capacity": "0",
	}))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.Status)
	}
	mustContain(t, r.Body, `<a href="#date">Enter a real date`, `<a href="#capacity">Enter the number of places, from 1 to 1000`,
		`<a href="#venue">Enter the venue, or choose online`)
	mustNotContain(t, r.Body, `<a href="#end_time">`)
	if a, b, c := strings.Index(r.Body, `href="#date"`), strings.Index(r.Body, `href="#capacity"`), strings.Index(r.Body, `href="#venue"`); !(a < b && b < c) {
		t.Errorf("summary not in page order: date %d, capacity %d, venue %d", a, b, c)
	}
}
