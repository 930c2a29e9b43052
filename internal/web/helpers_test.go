package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/server/servertest"
)

// fixture is a running server with an organisation, a practitioner, an admin, a published
// course and one session a week ahead.
type fixture struct {
	*servertest.Server
	Police    account.Organisation
	Pract     *account.User
	Admin     *account.User
	CourseID  int64
	SessionID int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := servertest.New(t)
	f := &fixture{Server: s}
	f.Police = s.Org(t, "Bath Police", account.Police)
	f.Pract = s.User(t, "pat@example.org", f.Police.ID, account.Practitioner)
	f.Admin = s.User(t, "ada@example.org", f.Police.ID, account.Admin)
	f.CourseID = s.Course(t, "Safeguarding level 2", "Basics")
	f.SessionID = s.Session(t, f.CourseID, 7*24*time.Hour, 10)
	return f
}

// signedIn returns a browser signed in as email.
func (f *fixture) signedIn(t *testing.T, email string) *http.Client {
	t.Helper()
	c := f.Browser(t)
	f.SignIn(t, c, email)
	return c
}

// response is what a test looks at.
type response struct {
	Status   int
	Body     string
	Location string
}

func do(t *testing.T, c *http.Client, req *http.Request) response {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Body: string(b), Location: resp.Header.Get("Location")}
}

func (f *fixture) get(t *testing.T, c *http.Client, path string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.URL+path, nil)
	// A fixed reference, so that two error pages can be compared byte for byte.
	req.Header.Set("X-Request-Id", "web-test-request")
	return do(t, c, req)
}

func (f *fixture) post(t *testing.T, c *http.Client, path string, form url.Values) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req)
}

// follow fetches a redirect's target, which shows the flash message.
func (f *fixture) follow(t *testing.T, c *http.Client, r response) response {
	t.Helper()
	if r.Status != http.StatusSeeOther || r.Location == "" {
		t.Fatalf("want a 303 redirect, got %d (location %q): %.500s", r.Status, r.Location, r.Body)
	}
	return f.get(t, c, r.Location)
}

var tokenRE = regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`)

// pageToken reads the form token from a page.
func pageToken(t *testing.T, body string) string {
	t.Helper()
	m := tokenRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no form token on page: %.800s", body)
	}
	return m[1]
}

func (f *fixture) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := f.DB.R.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// bookingsOf lists a user's bookings through the domain, to check what pages did.
func (f *fixture) bookingsOf(t *testing.T, userID int64) []booking.Entry {
	t.Helper()
	list, err := f.Bookings.ForUser(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func (f *fixture) session(t *testing.T, id int64) course.Session {
	t.Helper()
	s, err := f.Courses.Session(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustContain(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page does not contain %q:\n%.3000s", w, body)
		}
	}
}

func mustNotContain(t *testing.T, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("page contains %q but should not", w)
		}
	}
}

func id(n int64) string { return strconv.FormatInt(n, 10) }
