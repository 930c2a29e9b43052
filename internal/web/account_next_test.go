package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

// hrefOf finds the link whose text starts with text, as a browser would follow it.
func hrefOf(t *testing.T, body, text string) string {
	t.Helper()
	m := regexp.MustCompile(`<a[^>]* href="([^"]*)"[^>]*>` + regexp.QuoteMeta(text)).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link %q on the page:\n%.3000s", text, body)
	}
	return html.UnescapeString(m[1])
}

// "Sign in to book", then "Create an account": the new account lands on the session's
// booking page, not on an empty My training.
func TestCreatingAnAccountFromACourseReturnsToTheSession(t *testing.T) {
	f := newFixture(t)
	c := f.Browser(t)
	bookPath := "/sessions/" + id(f.SessionID) + "/book"

	course := f.get(t, c, "/courses/"+id(f.CourseID))
	signIn := hrefOf(t, course.Body, "Sign in to book")
	login := f.get(t, c, signIn)
	if login.Status != http.StatusOK {
		t.Fatalf("GET %s: %d", signIn, login.Status)
	}
	create := hrefOf(t, login.Body, "Create an account")
	if u, _ := url.Parse(create); u.Path != "/register" || u.Query().Get("next") != bookPath {
		t.Fatalf("Create an account link %q does not carry next=%s", create, bookPath)
	}
	reg := f.get(t, c, create)
	mustContain(t, reg.Body, `<input type="hidden" name="next" value="`+bookPath+`">`)
	if u, _ := url.Parse(hrefOf(t, reg.Body, "Sign in</a>.")); u.Query().Get("next") != bookPath {
		t.Errorf("the register page's sign-in link loses next: %q", u)
	}

	// An error keeps next in the form.
	form := register("Sam Jones", "sam@example.org", id(f.Police.ID), "plum tree lane", "plum tree lain")
	form.Set("next", bookPath)
	r := f.post(t, c, "/register", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("mismatched passwords: %d", r.Status)
	}
	mustContain(t, r.Body, `<input type="hidden" name="next" value="`+bookPath+`">`)

	form.Set("password_confirm", "plum tree lane")
	r = f.post(t, c, "/register", form)
	if r.Status != http.StatusSeeOther || r.Location != bookPath {
		t.Fatalf("register: %d %q, want 303 to %s", r.Status, r.Location, bookPath)
	}
	page := f.follow(t, c, r)
	mustContain(t, page.Body, "Your account has been created", "Book a place on Safeguarding level 2", "Confirm booking")

	// Somewhere off the site is never a destination.
	form = register("Eve Other", "eve@example.org", id(f.Police.ID), "plum tree lane", "plum tree lane")
	form.Set("next", "//evil.example/")
	if r := f.post(t, f.Browser(t), "/register", form); r.Location != "/" {
		t.Errorf("next=//evil.example/: landed on %q", r.Location)
	}
}
