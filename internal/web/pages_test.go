package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/httpx"
)

// pagePaths gives every HTML GET route a real address in the fixture. A new page route
// fails TestEveryPageRenders until it is added here.
func (f *fixture) pagePaths(t *testing.T, bookingID int64) map[string]string {
	paths := map[string]string{
		"/":                               "/",
		"/courses":                        "/courses?q=safeguarding&mode=in_person&places=yes",
		"/courses/:id":                    "/courses/" + id(f.CourseID),
		"/login":                          "/login",
		"/register":                       "/register",
		"/sessions/:id/book":              "/sessions/" + id(f.SessionID) + "/book",
		"/my/training":                    "/my/training",
		"/bookings/:id/cancel":            "/bookings/" + id(bookingID) + "/cancel",
		"/admin":                          "/admin",
		"/admin/organisations":            "/admin/organisations",
		"/admin/organisations/new":        "/admin/organisations/new",
		"/admin/organisations/:id/edit":   "/admin/organisations/" + id(f.Police.ID) + "/edit",
		"/admin/courses":                  "/admin/courses",
		"/admin/courses/new":              "/admin/courses/new",
		"/admin/courses/:id":              "/admin/courses/" + id(f.CourseID),
		"/admin/courses/:id/edit":         "/admin/courses/" + id(f.CourseID) + "/edit",
		"/admin/courses/:id/sessions/new": "/admin/courses/" + id(f.CourseID) + "/sessions/new",
		"/admin/sessions/:id":             "/admin/sessions/" + id(f.SessionID),
		"/admin/sessions/:id/edit":        "/admin/sessions/" + id(f.SessionID) + "/edit",
		"/admin/sessions/:id/cancel":      "/admin/sessions/" + id(f.SessionID) + "/cancel",
		"/admin/emails":                   "/admin/emails?status=not_sent",
		"/admin/emails/:id":               "/admin/emails/" + id(f.anyEmailID(t)),
		"/password/forgot":                "/password/forgot",
		"/password/reset/:token":          "/password/reset/" + f.requestReset(t, f.Pract),
	}
	for k, v := range f.recordPagePaths(t, bookingID) {
		paths[k] = v
	}
	for k, v := range f.registerPagePaths() {
		paths[k] = v
	}
	for k, v := range f.managerPagePaths() {
		paths[k] = v
	}
	for k, v := range f.partnerPagePaths(t) {
		paths[k] = v
	}
	for k, v := range f.reportPagePaths() {
		paths[k] = v
	}
	for k, v := range f.approvalPagePaths(t, bookingID) {
		paths[k] = v
	}
	for k, v := range f.peoplePagePaths(t) {
		paths[k] = v
	}
	for k, v := range f.bookingPagePaths(bookingID) {
		paths[k] = v
	}
	for k, v := range f.securityPagePaths(t) {
		paths[k] = v
	}
	for k, v := range f.signupPagePaths(t) {
		paths[k] = v
	}
	for k, v := range f.privacyPagePaths() {
		paths[k] = v
	}
	for k, v := range f.feedPagePaths() {
		paths[k] = v
	}
	for k, v := range f.meetingReportPaths(t) {
		paths[k] = v
	}
	for k, v := range f.checkInPagePaths() {
		paths[k] = v
	}
	return paths
}

// webRoutes lists the HTML routes (not the API, static files or health check) by method.
func webRoutes(policies map[string]httpx.Policy, method string) []string {
	var out []string
	for k := range policies {
		m, path, _ := strings.Cut(k, " ")
		if m != method || strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/static/") || path == "/healthz" || path == "/readyz" ||
			strings.HasPrefix(path, "/calendar/") { // the calendar feed is not a page: calendar_feed_test.go covers it
			continue
		}
		out = append(out, path)
	}
	sort.Strings(out)
	return out
}

var inlineRE = regexp.MustCompile(`(?i)<script|\sstyle=|\son[a-z]+=|javascript:`)

// dataBlockRE matches the schema.org data on course pages: a data block, which browsers
// never run, so it is not inline script and the CSP has nothing to block.
var dataBlockRE = regexp.MustCompile(`<script type="application/ld\+json">[^<]*</script>`)

func TestEveryPageRenders(t *testing.T) {
	f := newFixture(t)
	trainer := f.User(t, "tom@example.org", f.Police.ID, account.Trainer, account.Admin)
	_ = trainer
	admin := f.signedIn(t, "tom@example.org")
	// An admin who also books, so "my training" and the cancel page have content.
	_, r := f.bookThroughPage(t, admin, f.SessionID)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("book: %d", r.Status)
	}
	bookingID := f.bookingsOf(t, trainer.ID)[0].ID
	f.recordPageData(t)
	f.partnerPageData(t, trainer)
	f.approvalPageData(t, trainer)
	paths := f.pagePaths(t, bookingID)
	anonOnly := map[string]bool{"/login": true, "/register": true}
	for _, route := range webRoutes(f.App.Policies, http.MethodGet) {
		p, ok := paths[route]
		if !ok {
			t.Errorf("GET %s has no address in pagePaths: add one", route)
			continue
		}
		c := admin
		if anonOnly[route] {
			c = f.Browser(t)
		}
		if route == "/login/two-factor" {
			c = f.pendingSecondFactor(t)
		}
		r := f.get(t, c, p) // "/" is the signed-in person's home
		if r.Status != http.StatusOK {
			t.Errorf("GET %s: %d %.500s", p, r.Status, r.Body)
			continue
		}
		if !strings.HasPrefix(r.Body, "<!DOCTYPE html>") {
			continue // a download (CSV, PDF), checked by its own tests
		}
		if m := inlineRE.FindString(dataBlockRE.ReplaceAllString(r.Body, "")); m != "" {
			t.Errorf("GET %s has inline script or style (%q), which the CSP blocks", p, m)
		}
		if !strings.Contains(r.Body, "<h1") {
			t.Errorf("GET %s has no heading", p)
		}
	}
}

func TestFormFieldIDsMatchTheirNames(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, "ada@example.org")
	inputRE := regexp.MustCompile(`<(?:input|select|textarea)\b[^>]*>`)
	nameRE := regexp.MustCompile(`\bname="([^"]+)"`)
	idRE := regexp.MustCompile(`\bid="([^"]+)"`)
	typeRE := regexp.MustCompile(`\btype="([^"]+)"`)
	for _, p := range []string{"/admin/courses/new", "/admin/courses/" + id(f.CourseID) + "/sessions/new",
		"/admin/organisations/new", "/admin/sessions/" + id(f.SessionID), "/admin"} {
		body := f.get(t, admin, p).Body
		seen := map[string]bool{}
		for _, tag := range inputRE.FindAllString(body, -1) {
			name := nameRE.FindStringSubmatch(tag)
			if name == nil {
				continue
			}
			if ty := typeRE.FindStringSubmatch(tag); ty != nil && ty[1] == "hidden" {
				continue
			}
			ident := idRE.FindStringSubmatch(tag)
			if ident == nil {
				t.Errorf("%s: field %s has no id", p, name[1])
				continue
			}
			if ident[1] == name[1] {
				seen[name[1]] = true
			}
		}
		for _, tag := range inputRE.FindAllString(body, -1) {
			if name := nameRE.FindStringSubmatch(tag); name != nil && !seen[name[1]] && !strings.Contains(tag, `type="hidden"`) {
				t.Errorf("%s: no input with id %q, so the error summary cannot link to it", p, name[1])
			}
		}
	}
	for _, p := range []string{"/login", "/register"} {
		body := f.get(t, f.Browser(t), p).Body
		for _, n := range []string{"email", "password"} {
			mustContain(t, body, `id="`+n+`" name="`+n+`"`)
		}
	}
}

func TestPractitionersCannotUseAdminPages(t *testing.T) {
	f := newFixture(t)
	pract := f.signedIn(t, "pat@example.org")
	paths := f.pagePaths(t, 1) // may add rows of its own (an online session): counted after
	tables := []string{"courses", "course_sessions", "bookings", "organisations"}
	before := map[string]int{}
	for _, table := range tables {
		before[table] = f.count(t, table)
	}
	for _, route := range webRoutes(f.App.Policies, http.MethodGet) {
		if !strings.HasPrefix(route, "/admin") {
			continue
		}
		if r := f.get(t, pract, paths[route]); r.Status != http.StatusForbidden {
			t.Errorf("practitioner GET %s: %d, want 403", route, r.Status)
		} else {
			mustContain(t, r.Body, "You do not have access")
		}
	}
	posts := map[string]url.Values{
		"/admin/courses/new": courseForm(nil),
		"/admin/courses/" + id(f.CourseID) + "/sessions/new": sessionForm(nil),
		"/admin/sessions/" + id(f.SessionID) + "/cancel":     {"reason": {"no"}},
		"/admin/sessions/" + id(f.SessionID) + "/bookings":   {"email": {"pat@example.org"}},
		"/admin/settings/registration":                       {"registration": {"closed"}},
		"/admin/organisations/new":                           {"name": {"Sneaky"}, "type": {"other"}},
		"/admin/organisations/" + id(f.Police.ID) + "/edit":  {"name": {"Renamed"}, "type": {"other"}},
	}
	for p, form := range posts {
		if r := f.post(t, pract, p, form); r.Status != http.StatusForbidden {
			t.Errorf("practitioner POST %s: %d, want 403", p, r.Status)
		}
	}
	for _, table := range tables {
		if n := f.count(t, table); n != before[table] {
			t.Fatalf("a refused admin request changed %s: %d rows, had %d", table, n, before[table])
		}
	}
	if f.session(t, f.SessionID).IsCancelled() {
		t.Fatal("a practitioner cancelled a session")
	}
}

func TestAnonymousVisitorsAreSentToSignIn(t *testing.T) {
	f := newFixture(t)
	paths := f.pagePaths(t, 1)
	anon := f.Browser(t)
	for _, route := range webRoutes(f.App.Policies, http.MethodGet) {
		if f.App.Policies["GET "+route].Public {
			continue
		}
		p := paths[route]
		r := f.get(t, anon, p)
		want := "/login?next=" + url.QueryEscape(p)
		if r.Status != http.StatusSeeOther || r.Location != want {
			t.Errorf("anonymous GET %s: %d %q, want 303 %q", p, r.Status, r.Location, want)
		}
	}
	// After signing in from there, the person lands where they were going.
	r := f.post(t, anon, "/login", login("pat@example.org", "correct horse battery", "/sessions/"+id(f.SessionID)+"/book"))
	if r.Location != "/sessions/"+id(f.SessionID)+"/book" {
		t.Errorf("after sign-in: %q", r.Location)
	}
	// Forms posted without a session are not acted on.
	if r := f.post(t, f.Browser(t), "/sessions/"+id(f.SessionID)+"/book", url.Values{"token": {strings.Repeat("a", 32)}}); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Errorf("anonymous booking: %d %q", r.Status, r.Location)
	}
	if f.count(t, "bookings") != 0 {
		t.Fatal("an anonymous POST booked")
	}
}

func TestCrossSitePostsAreRefused(t *testing.T) {
	f := newFixture(t)
	c := f.signedIn(t, "pat@example.org")
	page := f.get(t, c, "/sessions/"+id(f.SessionID)+"/book")
	token := pageToken(t, page.Body)
	for p, form := range map[string]url.Values{
		"/login":                                 login("pat@example.org", "correct horse battery", ""),
		"/sessions/" + id(f.SessionID) + "/book": {"token": {token}},
		"/logout":                                nil,
	} {
		req, _ := http.NewRequest(http.MethodPost, f.URL+p, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		if r := do(t, c, req); r.Status != http.StatusForbidden {
			t.Errorf("cross-site POST %s: %d, want 403", p, r.Status)
		}
	}
	if f.count(t, "bookings") != 0 {
		t.Fatal("a cross-site POST booked a place")
	}
	if r := f.get(t, c, "/my/training"); r.Status != http.StatusOK {
		t.Fatal("a cross-site POST signed the person out")
	}
	// The same form from this site works.
	req, _ := http.NewRequest(http.MethodPost, f.URL+"/sessions/"+id(f.SessionID)+"/book", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if r := do(t, c, req); r.Status != http.StatusSeeOther {
		t.Fatalf("same-origin POST: %d", r.Status)
	}
}
