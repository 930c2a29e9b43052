package feed

import (
	"strconv"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
)

// CourseLD is a course as schema.org Course data (JSON-LD), for search engines to show
// its dates in results. Each date is a CourseInstance, which schema.org makes a kind of
// Event, so it carries the event properties too. html/template writes it inside
// <script type="application/ld+json"> as JSON with <, > and & escaped, so no text in it
// can end the script.
type CourseLD struct {
	Context      string       `json:"@context"`
	Type         string       `json:"@type"`
	Name         string       `json:"name"`
	Description  string       `json:"description"`
	URL          string       `json:"url"`
	Provider     orgLD        `json:"provider"`
	TimeRequired string       `json:"timeRequired,omitempty"`
	Keywords     string       `json:"keywords,omitempty"`
	Instances    []instanceLD `json:"hasCourseInstance"`
}

type orgLD struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

type instanceLD struct {
	Type                      string `json:"@type"`
	Name                      string `json:"name"`
	CourseMode                string `json:"courseMode"` // "online" or "onsite"
	StartDate                 string `json:"startDate"`  // ISO 8601 with the London offset
	EndDate                   string `json:"endDate"`
	Location                  any    `json:"location"`
	URL                       string `json:"url"` // the booking page
	EventStatus               string `json:"eventStatus"`
	EventAttendanceMode       string `json:"eventAttendanceMode"`
	MaximumAttendeeCapacity   int    `json:"maximumAttendeeCapacity"`
	RemainingAttendeeCapacity int    `json:"remainingAttendeeCapacity"`
}

type placeLD struct {
	Type    string `json:"@type"`
	Name    string `json:"name"`
	Address string `json:"address"`
}

type virtualLD struct {
	Type string `json:"@type"`
	URL  string `json:"url"` // the booking page: the joining link goes only to people with a place
}

// CourseData describes a course and its Listed dates for search engines. ok is false for
// a course the public cannot see (an admin looking at a draft): nothing of it should be
// offered to a search engine. provider names who delivers it when the course names no
// training partner (the partnership itself).
func CourseData(c course.Course, sessions []course.Session, now time.Time, k Links, provider string) (ld CourseLD, ok bool) {
	if !c.VisibleTo(course.Viewer{}) {
		return CourseLD{}, false
	}
	if c.ProviderName != "" {
		provider = c.ProviderName
	}
	ld = CourseLD{
		Context: "https://schema.org", Type: "Course", Name: c.Title, Description: describe(c), URL: k.Course(c.ID),
		Provider: orgLD{Type: "Organization", Name: provider}, Keywords: strings.Join(c.Topics, ", "),
		Instances: []instanceLD{},
	}
	if c.DurationMinutes > 0 {
		ld.TimeRequired = "PT" + strconv.Itoa(c.DurationMinutes) + "M"
	}
	for _, s := range sessions {
		if !s.Listed(now) {
			continue
		}
		in := instanceLD{
			Type: "CourseInstance", Name: c.Title, CourseMode: "onsite",
			StartDate: s.StartsAt.In(clock.London).Format(time.RFC3339), EndDate: s.EndsAt.In(clock.London).Format(time.RFC3339),
			Location: placeLD{Type: "Place", Name: s.Venue, Address: s.Venue}, URL: k.Book(s.ID),
			EventStatus: "https://schema.org/EventScheduled", EventAttendanceMode: "https://schema.org/OfflineEventAttendanceMode",
			MaximumAttendeeCapacity: s.Capacity, RemainingAttendeeCapacity: s.PlacesLeft(),
		}
		if s.Online {
			in.CourseMode, in.EventAttendanceMode = "online", "https://schema.org/OnlineEventAttendanceMode"
			in.Location = virtualLD{Type: "VirtualLocation", URL: k.Book(s.ID)}
		}
		ld.Instances = append(ld.Instances, in)
	}
	return ld, true
}

// describe is the course's summary, else the first paragraph of its description, else
// its title: search engines want a description.
func describe(c course.Course) string {
	if s := strings.TrimSpace(c.Summary); s != "" {
		return s
	}
	first, _, _ := strings.Cut(strings.TrimSpace(strings.ReplaceAll(c.Description, "\r\n", "\n")), "\n\n")
	if first = strings.TrimSpace(first); first != "" {
		return first
	}
	return c.Title
}
