package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
)

// hiddenDates adds, beside the fixture's listed session, one date of each kind the public
// listings must never show, and books two of the listed session's ten places. It returns
// the hidden sessions' ids by what they are.
func (f *fixture) hiddenDates(t *testing.T) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	day := 24 * time.Hour
	draft, err := f.Courses.CreateCourse(ctx, course.CourseInput{Title: "Draft course", DurationMinutes: 60, Status: course.Draft})
	if err != nil {
		t.Fatal(err)
	}
	partner := f.Org(t, "Unseen", account.TrainingPartner)
	pending, err := f.Courses.CreatePartnerCourse(ctx, partner.ID, course.CourseInput{Title: "Unapproved course", DurationMinutes: 60}, false)
	if err != nil {
		t.Fatal(err)
	}
	hidden := map[string]int64{
		"draft":      f.Session(t, draft, 3*day, 5),
		"unapproved": f.Session(t, pending, 4*day, 5),
		"cancelled":  f.Session(t, f.CourseID, 5*day, 5),
		"started":    f.Session(t, f.CourseID, time.Hour, 5),
	}
	if _, err := f.DB.Exec(ctx, `UPDATE courses SET status = 'published' WHERE id = ?`, pending); err != nil {
		t.Fatal(err)
	}
	if err := f.Courses.CancelSession(ctx, hidden["cancelled"], "Venue flooded", 0); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"a@example.org", "b@example.org"} {
		u := f.User(t, email, f.Police.ID, account.Practitioner)
		if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: f.SessionID, UserID: u.ID, ActorID: u.ID}); err != nil {
			t.Fatal(err)
		}
	}
	f.Clock.Advance(2 * time.Hour)
	return hidden
}

// send is fetch with any method.
func send(t *testing.T, method, url string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := rawTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestICSFeedListsOnlyPublicDatesAndParses(t *testing.T) {
	f := newFixture(t)
	hidden := f.hiddenDates(t)
	for _, path := range []string{"/feeds/sessions.ics", "/feeds/courses/" + id(f.CourseID) + "/sessions.ics"} {
		resp, body := fetch(t, f.URL+path)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if bytes.Count(body, []byte("\n")) != bytes.Count(body, []byte("\r\n")) {
			t.Errorf("%s: a line ends without CRLF", path)
		}
		cal, err := ics.ParseCalendar(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: golang-ical cannot parse it: %v", path, err)
		}
		events := cal.Events()
		if len(events) != 1 || events[0].Id() != "session-"+id(f.SessionID)+"@traininghub.local" {
			t.Fatalf("%s: want only the fixture's session (never %v), got:\n%s", path, hidden, body)
		}
		desc := events[0].GetProperty(ics.ComponentPropertyDescription).Value
		if !strings.Contains(desc, "8 places left.") {
			t.Errorf("%s: DESCRIPTION %q, want 8 places left", path, desc)
		}
		if u := events[0].GetProperty(ics.ComponentPropertyUrl).Value; u != f.URL+"/sessions/"+id(f.SessionID)+"/book" {
			t.Errorf("%s: URL %q", path, u)
		}
	}
}

func TestFeedsAnswerConditionalAndHeadRequests(t *testing.T) {
	f := newFixture(t)
	for i, path := range []string{"/feeds/sessions.ics", "/feeds/sessions.json"} {
		resp, body := fetch(t, f.URL+path)
		etag := resp.Header.Get("ETag")
		if resp.StatusCode != http.StatusOK || etag == "" || resp.Header.Get("Cache-Control") != "public, max-age=300" {
			t.Fatalf("%s: %d, ETag %q, Cache-Control %q", path, resp.StatusCode, etag, resp.Header.Get("Cache-Control"))
		}
		head, headBody := send(t, http.MethodHead, f.URL+path)
		if head.StatusCode != http.StatusOK || len(headBody) != 0 || head.Header.Get("ETag") != etag ||
			head.Header.Get("Content-Type") != resp.Header.Get("Content-Type") {
			t.Errorf("HEAD %s: %d, %d bytes, %v", path, head.StatusCode, len(headBody), head.Header)
		}
		again, rest := fetch(t, f.URL+path, "If-None-Match", etag)
		if again.StatusCode != http.StatusNotModified || len(rest) != 0 {
			t.Errorf("%s with its ETag: %d, want 304", path, again.StatusCode)
		}
		// A booking changes places left, so the bytes and the tag.
		f.book(t, f.SessionID, f.User(t, "booker"+id(int64(i))+"@example.org", f.Police.ID, account.Practitioner).ID)
		changed, _ := fetch(t, f.URL+path, "If-None-Match", etag)
		if changed.StatusCode != http.StatusOK || changed.Header.Get("ETag") == etag {
			t.Errorf("%s after a booking: %d, ETag %q", path, changed.StatusCode, changed.Header.Get("ETag"))
		}
		if len(body) == 0 {
			t.Errorf("%s: empty body", path)
		}
	}
}

func TestJSONFeedIsTheDocumentedShape(t *testing.T) {
	f := newFixture(t)
	f.hiddenDates(t)
	resp, body := fetch(t, f.URL+"/feeds/courses/"+id(f.CourseID)+"/sessions.json")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
		resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
	var doc struct {
		Version  int    `json:"version"`
		Title    string `json:"title"`
		Sessions []struct {
			ID         int64 `json:"id"`
			PlacesLeft int   `json:"places_left"`
		} `json:"sessions"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || doc.Title != "Safeguarding level 2" || len(doc.Sessions) != 1 ||
		doc.Sessions[0].ID != f.SessionID || doc.Sessions[0].PlacesLeft != 8 {
		t.Errorf("document: %s", body)
	}
}

func TestFeedsOfUnlistedCoursesAreNotFound(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	draft, err := f.Courses.CreateCourse(ctx, course.CourseInput{Title: "Secret draft", DurationMinutes: 60, Status: course.Draft})
	if err != nil {
		t.Fatal(err)
	}
	f.Session(t, draft, 48*time.Hour, 5)
	admin := f.signedIn(t, "ada@example.org")
	for _, path := range []string{"/feeds/courses/" + id(draft) + "/sessions.ics", "/feeds/courses/" + id(draft) + "/sessions.json",
		"/feeds/providers/" + id(f.Police.ID) + "/sessions.ics", "/feeds/courses/abc/sessions.json", "/feeds/courses/0/sessions.ics"} {
		resp, body := fetch(t, f.URL+path)
		if resp.StatusCode != http.StatusNotFound || bytes.Contains(body, []byte("Secret draft")) {
			t.Errorf("%s: %d %s, want 404", path, resp.StatusCode, body)
		}
		if strings.HasSuffix(path, ".json") && !json.Valid(body) {
			t.Errorf("%s: the error is not JSON: %s", path, body)
		}
		// Signed in as an admin, who may see the draft's page, the feed is still the public's.
		if r := f.get(t, admin, path); r.Status != http.StatusNotFound {
			t.Errorf("%s as an admin: %d, want 404", path, r.Status)
		}
	}
}
