package web_test

import (
	"context"
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
	if r.Status != http.StatusOK {
		t.Fatalf("register: %d, want 200 (check your email)", r.Status)
	}
	mustContain(t, r.Body, "Check your email")
	// The "check your email" page's sign-in link still leads back to the session.
	signIn = hrefOf(t, r.Body, "Sign in</a></p>")
	if u, _ := url.Parse(signIn); u.Query().Get("next") != bookPath {
		t.Fatalf("sign-in link %q does not carry next=%s", signIn, bookPath)
	}
	f.post(t, f.Browser(t), "/register/confirm/"+f.confirmToken(t, "sam@example.org"), nil)
	u, _ := f.Accounts.UserByEmail(context.Background(), "sam@example.org")
	if err := f.Accounts.DecideJoinRequest(context.Background(), f.joinRequestID(t, "sam@example.org"), 0, f.Admin.ID, true); err != nil || u == nil {
		t.Fatal(err)
	}
	r = f.post(t, c, "/login", url.Values{"email": {"sam@example.org"}, "password": {"plum tree lane"}, "next": {bookPath}})
	if r.Status != http.StatusSeeOther || r.Location != bookPath {
		t.Fatalf("sign in: %d %q, want 303 to %s", r.Status, r.Location, bookPath)
	}
	page := f.follow(t, c, r)
	mustContain(t, page.Body, "Book a place on Safeguarding level 2", "Confirm booking")

	// Somewhere off the site is never a destination.
	form = register("Eve Other", "eve@example.org", id(f.Police.ID), "plum tree lane", "plum tree lane")
	form.Set("next", "//evil.example/")
	r = f.post(t, f.Browser(t), "/register", form)
	mustNotContain(t, r.Body, "evil.example")
}
