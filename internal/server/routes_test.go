package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/server/servertest"
)

// role is one column of the matrix: a signed-in person holding exactly one role, or
// nobody (Role "").
type role struct {
	Role  account.Role
	User  *account.User
	Token string
}

func (r role) name() string {
	if r.Role == "" {
		return "anonymous"
	}
	return string(r.Role)
}

// TestRouteMatrix proves that authorisation is declared for every route and enforced:
// each route has a policy, and each role the policy does not allow is refused (API: 401
// for nobody, 403 for the wrong role; pages: 303 to /login for nobody, 403 for the wrong
// role) before the handler runs. Roles that are allowed must not be refused and must
// never see a 500.
func TestRouteMatrix(t *testing.T) {
	srv := servertest.New(t)
	ctx := context.Background()
	org := srv.Org(t, "Matrix Council", account.SocialCare)
	roles := []role{{}}
	for _, r := range account.AllRoles {
		u := srv.User(t, string(r)+"@matrix.example.org", org.ID, r)
		roles = append(roles, role{Role: r, User: u, Token: srv.Token(t, u)})
	}
	practitioner := roles[1].User
	courseID := srv.Course(t, "Matrix course")
	sessionID := srv.Session(t, courseID, 7*24*time.Hour, 20)
	res, err := srv.Bookings.Book(ctx, booking.Request{SessionID: sessionID, UserID: practitioner.ID})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{
		"organisations": strconv.FormatInt(org.ID, 10),
		"courses":       strconv.FormatInt(courseID, 10),
		"sessions":      strconv.FormatInt(sessionID, 10),
		"bookings":      strconv.FormatInt(res.Booking.ID, 10),
		"users":         strconv.FormatInt(practitioner.ID, 10),
	}

	routes := srv.App.Engine.Routes()
	sort.Slice(routes, func(i, j int) bool {
		return routes[i].Path+routes[i].Method < routes[j].Path+routes[j].Method
	})
	t.Run("every route has a policy", func(t *testing.T) {
		registered := map[string]bool{}
		for _, r := range routes {
			key := r.Method + " " + r.Path
			registered[key] = true
			if _, ok := srv.App.Policies[key]; !ok {
				t.Errorf("%s has no policy: register it with httpx.Router.Handle", key)
			}
		}
		for key := range srv.App.Policies {
			if !registered[key] {
				t.Errorf("policy for %s, which is not a route", key)
			}
		}
	})

	t.Run("API policies are the documented ones", func(t *testing.T) {
		seen := map[string]bool{}
		for _, r := range routes {
			key := r.Method + " " + r.Path
			if !strings.HasPrefix(r.Path, "/api/") {
				continue
			}
			seen[key] = true
			want, ok := apiPolicies[key]
			if !ok {
				t.Errorf("%s is not in apiPolicies: add it (and to docs/api.md)", key)
				continue
			}
			if got := describe(srv.App.Policies[key]); got != want {
				t.Errorf("%s: policy %s, want %s", key, got, want)
			}
		}
		for key := range apiPolicies {
			if !seen[key] {
				t.Errorf("%s is documented but not routed", key)
			}
		}
	})

	t.Run("API", func(t *testing.T) {
		n, refusals := 0, 0
		for _, r := range routes {
			if !strings.HasPrefix(r.Path, "/api/v1/") {
				continue
			}
			n++
			p := srv.App.Policies[r.Method+" "+r.Path]
			path := fillPath(r.Path, ids)
			for _, who := range roles {
				status, body := apiCall(t, srv.URL, r.Method, path, who.Token)
				allowed := p.Allows(who.User)
				if !allowed {
					refusals++
				}
				switch {
				case !allowed && who.User == nil && status != http.StatusUnauthorized,
					!allowed && who.User != nil && status != http.StatusForbidden:
					t.Errorf("%s %s as %s: status %d, want refusal (policy %+v); body %.200s", r.Method, path, who.name(), status, p, body)
				case allowed && (status == http.StatusUnauthorized || status == http.StatusForbidden || status >= 500):
					t.Errorf("%s %s as %s: status %d for an allowed role; body %.200s", r.Method, path, who.name(), status, body)
				}
			}
		}
		if n < 10 {
			t.Fatalf("only %d API routes found", n)
		}
		t.Logf("%d API routes, %d refusals checked", n, refusals)
	})

	t.Run("pages", func(t *testing.T) {
		// Sign-in needs the login page; until it exists, only anonymous refusals are checked.
		_, canSignIn := srv.App.Policies["POST /login"]
		browsers := map[account.Role]*http.Client{}
		for _, who := range roles {
			c := srv.Browser(t)
			if who.User != nil && canSignIn {
				srv.SignIn(t, c, who.User.Email)
			}
			browsers[who.Role] = c
		}
		refusals := 0
		defer func() { t.Logf("%d page refusals checked (signed-in roles: %v)", refusals, canSignIn) }()
		for _, r := range routes {
			if strings.HasPrefix(r.Path, "/api/") || strings.HasPrefix(r.Path, "/static/") || r.Path == "/healthz" {
				continue
			}
			p := srv.App.Policies[r.Method+" "+r.Path]
			if p.Public {
				continue
			}
			path := fillPath(r.Path, ids)
			for _, who := range roles {
				// Allowed roles are not sent: a page's action (POST /logout, say) could
				// change the state the rest of the matrix relies on.
				if p.Allows(who.User) || (who.User != nil && !canSignIn) {
					continue
				}
				refusals++
				status, loc := pageCall(t, browsers[who.Role], srv.URL, r.Method, path)
				if who.User == nil {
					if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
						t.Errorf("%s %s as anonymous: %d to %q, want 303 to /login", r.Method, path, status, loc)
					}
				} else if status != http.StatusForbidden {
					t.Errorf("%s %s as %s: %d, want 403 (policy %+v)", r.Method, path, who.name(), status, p)
				}
			}
		}
	})
}

// apiPolicies is who may use each API endpoint, as docs/api.md states it. A new endpoint
// fails the matrix until it is listed here, so its audience is a decision, not an accident.
var apiPolicies = merged(basePolicies, registerPolicies, recordPolicies, reportPolicies, substitutePolicies, signupPolicies)

func merged(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// basePolicies are the endpoints of the booking foundation.
var basePolicies = map[string]string{
	"GET /api/v1/courses":                "public",
	"GET /api/v1/courses/:id":            "public",
	"GET /api/v1/sessions":               "public",
	"GET /api/v1/sessions/:id":           "public",
	"POST /api/v1/sessions":              "roles [admin partner]",
	"PATCH /api/v1/sessions/:id":         "roles [admin partner]",
	"POST /api/v1/sessions/:id/cancel":   "roles [admin partner]",
	"POST /api/v1/sessions/:id/bookings": "signed in",
	"GET /api/v1/bookings/:id":           "signed in",
	"DELETE /api/v1/bookings/:id":        "signed in",
	"GET /api/v1/me/bookings":            "signed in",
}

func describe(p httpx.Policy) string {
	switch {
	case p.Public:
		return "public"
	case len(p.Roles) == 0:
		return "signed in"
	}
	return fmt.Sprintf("roles %v", p.Roles)
}

// fillPath puts the id of a real record in place of each :param, chosen by the segment
// before it (/courses/:id takes a course id); *catch-alls get a harmless name.
func fillPath(path string, ids map[string]string) string {
	parts := strings.Split(path, "/")
	for i, part := range parts {
		switch {
		case strings.HasPrefix(part, ":"):
			id := "1"
			if i > 0 {
				if v, ok := ids[parts[i-1]]; ok {
					id = v
				}
			}
			parts[i] = id
		case strings.HasPrefix(part, "*"):
			parts[i] = "x"
		}
	}
	return strings.Join(parts, "/")
}

func apiCall(t *testing.T, base, method, path, token string) (int, string) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost || method == http.MethodPatch || method == http.MethodPut {
		body = strings.NewReader("{}")
	}
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func pageCall(t *testing.T, c *http.Client, base, method, path string) (int, string) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location")
}

// TestHeadersEverywhere: the baseline headers are on pages, errors, static files, the API,
// and even on refusals written outside Gin; static folders are not listed.
func TestHeadersEverywhere(t *testing.T) {
	s := servertest.New(t)
	check := func(name string, resp *http.Response) {
		t.Helper()
		defer resp.Body.Close()
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Cache-Control"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("%s: no %s header", name, h)
			}
		}
		if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s: CSP lacks frame-ancestors 'none'", name)
		}
	}
	for _, path := range []string{"/courses", "/no-such-page", "/static/app.css", "/api/v1/courses", "/healthz"} {
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		check(path, resp)
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/login", strings.NewReader("email=a%40b.org&password=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", resp.StatusCode)
	}
	check("cross-site refusal", resp)

	resp, err = http.Get(s.URL + "/static/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), `href="app.css"`) {
		t.Errorf("/static/ answered %d listing %q; want 404 without a listing", resp.StatusCode, body)
	}
}
