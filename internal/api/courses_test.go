package api_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/course"
)

func TestCourses(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	charity := f.Org(t, "Unseen", account.TrainingPartner)
	plain := f.Course(t, "Safeguarding level 1")
	slavery, err := f.Courses.CreateCourse(ctx, course.CourseInput{
		Title: "Modern slavery", Summary: "Spotting exploitation", Description: "Long text", Audience: "Level 2",
		DurationMinutes: 210, ProviderID: charity.ID, ValidityMonths: 36, Status: course.Published,
		Topics: []string{"exploitation", "modern slavery"},
	})
	if err != nil {
		t.Fatal(err)
	}
	draft, err := f.Courses.CreateCourse(ctx, course.CourseInput{Title: "Draft course", DurationMinutes: 60, Status: course.Draft})
	if err != nil {
		t.Fatal(err)
	}
	f.Session(t, slavery, time.Hour, 10) // under way by the time we ask
	upcoming := f.Session(t, slavery, 7*24*time.Hour, 10)
	cancelled := f.Session(t, slavery, 14*24*time.Hour, 10)
	if err := f.Courses.CancelSession(ctx, cancelled, "Trainer ill", f.admin.ID); err != nil {
		t.Fatal(err)
	}
	f.Clock.Advance(2 * time.Hour) // the first session is now under way

	t.Run("list is published only", func(t *testing.T) {
		r := f.do(http.MethodGet, "/api/v1/courses", "", nil)
		want(t, r, http.StatusOK, "list courses")
		var body struct {
			Courses []map[string]any `json:"courses"`
		}
		r.Into(t, &body)
		if len(body.Courses) != 2 {
			t.Fatalf("got %d courses, want 2 (no draft): %s", len(body.Courses), r.Body)
		}
		byID := map[int64]map[string]any{}
		for _, c := range body.Courses {
			byID[int64(c["id"].(float64))] = c
		}
		if _, ok := byID[draft]; ok {
			t.Fatal("draft course listed")
		}
		s := byID[slavery]
		if s["provider"] != "Unseen" || s["validity_months"] != float64(36) || s["duration_minutes"] != float64(210) ||
			s["audience"] != "Level 2" || s["status"] != "published" || s["description"] != "Long text" || s["summary"] != "Spotting exploitation" {
			t.Fatalf("modern slavery course: %v", s)
		}
		if topics := s["topics"].([]any); len(topics) != 2 || topics[0] != "exploitation" {
			t.Fatalf("topics: %v", topics)
		}
		p := byID[plain]
		if p["provider"] != nil || p["validity_months"] != nil {
			t.Fatalf("provider and validity must be null when absent: %v", p)
		}
		if topics, ok := p["topics"].([]any); !ok || len(topics) != 0 {
			t.Fatalf("topics must be [] when none: %v", p["topics"])
		}
		// Words narrow the list.
		r = f.do(http.MethodGet, "/api/v1/courses?q=slavery", "", nil)
		r.Into(t, &body)
		if len(body.Courses) != 1 || int64(body.Courses[0]["id"].(float64)) != slavery {
			t.Fatalf("search: %s", r.Body)
		}
	})

	t.Run("detail has upcoming scheduled sessions only", func(t *testing.T) {
		r := f.do(http.MethodGet, "/api/v1/courses/"+strconv.FormatInt(slavery, 10), "", nil)
		want(t, r, http.StatusOK, "course detail")
		var body struct {
			ID       int64         `json:"id"`
			Title    string        `json:"title"`
			Sessions []sessionBody `json:"sessions"`
		}
		r.Into(t, &body)
		if body.ID != slavery || body.Title != "Modern slavery" {
			t.Fatalf("detail: %s", r.Body)
		}
		if len(body.Sessions) != 1 || body.Sessions[0].ID != upcoming {
			t.Fatalf("sessions: want only %d, got %s", upcoming, r.Body)
		}
		s := body.Sessions[0]
		if s.Capacity != 10 || s.PlacesLeft != 10 || s.Status != "scheduled" || s.CourseTitle != "Modern slavery" {
			t.Fatalf("session: %+v", s)
		}
		r = f.do(http.MethodGet, "/api/v1/courses/"+strconv.FormatInt(plain, 10), "", nil)
		want(t, r, http.StatusOK, "course without sessions")
		if m := r.JSON(t); m["sessions"] == nil {
			t.Fatalf("sessions must be [] not null: %s", r.Body)
		}
	})

	t.Run("drafts exist only for admins", func(t *testing.T) {
		path := "/api/v1/courses/" + strconv.FormatInt(draft, 10)
		for _, tok := range []string{"", f.pracToken} {
			r := f.do(http.MethodGet, path, tok, nil)
			want(t, r, http.StatusNotFound, "draft for non-admin")
			if r.errorCode() != "not_found" {
				t.Fatalf("code: %s", r.Body)
			}
		}
		r := f.do(http.MethodGet, path, f.adminToken, nil)
		want(t, r, http.StatusOK, "draft for admin")
		if r.JSON(t)["status"] != "draft" {
			t.Fatalf("draft: %s", r.Body)
		}
	})

	t.Run("missing and malformed ids are 404", func(t *testing.T) {
		for _, id := range []string{"999999", "abc", "0", "-1", "1.5", "99999999999999999999999"} {
			r := f.do(http.MethodGet, "/api/v1/courses/"+id, "", nil)
			want(t, r, http.StatusNotFound, "course "+id)
		}
	})
}
