package feed

import (
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
)

// Version is the shape of the JSON feed, documented in docs/feeds.md. Fields may be
// added within a version; renaming, removing or changing the meaning of one makes a new
// version.
const Version = 1

// Document is the JSON feed, version 1.
type Document struct {
	Version  int    `json:"version"`
	Title    string `json:"title"`
	Link     string `json:"link"`      // the page people read: the course's, or the course list
	TimeZone string `json:"time_zone"` // of the "when" texts; times themselves are UTC
	// Sessions are soonest first; never null.
	Sessions []SessionJSON `json:"sessions"`
}

// SessionJSON is one upcoming date.
type SessionJSON struct {
	ID              int64      `json:"id"`
	UID             string     `json:"uid"` // the calendar feed's UID for the same date
	Course          CourseJSON `json:"course"`
	StartsAt        time.Time  `json:"starts_at"` // UTC, RFC 3339
	EndsAt          time.Time  `json:"ends_at"`
	When            string     `json:"when"` // in Europe/London, in words
	Online          bool       `json:"online"`
	Location        string     `json:"location"` // the venue, or "Online"
	Area            string     `json:"area"`     // the town, or "Online"; "" when unknown
	Capacity        int        `json:"capacity"`
	PlacesLeft      int        `json:"places_left"`
	BookingOpen     bool       `json:"booking_open"`
	BookingClosesAt time.Time  `json:"booking_closes_at"`
	BookingURL      string     `json:"booking_url"`
}

// CourseJSON is the course a date belongs to.
type CourseJSON struct {
	ID              int64    `json:"id"`
	Title           string   `json:"title"`
	Summary         string   `json:"summary"`
	DurationMinutes int      `json:"duration_minutes"`
	Provider        *string  `json:"provider"` // null when the partnership delivers it itself
	Topics          []string `json:"topics"`
	URL             string   `json:"url"`
}

// JSON shapes the listing as the version 1 document.
func (l Listing) JSON(k Links) Document {
	doc := Document{Version: Version, Title: l.Title, Link: k.Page(l.Scope), TimeZone: clock.London.String(),
		Sessions: make([]SessionJSON, 0, len(l.Dates))}
	for _, d := range l.Dates {
		doc.Sessions = append(doc.Sessions, SessionJSON{
			ID: d.ID, UID: k.UID(d.ID), Course: courseJSON(d.Course, k),
			StartsAt: d.StartsAt.UTC(), EndsAt: d.EndsAt.UTC(), When: When(d.Session),
			Online: d.Online, Location: Where(d.Session), Area: course.Area(d.Online, d.Venue),
			Capacity: d.Capacity, PlacesLeft: d.PlacesLeft(), BookingOpen: d.BookingOpen,
			BookingClosesAt: d.BookingClosesAt.UTC(), BookingURL: k.Book(d.ID),
		})
	}
	return doc
}

func courseJSON(c course.Course, k Links) CourseJSON {
	out := CourseJSON{ID: c.ID, Title: c.Title, Summary: c.Summary, DurationMinutes: c.DurationMinutes,
		Topics: c.Topics, URL: k.Course(c.ID)}
	if c.ProviderName != "" {
		name := c.ProviderName
		out.Provider = &name
	}
	if out.Topics == nil {
		out.Topics = []string{}
	}
	return out
}
