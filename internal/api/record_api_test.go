package api_test

import (
	"context"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
)

// recAttend books each person, moves the clock past the session's start, marks them
// attended and submits the register. It returns the booking ids.
func (f *fixture) recAttend(sessionID int64, users ...*account.User) []int64 {
	f.t.Helper()
	ctx := context.Background()
	var ids []int64
	for _, u := range users {
		res, err := f.Bookings.Book(ctx, booking.Request{SessionID: sessionID, UserID: u.ID, ActorID: u.ID})
		if err != nil {
			f.t.Fatalf("book: %v", err)
		}
		ids = append(ids, res.Booking.ID)
	}
	s, err := f.Courses.Session(ctx, sessionID)
	if err != nil {
		f.t.Fatal(err)
	}
	if f.Clock.Now().Before(s.StartsAt) {
		f.Clock.Set(s.StartsAt.Add(time.Hour))
	}
	for _, b := range ids {
		if err := f.Attendance.SetMark(ctx, b, attendance.Attended, f.admin.ID); err != nil {
			f.t.Fatalf("mark: %v", err)
		}
	}
	if _, err := f.Attendance.Submit(ctx, sessionID, f.admin.ID); err != nil {
		f.t.Fatalf("submit: %v", err)
	}
	return ids
}

func (f *fixture) recCourse(in course.CourseInput) int64 {
	f.t.Helper()
	in.Summary, in.DurationMinutes, in.Status = "About "+in.Title, 180, course.Published
	id, err := f.Courses.CreateCourse(context.Background(), in)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func recKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestMyRecord(t *testing.T) {
	f := newFixture(t)
	refresher := f.recCourse(course.CourseInput{Title: "Children missing from home", ValidityMonths: 36})
	evaluated := f.recCourse(course.CourseInput{Title: "Neglect", RequiresEvaluation: true})
	// Thursday 26 November 2026 10:00 and Friday 27 November 10:00, London on GMT.
	s1 := f.Session(t, evaluated, 24*time.Hour, 10)
	s2 := f.Session(t, refresher, 2*24*time.Hour, 10)
	upcoming := f.Session(t, refresher, 30*24*time.Hour, 10)
	f.recAttend(s1, f.practitioner)
	f.recAttend(s2, f.practitioner)
	if _, err := f.Bookings.Book(context.Background(), booking.Request{SessionID: upcoming, UserID: f.practitioner.ID}); err != nil {
		t.Fatal(err)
	}

	r := f.do(http.MethodGet, "/api/v1/me/record", f.pracToken, nil)
	want(t, r, http.StatusOK, "record")
	var body struct {
		Completions []map[string]any `json:"completions"`
		Upcoming    []map[string]any `json:"upcoming"`
	}
	r.Into(t, &body)
	if len(body.Completions) != 2 || len(body.Upcoming) != 1 {
		t.Fatalf("record: %s", r.Body)
	}
	wantKeys := []string{"awaiting_evaluation", "certificate_code", "certificate_pdf_url", "completed_on", "course", "course_id", "expires_on", "status"}
	for _, c := range body.Completions {
		if got := recKeys(c); !reflect.DeepEqual(got, wantKeys) {
			t.Errorf("completion keys %v, want %v", got, wantKeys)
		}
	}
	first, second := body.Completions[0], body.Completions[1]
	code, _ := first["certificate_code"].(string)
	if first["course"] != "Children missing from home" || first["course_id"] != float64(refresher) ||
		first["completed_on"] != "2026-11-27" || first["expires_on"] != "2029-11-27" || first["status"] != "current" ||
		len(code) != 23 || first["awaiting_evaluation"] != false || first["certificate_pdf_url"] != f.URL+"/api/v1/certificates/"+code+"/pdf" {
		t.Errorf("first completion: %v", first)
	}
	if second["course"] != "Neglect" || second["completed_on"] != "2026-11-26" || second["expires_on"] != nil ||
		second["status"] != "none" || second["certificate_code"] != nil || second["certificate_pdf_url"] != nil || second["awaiting_evaluation"] != true {
		t.Errorf("second completion: %v", second)
	}
	up := body.Upcoming[0]
	session, _ := up["session"].(map[string]any)
	if up["status"] != "confirmed" || session["id"] != float64(upcoming) || session["course_title"] != "Children missing from home" {
		t.Errorf("upcoming: %v", up)
	}

	// Someone with nothing yet gets empty lists, not null.
	r = f.do(http.MethodGet, "/api/v1/me/record", f.otherToken, nil)
	want(t, r, http.StatusOK, "empty record")
	if got := strings.TrimSpace(string(r.Body)); got != `{"completions":[],"upcoming":[]}` {
		t.Errorf("empty record: %s", got)
	}
	want(t, f.do(http.MethodGet, "/api/v1/me/record", "", nil), http.StatusUnauthorized, "anonymous")
}

func TestCertificateVerification(t *testing.T) {
	f := newFixture(t)
	cid := f.recCourse(course.CourseInput{Title: "Children missing from home", ValidityMonths: 36})
	f.recAttend(f.Session(t, cid, 2*24*time.Hour, 10), f.practitioner)
	certs, err := f.Attendance.ForUser(context.Background(), f.practitioner.ID)
	if err != nil || len(certs) != 1 {
		t.Fatalf("certificates: %v %v", certs, err)
	}
	code := certs[0].Code

	check := func(path, status string, expires any) {
		t.Helper()
		r := f.do(http.MethodGet, path, "", nil)
		want(t, r, http.StatusOK, path)
		m := r.JSON(t)
		if got := recKeys(m); !reflect.DeepEqual(got, []string{"code", "completed_on", "course", "expires_on", "name", "status"}) {
			t.Errorf("keys %v", got)
		}
		if m["code"] != code || m["status"] != status || m["name"] != f.practitioner.Name ||
			m["course"] != "Children missing from home" || m["completed_on"] != "2026-11-27" || m["expires_on"] != expires {
			t.Errorf("%s: %s", path, r.Body)
		}
		for _, private := range []string{f.practitioner.Email, "Bath Council", "organisation", "email"} {
			if strings.Contains(string(r.Body), private) && !strings.Contains(f.practitioner.Name, private) {
				t.Errorf("%s reveals %q: %s", path, private, r.Body)
			}
		}
	}
	check("/api/v1/certificates/"+code, "valid", "2029-11-27")
	check("/api/v1/certificates/"+strings.ToLower(strings.ReplaceAll(code, "-", "")), "valid", "2029-11-27")
	f.Clock.Set(time.Date(2029, 11, 27, 0, 0, 0, 0, time.UTC))
	check("/api/v1/certificates/"+code, "expired", "2029-11-27")
	if err := f.Attendance.Revoke(context.Background(), code, "Wrong person", f.admin.ID); err != nil {
		t.Fatal(err)
	}
	check("/api/v1/certificates/"+code, "revoked", "2029-11-27")

	r := f.do(http.MethodGet, "/api/v1/certificates/7Q2KD-M9XWT-0BZ4H-RC5NE", "", nil)
	want(t, r, http.StatusNotFound, "unknown code")
	if r.errorCode() != "not_found" || !strings.Contains(string(r.Body), "We could not find a certificate with that code") {
		t.Errorf("unknown code: %s", r.Body)
	}
	want(t, f.do(http.MethodGet, "/api/v1/certificates/nonsense", "", nil), http.StatusNotFound, "not a code")
	// A bad token is refused even on a public endpoint.
	want(t, f.do(http.MethodGet, "/api/v1/certificates/"+code, "nope", nil), http.StatusUnauthorized, "bad token")
}

func TestCertificateVerificationRateLimit(t *testing.T) {
	f := newFixture(t)
	const path = "/api/v1/certificates/7Q2KD-M9XWT-0BZ4H-RC5NE"
	for i := 1; i <= 30; i++ {
		want(t, f.do(http.MethodGet, path, "", nil), http.StatusNotFound, "lookup")
	}
	r := f.do(http.MethodGet, path, "", nil)
	want(t, r, http.StatusTooManyRequests, "lookup 31")
	if r.Header.Get("Retry-After") != "600" || r.errorCode() != "too_many_requests" {
		t.Errorf("429: Retry-After %q, body %s", r.Header.Get("Retry-After"), r.Body)
	}
	f.Clock.Advance(10 * time.Minute)
	want(t, f.do(http.MethodGet, path, "", nil), http.StatusNotFound, "after the window")
}

func TestCourseShowsRequiresEvaluation(t *testing.T) {
	f := newFixture(t)
	cid := f.recCourse(course.CourseInput{Title: "Neglect", RequiresEvaluation: true})
	r := f.do(http.MethodGet, "/api/v1/courses/"+strconv.FormatInt(cid, 10), "", nil)
	want(t, r, http.StatusOK, "course")
	if m := r.JSON(t); m["requires_evaluation"] != true {
		t.Errorf("requires_evaluation: %s", r.Body)
	}
}
