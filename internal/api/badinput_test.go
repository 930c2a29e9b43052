package api_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
)

// TestBadInput sends broken, hostile and out-of-range requests. Each must be answered with
// the documented status and error code, name the field where there is one, and change
// nothing; none may be a 500.
func TestBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.Course(t, "CSE awareness")
	sid := f.Session(t, c, 5*24*time.Hour, 5)
	cid := strconv.FormatInt(c, 10)
	sp := sessionPath(sid)
	good := func(extra string) string {
		return `{"course_id":` + cid + `,"starts_at":"2026-12-10T09:30:00Z","ends_at":"2026-12-10T12:30:00Z","venue":"Bath","capacity":5` + extra + `}`
	}
	huge := `{"reason":"` + strings.Repeat("x", 70<<10) + `"}`

	cases := []struct {
		name   string
		method string
		path   string
		body   string
		status int
		code   string
		field  string
	}{
		// Not JSON, or not one object.
		{"malformed", "POST", "/api/v1/sessions", `{"course_id": 1,`, 400, "bad_request", ""},
		{"not json", "POST", "/api/v1/sessions", `course_id=1`, 400, "bad_request", ""},
		{"trailing object", "POST", "/api/v1/sessions", good("") + `{"x":1}`, 400, "bad_request", ""},
		{"trailing garbage", "POST", "/api/v1/sessions", good("") + `]`, 400, "bad_request", ""},
		{"array", "POST", "/api/v1/sessions", `[]`, 400, "bad_request", ""},
		{"string", "POST", "/api/v1/sessions", `"session"`, 400, "bad_request", ""},
		{"empty body", "POST", "/api/v1/sessions", ``, 400, "bad_request", ""},
		{"too large", "POST", sp + "/cancel", huge, 413, "request_too_large", ""},
		{"unknown field", "POST", "/api/v1/sessions", good(`,"capcity":3`), 400, "bad_request", "capcity"},
		// Wrong types.
		{"capacity as text", "POST", "/api/v1/sessions", good(`,"capacity":"ten"`), 422, "validation_failed", "capacity"},
		{"capacity fraction", "POST", "/api/v1/sessions", good(`,"capacity":2.5`), 422, "validation_failed", "capacity"},
		{"capacity overflow", "POST", "/api/v1/sessions", good(`,"capacity":99999999999999999999`), 422, "validation_failed", "capacity"},
		{"capacity 1e30", "POST", "/api/v1/sessions", good(`,"capacity":1e30`), 422, "validation_failed", "capacity"},
		{"online as text", "POST", "/api/v1/sessions", good(`,"online":"yes"`), 422, "validation_failed", "online"},
		{"starts_at as number", "POST", "/api/v1/sessions", good(`,"starts_at":20261210`), 422, "validation_failed", "starts_at"},
		{"course_id as text", "POST", "/api/v1/sessions", good(`,"course_id":"1"`), 422, "validation_failed", "course_id"},
		{"trainer_ids as text", "POST", "/api/v1/sessions", good(`,"trainer_ids":"1,2"`), 422, "validation_failed", "trainer_ids"},
		// Values the rules refuse.
		{"null body", "POST", "/api/v1/sessions", `null`, 400, "bad_request", ""},
		{"start in 1999", "POST", "/api/v1/sessions", good(`,"starts_at":"1999-12-10T09:30:00Z"`), 422, "validation_failed", "starts_at"},
		{"null body with space", "POST", sp + "/cancel", " \n null ", 400, "bad_request", ""},
		{"no course", "POST", "/api/v1/sessions", `{"starts_at":"2026-12-10T09:30:00Z","ends_at":"2026-12-10T12:30:00Z","venue":"Bath","capacity":5}`, 422, "validation_failed", "course_id"},
		{"unknown course", "POST", "/api/v1/sessions", good(`,"course_id":999999`), 422, "validation_failed", "course_id"},
		{"negative capacity", "POST", "/api/v1/sessions", good(`,"capacity":-1`), 422, "validation_failed", "capacity"},
		{"zero capacity", "POST", "/api/v1/sessions", good(`,"capacity":0`), 422, "validation_failed", "capacity"},
		{"huge capacity", "POST", "/api/v1/sessions", good(`,"capacity":1000000`), 422, "validation_failed", "capacity"},
		{"bad date", "POST", "/api/v1/sessions", good(`,"starts_at":"10/12/2026 09:30"`), 422, "validation_failed", "starts_at"},
		{"impossible date", "POST", "/api/v1/sessions", good(`,"starts_at":"2026-02-30T09:30:00Z"`), 422, "validation_failed", "starts_at"},
		{"date without time", "POST", "/api/v1/sessions", good(`,"ends_at":"2026-12-10"`), 422, "validation_failed", "ends_at"},
		{"start in the past", "POST", "/api/v1/sessions", good(`,"starts_at":"2020-01-01T09:00:00Z"`), 422, "validation_failed", "starts_at"},
		{"end before start", "POST", "/api/v1/sessions", good(`,"ends_at":"2026-12-10T08:00:00Z"`), 422, "validation_failed", "ends_at"},
		{"year 10000 in UTC", "POST", "/api/v1/sessions", good(`,"starts_at":"9999-12-31T23:00:00-05:00","ends_at":"9999-12-31T23:30:00-05:00"`), 422, "validation_failed", "starts_at"},
		{"booking closes after start", "POST", "/api/v1/sessions", good(`,"booking_closes_at":"2026-12-11T00:00:00Z"`), 422, "validation_failed", "booking_closes_at"},
		{"online without link", "POST", "/api/v1/sessions", good(`,"online":true`), 422, "validation_failed", "online_url"},
		{"javascript link", "POST", "/api/v1/sessions", good(`,"online":true,"online_url":"javascript:alert(1)"`), 422, "validation_failed", "online_url"},
		{"no venue", "POST", "/api/v1/sessions", good(`,"venue":"   "`), 422, "validation_failed", "venue"},
		{"non-trainer as trainer", "POST", "/api/v1/sessions", good(`,"trainer_ids":[` + strconv.FormatInt(f.practitioner.ID, 10) + `]`), 422, "validation_failed", "trainer_ids"},
		// PATCH.
		{"patch malformed", "PATCH", sp, `{"capacity":`, 400, "bad_request", ""},
		{"patch empty body", "PATCH", sp, ``, 400, "bad_request", ""},
		{"patch course_id", "PATCH", sp, `{"course_id":2}`, 400, "bad_request", "course_id"},
		{"patch negative capacity", "PATCH", sp, `{"capacity":-5}`, 422, "validation_failed", "capacity"},
		{"patch huge capacity", "PATCH", sp, `{"capacity":5000}`, 422, "validation_failed", "capacity"},
		{"patch capacity overflow", "PATCH", sp, `{"capacity":1e99}`, 422, "validation_failed", "capacity"},
		{"patch bad start", "PATCH", sp, `{"starts_at":"soon"}`, 422, "validation_failed", "starts_at"},
		{"patch start in past", "PATCH", sp, `{"starts_at":"2001-01-01T00:00:00Z"}`, 422, "validation_failed", "starts_at"},
		{"patch end before start", "PATCH", sp, `{"ends_at":"2026-11-26T00:00:00Z"}`, 422, "validation_failed", "ends_at"},
		{"patch trainer", "PATCH", sp, `{"trainer_ids":[999999]}`, 422, "validation_failed", "trainer_ids"},
		{"patch non-numeric id", "PATCH", "/api/v1/sessions/abc", `{"capacity":3}`, 404, "not_found", ""},
		{"patch zero id", "PATCH", "/api/v1/sessions/0", `{"capacity":3}`, 404, "not_found", ""},
		// Cancel.
		{"cancel unknown field", "POST", sp + "/cancel", `{"why":"x"}`, 400, "bad_request", "why"},
		{"cancel reason as number", "POST", sp + "/cancel", `{"reason":42}`, 422, "validation_failed", "reason"},
		{"cancel reason too long", "POST", sp + "/cancel", `{"reason":"` + strings.Repeat("r", 1001) + `"}`, 422, "validation_failed", "reason"},
		{"cancel non-numeric id", "POST", "/api/v1/sessions/x1/cancel", ``, 404, "not_found", ""},
		// Booking.
		{"book malformed", "POST", sp + "/bookings", `{`, 400, "bad_request", ""},
		{"book unknown field", "POST", sp + "/bookings", `{"user_id":1}`, 400, "bad_request", "user_id"},
		{"book email as number", "POST", sp + "/bookings", `{"user_email":5}`, 422, "validation_failed", "user_email"},
		{"book non-numeric session", "POST", "/api/v1/sessions/abc/bookings", ``, 404, "not_found", ""},
		{"book missing session", "POST", "/api/v1/sessions/999999/bookings", ``, 404, "not_found", ""},
		{"book huge id", "POST", "/api/v1/sessions/99999999999999999999999/bookings", ``, 404, "not_found", ""},
		{"cancel non-numeric booking", "DELETE", "/api/v1/bookings/abc", ``, 404, "not_found", ""},
		{"cancel missing booking", "DELETE", "/api/v1/bookings/999999", ``, 404, "not_found", ""},
		{"read non-numeric booking", "GET", "/api/v1/bookings/%20", ``, 404, "not_found", ""},
		{"read negative booking", "GET", "/api/v1/bookings/-4", ``, 404, "not_found", ""},
		// Routing.
		{"unknown endpoint", "GET", "/api/v1/nothing-here", ``, 404, "not_found", ""},
		{"wrong method", "PUT", sp, `{}`, 405, "method_not_allowed", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != "" {
				body = tc.body
			}
			r := f.do(tc.method, tc.path, f.adminToken, body)
			want(t, r, tc.status, tc.name)
			if got := r.errorCode(); got != tc.code {
				t.Fatalf("code %q, want %q: %s", got, tc.code, r.Body)
			}
			if tc.field != "" && r.errorFields()[tc.field] == "" {
				t.Fatalf("want a message for field %q: %s", tc.field, r.Body)
			}
		})
	}

	// Nothing above changed anything.
	var sessions, bookings, history int
	var status string
	var capacity int
	err := f.DB.R.QueryRow(`SELECT (SELECT count(*) FROM course_sessions), (SELECT count(*) FROM bookings),
		(SELECT count(*) FROM booking_history), (SELECT status FROM course_sessions WHERE id = ?),
		(SELECT capacity FROM course_sessions WHERE id = ?)`, sid, sid).Scan(&sessions, &bookings, &history, &status, &capacity)
	if err != nil {
		t.Fatal(err)
	}
	if sessions != 1 || bookings != 0 || history != 0 || status != "scheduled" || capacity != 5 {
		t.Fatalf("bad input changed something: sessions %d bookings %d history %d status %s capacity %d",
			sessions, bookings, history, status, capacity)
	}
}

// TestAuthentication covers missing, malformed and revoked tokens and roles that may not
// use admin endpoints.
func TestAuthentication(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.Course(t, "Early help")
	sid := f.Session(t, c, 5*24*time.Hour, 5)
	sp := sessionPath(sid)
	disabled := f.User(t, "gone@example.org", f.org.ID, account.Practitioner)
	disabledToken := f.Token(t, disabled)
	if err := f.Accounts.SetActive(t.Context(), disabled.ID, false); err != nil {
		t.Fatal(err)
	}

	send := func(method, path, auth, body string) response {
		t.Helper()
		var b any
		if body != "" {
			b = body
		}
		if auth == "" {
			return f.do(method, path, "", b)
		}
		return call(t, nil, method, f.URL+path, "", b, "Authorization", auth)
	}
	t.Run("missing or bad tokens are 401", func(t *testing.T) {
		for _, tc := range []struct{ method, path, auth string }{
			{"GET", "/api/v1/me/bookings", ""},
			{"POST", sp + "/bookings", ""},
			{"DELETE", "/api/v1/bookings/1", ""},
			{"GET", "/api/v1/bookings/1", ""},
			{"POST", "/api/v1/sessions", ""},
			{"PATCH", sp, ""},
			{"POST", sp + "/cancel", ""},
			{"GET", "/api/v1/me/bookings", "Bearer thub_not-a-real-token"},
			{"GET", "/api/v1/courses", "Bearer thub_not-a-real-token"}, // a bad token is refused even where none is needed
			{"GET", "/api/v1/me/bookings", "Bearer"},
			{"GET", "/api/v1/me/bookings", "Bearer    "},
			{"GET", "/api/v1/me/bookings", "Basic " + f.pracToken},
			{"GET", "/api/v1/me/bookings", f.pracToken},
			{"GET", "/api/v1/me/bookings", "Bearer " + disabledToken},
			{"GET", "/api/v1/me/bookings", "Bearer " + f.pracToken + "x"},
		} {
			r := send(tc.method, tc.path, tc.auth, "")
			want(t, r, http.StatusUnauthorized, fmt.Sprintf("%s %s with %q", tc.method, tc.path, tc.auth))
			if r.errorCode() != "unauthenticated" || r.Header.Get("WWW-Authenticate") == "" {
				t.Fatalf("%s %s: %s (WWW-Authenticate %q)", tc.method, tc.path, r.Body, r.Header.Get("WWW-Authenticate"))
			}
		}
	})
	t.Run("scheme is case-insensitive", func(t *testing.T) {
		want(t, send("GET", "/api/v1/me/bookings", "bearer "+f.pracToken, ""), http.StatusOK, "lower-case bearer")
	})
	t.Run("roles without admin get 403 on admin endpoints", func(t *testing.T) {
		tokens := map[string]string{"practitioner": f.pracToken}
		// Partners may schedule their own organisation's sessions: partner_api_test.go.
		for _, role := range []account.Role{account.Trainer, account.Manager} {
			u := f.User(t, string(role)+"@example.org", f.org.ID, role)
			tokens[string(role)] = f.Token(t, u)
		}
		for role, tok := range tokens {
			for _, tc := range []struct{ method, path, body string }{
				{"POST", "/api/v1/sessions", `{"course_id":1}`},
				{"PATCH", sp, `{"capacity":50}`},
				{"POST", sp + "/cancel", `{"reason":"no"}`},
			} {
				r := send(tc.method, tc.path, "Bearer "+tok, tc.body)
				want(t, r, http.StatusForbidden, role+" "+tc.method+" "+tc.path)
				if r.errorCode() != "forbidden" {
					t.Fatalf("%s: %s", role, r.Body)
				}
			}
		}
		var s sessionBody
		f.do(http.MethodGet, sp, "", nil).Into(t, &s)
		if s.Capacity != 5 || s.Status != "scheduled" {
			t.Fatalf("refused requests changed the session: %+v", s)
		}
	})
}
