package feed

import (
	"strings"

	"github.com/traininghub/traininghub/internal/calendar"
)

// ICS writes the listing as an iCalendar feed (METHOD:PUBLISH) for calendar apps and
// partners' sites to subscribe to: one event per date, in UTC, with a UID that never
// changes, the place (or "Online"), the booking page, and the places left. The events
// are transparent: a date on offer does not make the subscriber busy.
//
// DTSTAMP is when the session's details last changed, not the time of the request, so
// the same dates give the same bytes and a conditional request can be answered "not
// modified".
func (l Listing) ICS(k Links) ([]byte, error) {
	events := make([]calendar.Event, 0, len(l.Dates))
	for _, d := range l.Dates {
		stamp := d.UpdatedAt
		if stamp.IsZero() {
			stamp = d.StartsAt
		}
		events = append(events, calendar.Event{
			UID: k.UID(d.ID), Summary: d.Course.Title, Start: d.StartsAt, End: d.EndsAt, Stamp: stamp,
			Location: Where(d.Session), URL: k.Book(d.ID), Description: d.description(k), Transparent: true,
		})
	}
	return calendar.Feed(l.Title, events)
}

// description is an event's text in plain English; calendar apps show it as it is.
func (d Date) description(k Links) string {
	var b strings.Builder
	b.WriteString(When(d.Session) + " (UK time)\n")
	if d.Online {
		b.WriteString("Online: the joining link is sent to people with a place.\n")
	} else {
		b.WriteString("Where: " + d.Venue + "\n")
	}
	b.WriteString(d.Availability() + "\n")
	if d.Course.ProviderName != "" {
		b.WriteString("Delivered by " + d.Course.ProviderName + ".\n")
	}
	if d.BookingOpen {
		b.WriteString("\nBook a place: " + k.Book(d.ID) + "\n")
	}
	b.WriteString("About the course: " + k.Course(d.CourseID) + "\n")
	if s := strings.TrimSpace(d.Course.Summary); s != "" {
		b.WriteString("\n" + s + "\n")
	}
	return b.String()
}
