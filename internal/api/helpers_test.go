package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/server/servertest"
)

// fixture is a running server with one person per role, each holding an API token.
type fixture struct {
	*servertest.Server
	t            *testing.T
	org          account.Organisation
	admin        *account.User
	practitioner *account.User
	other        *account.User // a second practitioner
	adminToken   string
	pracToken    string
	otherToken   string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	srv := servertest.New(t)
	f := &fixture{Server: srv, t: t}
	f.org = srv.Org(t, "Bath Council", account.SocialCare)
	f.admin = srv.User(t, "admin@example.org", f.org.ID, account.Admin)
	f.practitioner = srv.User(t, "pat@example.org", f.org.ID, account.Practitioner)
	f.other = srv.User(t, "olu@example.org", f.org.ID, account.Practitioner)
	f.adminToken = srv.Token(t, f.admin)
	f.pracToken = srv.Token(t, f.practitioner)
	f.otherToken = srv.Token(t, f.other)
	return f
}

// onlineSession creates an online session starting `in` from the fake now.
func (f *fixture) onlineSession(courseID int64, in time.Duration, capacity int, link string) int64 {
	f.t.Helper()
	start := f.Clock.Now().Add(in)
	id, err := f.Courses.CreateSession(context.Background(), course.SessionInput{
		CourseID: courseID, StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		Online: true, OnlineURL: link, Capacity: capacity,
	})
	if err != nil {
		f.t.Fatalf("create online session: %v", err)
	}
	return id
}

// response is what a request came back with.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic map (fatal if it is not a JSON object).
func (r response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// Into decodes the body into v.
func (r response) Into(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode body: %v\n%s", err, r.Body)
	}
}

// errorCode returns error.code of an error body, or "".
func (r response) errorCode() string {
	var e struct {
		Error struct {
			Code   string            `json:"code"`
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

// errorFields returns error.fields of an error body.
func (r response) errorFields() map[string]string {
	var e struct {
		Error struct {
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Fields
}

// call sends a request to the API. body may be nil, a string (sent as is) or a value
// (sent as JSON); headers are name, value pairs.
func call(t testing.TB, client *http.Client, method, url, token string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("marshal body: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

// do calls the fixture's server at path (under its base URL).
func (f *fixture) do(method, path, token string, body any, headers ...string) response {
	f.t.Helper()
	return call(f.t, nil, method, f.URL+path, token, body, headers...)
}

// want fails the test unless the response has the wanted status.
func want(t *testing.T, r response, status int, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d; body %s", what, r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); r.Status != http.StatusNoContent && !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s: Content-Type %q, want JSON", what, ct)
	}
}

// sessionBody is the JSON shape of a session, for decoding answers.
type sessionBody struct {
	ID              int64     `json:"id"`
	CourseID        int64     `json:"course_id"`
	CourseTitle     string    `json:"course_title"`
	StartsAt        time.Time `json:"starts_at"`
	EndsAt          time.Time `json:"ends_at"`
	Online          bool      `json:"online"`
	Venue           string    `json:"venue"`
	OnlineURL       *string   `json:"online_url"`
	Capacity        int       `json:"capacity"`
	MinPlaces       int       `json:"min_places"`
	Confirmed       int       `json:"confirmed"`
	Waitlisted      int       `json:"waitlisted"`
	PlacesLeft      int       `json:"places_left"`
	BookingClosesAt time.Time `json:"booking_closes_at"`
	CancelCutoffAt  time.Time `json:"cancel_cutoff_at"`
	Status          string    `json:"status"`
	CancelReason    string    `json:"cancel_reason"`
	Trainers        []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"trainers"`
}

// bookingBody is the JSON shape of a booking answer.
type bookingBody struct {
	ID               int64  `json:"id"`
	Status           string `json:"status"`
	WaitlistPosition *int   `json:"waitlist_position"`
	SessionID        int64  `json:"session_id"`
}
