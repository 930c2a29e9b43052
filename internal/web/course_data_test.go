package web_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/course"
)

var ldRE = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// courseLD is what a search engine reads from a course page.
type courseLD struct {
	Context   string `json:"@context"`
	Type      string `json:"@type"`
	Name      string `json:"name"`
	Provider  struct{ Name string }
	Instances []struct {
		Type       string `json:"@type"`
		CourseMode string `json:"courseMode"`
		StartDate  string `json:"startDate"`
		EndDate    string `json:"endDate"`
		URL        string `json:"url"`
		Location   struct {
			Type    string `json:"@type"`
			Address string `json:"address"`
			URL     string `json:"url"`
		} `json:"location"`
		Remaining int `json:"remainingAttendeeCapacity"`
	} `json:"hasCourseInstance"`
}

func TestCoursePagesCarrySchemaOrgDataThatCannotBreakOut(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	title := `Spotting exploitation </script><script>alert("x")</script> & <!-- more`
	courseID, err := f.Courses.CreateCourse(ctx, course.CourseInput{Title: title, Summary: "Modern slavery </SCRIPT> basics",
		DurationMinutes: 120, Status: course.Published})
	if err != nil {
		t.Fatal(err)
	}
	summer := time.Date(2027, 6, 15, 8, 30, 0, 0, time.UTC) // 9:30 in London
	online, err := f.Courses.CreateSession(ctx, course.SessionInput{CourseID: courseID, StartsAt: summer, EndsAt: summer.Add(2 * time.Hour),
		Online: true, OnlineURL: "https://meet.example.org/private-room", Capacity: 12})
	if err != nil {
		t.Fatal(err)
	}
	inPerson := f.Session(t, courseID, 3*24*time.Hour, 6)
	f.book(t, inPerson, f.Pract.ID)
	started := f.Session(t, courseID, time.Hour, 6)
	f.Clock.Advance(90 * time.Minute) // shown on the page as started, but not offered to search engines

	page := f.get(t, f.Browser(t), "/courses/"+id(courseID))
	blocks := ldRE.FindAllStringSubmatch(page.Body, -1)
	if page.Status != 200 || len(blocks) != 1 {
		t.Fatalf("%d, %d JSON-LD blocks, want 1:\n%.3000s", page.Status, len(blocks), page.Body)
	}
	if strings.Contains(page.Body, `<script>alert`) || strings.ContainsAny(blocks[0][1], "<>") {
		t.Fatalf("the title broke out of the data block:\n%s", blocks[0][1])
	}
	var ld courseLD
	if err := json.Unmarshal([]byte(blocks[0][1]), &ld); err != nil {
		t.Fatalf("the JSON-LD is not valid JSON: %v\n%s", err, blocks[0][1])
	}
	if ld.Context != "https://schema.org" || ld.Type != "Course" || ld.Name != title || ld.Provider.Name == "" {
		t.Errorf("course: %+v", ld)
	}
	if len(ld.Instances) != 2 {
		t.Fatalf("%d course instances, want the 2 that have not started (started: %d): %s", len(ld.Instances), started, blocks[0][1])
	}
	near, far := ld.Instances[0], ld.Instances[1]
	in := f.session(t, inPerson)
	if near.Type != "CourseInstance" || near.CourseMode != "onsite" || near.Location.Type != "Place" ||
		near.Location.Address != "Guildhall, Bath" || near.Remaining != 5 ||
		near.StartDate != in.StartsAt.Format("2006-01-02T15:04:05Z") || near.URL != f.URL+"/sessions/"+id(inPerson)+"/book" {
		t.Errorf("the in-person date: %+v", near)
	}
	if far.CourseMode != "online" || far.Location.Type != "VirtualLocation" || far.StartDate != "2027-06-15T09:30:00+01:00" ||
		far.EndDate != "2027-06-15T11:30:00+01:00" || far.Location.URL != f.URL+"/sessions/"+id(online)+"/book" {
		t.Errorf("the online date: %+v", far)
	}
	if strings.Contains(blocks[0][1], "private-room") {
		t.Error("the joining link is in the data for search engines")
	}
	mustContain(t, page.Body, `href="/feeds/courses/`+id(courseID)+`/sessions.ics"`)
}

func TestDraftCoursePagesOfferNothingToSearchEngines(t *testing.T) {
	f := newFixture(t)
	draft, err := f.Courses.CreateCourse(context.Background(), course.CourseInput{Title: "Not yet", DurationMinutes: 60, Status: course.Draft})
	if err != nil {
		t.Fatal(err)
	}
	f.Session(t, draft, 48*time.Hour, 5)
	page := f.get(t, f.signedIn(t, "ada@example.org"), "/courses/"+id(draft))
	if page.Status != 200 || ldRE.MatchString(page.Body) || strings.Contains(page.Body, "/feeds/courses/") {
		t.Errorf("an admin's view of a draft: %d, with schema.org data or a feed link", page.Status)
	}
}
