// Package meetingreport reads the attendance reports that Microsoft Teams and Zoom let an
// organiser download after an online session, so a register can be proposed from who was
// really in the meeting and for how long. It knows nothing of bookings: it turns a file
// into people, their join and leave times, and their time in the meeting.
package meetingreport

import (
	"errors"
	"sort"
	"strings"
	"time"
)

// Source names the meeting service a report came from.
type Source string

// The services whose reports are read.
const (
	Teams Source = "Microsoft Teams"
	Zoom  Source = "Zoom"
)

// Span is one stretch of time someone was in the meeting.
type Span struct {
	Join, Leave time.Time
}

// Attendee is one person in the report, with every join gathered together.
type Attendee struct {
	Name string
	// OtherName is the name behind the one shown, when the report gives both (Zoom's
	// "Shown Name (Original Name)").
	OtherName string
	Email     string // "" for a guest who joined without signing in
	Role      string // as the report gives it (Organizer, Presenter, Attendee), or ""
	// Spans holds the joins whose times the report gave; Reported adds up the durations
	// the report stated, for reports that give no times.
	Spans    []Span
	Reported time.Duration
}

// Report is a parsed attendance report.
type Report struct {
	Source    Source
	Title     string
	Attendees []Attendee
}

// Errors a trainer can act on.
var (
	ErrEmpty        = errors.New("the file is empty")
	ErrUnrecognised = errors.New("this is not a Microsoft Teams or Zoom attendance report")
	ErrNoPeople     = errors.New("the report lists nobody who attended")
)

// TimeIn is how long a was in the meeting between start and end: joins that overlap (a
// laptop and a phone at once) count once, and time before the start or after the end does
// not count. A report without times falls back on its stated durations, capped at the
// session's length.
func (a Attendee) TimeIn(start, end time.Time) time.Duration {
	if len(a.Spans) == 0 {
		return min(a.Reported, end.Sub(start))
	}
	spans := make([]Span, 0, len(a.Spans))
	for _, s := range a.Spans {
		if s.Join.Before(start) {
			s.Join = start
		}
		if s.Leave.After(end) {
			s.Leave = end
		}
		if s.Leave.After(s.Join) {
			spans = append(spans, s)
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].Join.Before(spans[j].Join) })
	var total time.Duration
	var cur Span
	for i, s := range spans {
		switch {
		case i == 0:
			cur = s
		case !s.Join.After(cur.Leave):
			if s.Leave.After(cur.Leave) {
				cur.Leave = s.Leave
			}
		default:
			total += cur.Leave.Sub(cur.Join)
			cur = s
		}
	}
	if len(spans) > 0 {
		total += cur.Leave.Sub(cur.Join)
	}
	return total
}

// gather merges rows that are the same person: the same email, or, for guests without
// one, the same name as written.
func gather(rows []Attendee) []Attendee {
	var out []Attendee
	index := map[string]int{}
	for _, r := range rows {
		key := "name:" + strings.ToLower(strings.TrimSpace(r.Name))
		if r.Email != "" {
			key = "email:" + strings.ToLower(r.Email)
		}
		i, seen := index[key]
		if !seen {
			index[key] = len(out)
			out = append(out, Attendee{Name: r.Name, OtherName: r.OtherName, Email: r.Email, Role: r.Role})
			i = len(out) - 1
		}
		out[i].Spans = append(out[i].Spans, r.Spans...)
		out[i].Reported += r.Reported
		if out[i].Role == "" {
			out[i].Role = r.Role
		}
	}
	return out
}
