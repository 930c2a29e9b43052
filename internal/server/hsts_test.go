package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/server"
	"github.com/traininghub/traininghub/internal/testkit"
)

// startAt runs the real server with the given base URL.
func startAt(t *testing.T, baseURL string) *httptest.Server {
	t.Helper()
	env := testkit.New(t)
	app, err := server.New(server.Config{BaseURL: baseURL}, server.Deps{
		DB: env.DB, Accounts: env.Accounts, Courses: env.Courses,
		Bookings: booking.NewService(env.DB, env.Clock.Now), Now: env.Clock.Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(app.Handler)
	t.Cleanup(ts.Close)
	return ts
}

// TestHSTSOnlyWhenTheBaseURLIsHTTPS: with an https base URL every kind of response (page,
// redirect, not found, static file, health check, API error, cross-site refusal) carries
// Strict-Transport-Security; with an http base URL none does.
func TestHSTSOnlyWhenTheBaseURLIsHTTPS(t *testing.T) {
	requests := []struct{ method, path string }{
		{http.MethodGet, "/courses"},
		{http.MethodGet, "/my/training"}, // a redirect to sign in
		{http.MethodGet, "/no-such-page"},
		{http.MethodGet, "/static/app.css"},
		{http.MethodGet, "/healthz"},
		{http.MethodGet, "/api/v1/me"},
		{http.MethodPost, "/login"}, // refused as cross-site below
	}
	for _, tc := range []struct {
		base string
		want string
	}{
		{"https://training.example.org", "max-age=31536000; includeSubDomains"},
		{"http://training.example.org", ""},
		{"", ""},
	} {
		ts := startAt(t, tc.base)
		for _, rq := range requests {
			headers := map[string]string{}
			if rq.method == http.MethodPost {
				headers["Sec-Fetch-Site"] = "cross-site"
				headers["Origin"] = "https://evil.example"
			}
			resp, _ := fetch(t, rq.method, ts.URL+rq.path, headers)
			if got := resp.Header.Get("Strict-Transport-Security"); got != tc.want {
				t.Errorf("base %q, %s %s (%d): Strict-Transport-Security %q, want %q",
					tc.base, rq.method, rq.path, resp.StatusCode, got, tc.want)
			}
			if rq.method == http.MethodPost && resp.StatusCode != http.StatusForbidden {
				t.Errorf("base %q: the cross-site post was not refused: %d", tc.base, resp.StatusCode)
			}
			if strings.HasPrefix(rq.path, "/static/") && resp.StatusCode != http.StatusOK {
				t.Errorf("base %q: %s: %d", tc.base, rq.path, resp.StatusCode)
			}
		}
	}
}
