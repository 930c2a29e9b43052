package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/testkit"
)

// signInFromCourse follows a course page's sign-in link for a signed-out visitor, signs
// in on the page it opens, and returns where that lands.
func (f *fixture) signInFromCourse(t *testing.T, c *http.Client, courseID int64, linkText, email string) response {
	t.Helper()
	course := f.get(t, c, "/courses/"+id(courseID))
	href := hrefOf(t, course.Body, linkText)
	login := f.get(t, c, href)
	if login.Status != http.StatusOK {
		t.Fatalf("GET %s: %d", href, login.Status)
	}
	next, _ := url.Parse(href)
	mustContain(t, login.Body, `<input type="hidden" name="next" value="`+next.Query().Get("next")+`">`)
	r := f.post(t, c, "/login", url.Values{"email": {email}, "password": {testkit.Password}, "next": {next.Query().Get("next")}})
	if r.Status != http.StatusSeeOther || r.Location != next.Query().Get("next") {
		t.Fatalf("sign in from %q: %d %q, want 303 to %q", linkText, r.Status, r.Location, next.Query().Get("next"))
	}
	return f.follow(t, c, r)
}

// TestSignInFromTheCoursePageKeepsEachPath: a signed-out visitor's link on the course page
// says what it leads to (book, join the waiting list, ask for approval), goes through
// sign-in and back to that session, and the action completes from there.
func TestSignInFromTheCoursePageKeepsEachPath(t *testing.T) {
	f := newFixture(t)
	full := f.Session(t, f.CourseID, 9*24*time.Hour, 1)
	f.book(t, full, f.Admin.ID)
	f.User(t, "mo@example.org", f.Police.ID, account.Manager)
	asked := f.approvalCourse(t, "Exploitation", 3, 5)
	approvalCourse := f.session(t, asked).CourseID

	anon := f.get(t, f.Browser(t), "/courses/"+id(f.CourseID))
	mustContain(t, anon.Body, `href="/login?next=/sessions/`+id(f.SessionID)+`/book">Sign in to book`,
		`href="/login?next=/sessions/`+id(full)+`/book">Sign in to join the waiting list`)

	// The waiting list.
	pat := f.Browser(t)
	page := f.signInFromCourse(t, pat, f.CourseID, "Sign in to join the waiting list", "pat@example.org")
	mustContain(t, page.Body, "Join the waiting list for Safeguarding level 2", "Confirm and join the waiting list")
	r := f.post(t, pat, "/sessions/"+id(full)+"/book", url.Values{"token": {pageToken(t, page.Body)}})
	mustContain(t, f.follow(t, pat, r).Body, "You are on the waiting list", "You are number 1 on the waiting list")
	mustContain(t, f.get(t, pat, "/courses/"+id(f.CourseID)).Body, "Waiting list</strong> number 1")

	// Manager approval.
	anon = f.get(t, f.Browser(t), "/courses/"+id(approvalCourse))
	mustContain(t, anon.Body, "need your manager's approval", `href="/login?next=/sessions/`+id(asked)+`/book">Sign in to ask for a place`)
	mustNotContain(t, anon.Body, "Sign in to book")
	bea := f.Browser(t)
	f.User(t, "bea@example.org", f.Police.ID, account.Practitioner)
	page = f.signInFromCourse(t, bea, approvalCourse, "Sign in to ask for a place", "bea@example.org")
	mustContain(t, page.Body, "Ask for a place on Exploitation", ">Ask for approval<")
	r = f.post(t, bea, "/sessions/"+id(asked)+"/book", nil)
	if !strings.HasSuffix(r.Location, "/requested") {
		t.Fatalf("asking: %d %q", r.Status, r.Location)
	}
	mustContain(t, f.follow(t, bea, r).Body, "Request sent", "Your request has gone to Person mo@example.org")
	// Back on the course page, the held place is a request, not a booking.
	course := f.get(t, bea, "/courses/"+id(approvalCourse))
	mustContain(t, course.Body, "Awaiting approval", `href="`+r.Location+`"`)
	mustNotContain(t, course.Body, ">Booked<", ">Ask for a place<")
}
