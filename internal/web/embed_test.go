package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/course"
)

var anchorRE = regexp.MustCompile(`<a\b[^>]*>`)

func TestEmbedListsPublicDatesLinkingOutOfTheFrame(t *testing.T) {
	f := newFixture(t)
	hidden := f.hiddenDates(t)
	online, err := f.Courses.CreateSession(context.Background(), course.SessionInput{CourseID: f.CourseID,
		StartsAt: f.Clock.Now().Add(72 * time.Hour), EndsAt: f.Clock.Now().Add(74 * time.Hour), Online: true,
		OnlineURL: "https://meet.example.org/private-room", Capacity: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/embed/sessions", "/embed/courses/" + id(f.CourseID)} {
		resp, raw := fetch(t, f.URL+path)
		body := string(raw)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "public, max-age=60" {
			t.Fatalf("%s: %d, Cache-Control %q", path, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		mustContain(t, body, "Wednesday 2 December 2026, 10:00am to 1:00pm", "Guildhall, Bath", "8 places left.",
			`href="`+f.URL+`/sessions/`+id(f.SessionID)+`/book" target="_top">Book a place`,
			"Saturday 28 November 2026, 12:00pm to 2:00pm", "Online", "1 place left.",
			`href="`+f.URL+`/sessions/`+id(online)+`/book" target="_top"`)
		for what, sid := range hidden {
			if strings.Contains(body, "/sessions/"+id(sid)+"/book") {
				t.Errorf("%s lists the %s session", path, what)
			}
		}
		mustNotContain(t, body, "private-room", "<script", "<form", "Draft course", "Unapproved course")
		for _, a := range anchorRE.FindAllString(body, -1) {
			if !strings.Contains(a, `target="_top"`) {
				t.Errorf("%s: a link that would open inside the frame: %s", path, a)
			}
		}
	}
}

func TestOnlyTheEmbedMayBeFramed(t *testing.T) {
	f := newFixture(t)
	framed := map[string]int{
		"/embed/sessions":                     http.StatusOK,
		"/embed/courses/" + id(f.CourseID):    http.StatusOK,
		"/embed/courses/99999":                http.StatusNotFound,
		"/embed/providers/" + id(f.Police.ID): http.StatusNotFound,
	}
	for path, status := range framed {
		resp, body := fetch(t, f.URL+path)
		csp := resp.Header.Get("Content-Security-Policy")
		if resp.StatusCode != status || !strings.Contains(csp, "frame-ancestors *") || resp.Header.Get("X-Frame-Options") != "" {
			t.Errorf("%s: %d, CSP %q, X-Frame-Options %q: want it framable", path, resp.StatusCode, csp, resp.Header.Get("X-Frame-Options"))
		}
		if !strings.Contains(csp, "script-src 'none'") || !strings.Contains(csp, "form-action 'none'") {
			t.Errorf("%s: CSP %q allows script or forms", path, csp)
		}
		if status == http.StatusNotFound {
			mustContain(t, string(body), "These dates are no longer listed.")
		}
	}
	for _, path := range []string{"/courses/" + id(f.CourseID), "/courses", "/", "/embed", "/embedded/sessions", "/login",
		"/feeds/sessions.ics", "/static/app.css"} {
		resp, _ := fetch(t, f.URL+path)
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") ||
			resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: CSP %q, X-Frame-Options %q: another site could frame it", path, csp, resp.Header.Get("X-Frame-Options"))
		}
	}
}
