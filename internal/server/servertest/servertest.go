// Package servertest starts the real server on a loopback port over a real SQLite file,
// for HTTP-level tests of pages and the API.
package servertest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/server"
	"github.com/traininghub/traininghub/internal/testkit"
)

// Server is a running test server with its fixtures environment.
type Server struct {
	*testkit.Env
	Bookings   *booking.Service
	Attendance *attendance.Service
	App        *server.Server
	HTTP       *httptest.Server
	URL        string
}

// New starts a server whose clock is env.Clock.
func New(t testing.TB) *Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.Default()
	}
	return NewWithLog(t, log)
}

// NewWithLog starts a server that logs to log, for tests of what the log says.
func NewWithLog(t testing.TB, log *slog.Logger) *Server {
	t.Helper()
	return NewWith(t, log, func(*server.Config, *server.Deps) {})
}

// NewWith starts a server after adjust has changed its configuration and services, for
// tests of settings serve passes (a metrics token, say).
func NewWith(t testing.TB, log *slog.Logger, adjust func(*server.Config, *server.Deps)) *Server {
	t.Helper()
	env := testkit.New(t)
	bookings := booking.NewService(env.DB, env.Clock.Now)
	att := attendance.NewService(env.DB, env.Accounts, env.Clock.Now)
	cfg := server.Config{SiteName: "Test Partnership training"}
	deps := server.Deps{
		DB: env.DB, Accounts: env.Accounts, Courses: env.Courses, Bookings: bookings, Attendance: att,
		Now: env.Clock.Now, Log: log,
	}
	adjust(&cfg, &deps)
	app, err := server.New(cfg, deps)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	ts := httptest.NewServer(app.Handler)
	t.Cleanup(ts.Close)
	return &Server{Env: env, Bookings: bookings, Attendance: att, App: app, HTTP: ts, URL: ts.URL}
}

// Token creates an API token for u.
func (s *Server) Token(t testing.TB, u *account.User) string {
	t.Helper()
	tok, err := s.Accounts.CreateToken(context.Background(), u.ID)
	if err != nil {
		t.Fatalf("create token: %v", err)
	}
	return tok
}

// Browser is an HTTP client with a cookie jar that does not follow redirects, so tests
// can assert 303s.
func (s *Server) Browser(t testing.TB) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// SignIn signs a browser in as email with testkit.Password and fails the test otherwise.
func (s *Server) SignIn(t testing.TB, c *http.Client, email string) {
	t.Helper()
	resp, err := c.PostForm(s.URL+"/login", url.Values{"email": {email}, "password": {testkit.Password}})
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d, body %.300s", email, resp.StatusCode, body)
	}
}

// Get fetches a path and returns status and body.
func Get(t testing.TB, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Contains reports whether body contains all of want (helper for readable assertions).
func Contains(body string, want ...string) bool {
	for _, w := range want {
		if !strings.Contains(body, w) {
			return false
		}
	}
	return true
}
