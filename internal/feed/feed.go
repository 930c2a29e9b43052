// Package feed publishes the public catalogue's upcoming dates where partners and search
// engines look: iCalendar and JSON feeds, the listing a partner embeds in their own site,
// and schema.org data for course pages. Whoever asks, it shows only what someone who has
// not signed in may see (course.Session.Listed): these copies are cached and live on
// other sites.
package feed

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/problem"
)

// Service reads listings of upcoming dates.
type Service struct {
	Courses *course.Service
	// SiteName titles the listing of everything.
	SiteName string
}

// Scope is what a listing covers: one course, one provider organisation, or everything
// (the zero Scope).
type Scope struct {
	CourseID   int64
	ProviderID int64
}

// Listing is a scope's upcoming dates, ready to be written in any of the shapes.
type Listing struct {
	Scope
	Title string // the course's title, "Training delivered by Unseen", or the site's name
	Dates []Date
}

// Date is one listed session with its course, and whether it can be booked now.
type Date struct {
	course.Session
	Course       course.Course
	BookingOpen  bool
	ClosedReason string // why not, in words, when !BookingOpen
}

// ErrNotFound answers a scope that names no listed course or provider: a draft, a course
// waiting for approval, an organisation that provides nothing live. It says no more, so
// the feeds do not reveal what exists behind the catalogue.
var ErrNotFound = problem.New(http.StatusNotFound, "not_found",
	"There are no published dates at this address. The course may have been withdrawn: find current training in the course list.")

// Listing reads the upcoming dates of a scope. A course or provider that the public
// catalogue does not show is ErrNotFound, even when it has sessions.
func (s *Service) Listing(ctx context.Context, scope Scope) (Listing, error) {
	live, err := s.Courses.Catalogue(ctx, course.Search{}) // every live course, cached
	if err != nil {
		return Listing{}, err
	}
	courses := make(map[int64]course.Course, len(live))
	l := Listing{Scope: scope, Title: s.SiteName}
	for _, c := range live {
		courses[c.ID] = c.Course
		if scope.ProviderID != 0 && c.ProviderID == scope.ProviderID {
			l.Title = "Training delivered by " + c.ProviderName
		}
	}
	switch {
	case scope.CourseID != 0:
		c, ok := courses[scope.CourseID]
		if !ok || (scope.ProviderID != 0 && c.ProviderID != scope.ProviderID) {
			return Listing{}, ErrNotFound
		}
		l.Title = c.Title
	case scope.ProviderID != 0 && l.Title == s.SiteName:
		return Listing{}, ErrNotFound
	}
	sessions, err := s.Courses.Upcoming(ctx, course.UpcomingFilter{CourseID: scope.CourseID, ProviderID: scope.ProviderID})
	if err != nil {
		return Listing{}, err
	}
	now := s.Courses.Now()
	for _, sess := range sessions {
		c, ok := courses[sess.CourseID]
		if !ok { // withdrawn between the two reads
			continue
		}
		d := Date{Session: sess, Course: c}
		d.BookingOpen, d.ClosedReason = sess.BookingState(now)
		l.Dates = append(l.Dates, d)
	}
	return l, nil
}

// Links makes the absolute addresses a listing points to.
type Links struct {
	Base string // the site's address, without a trailing slash
	Host string // completes UIDs; from the configured base URL, so UIDs never change
}

// Book is a session's booking page: sign-in first, then straight back to it.
func (k Links) Book(sessionID int64) string { return k.Base + "/sessions/" + id(sessionID) + "/book" }

// Course is a course's page.
func (k Links) Course(courseID int64) string { return k.Base + "/courses/" + id(courseID) }

// UID names a session's event in every feed, the same whichever feed it comes from and
// unlike any booking's invite UID, so a calendar subscribed to two feeds shows it once.
func (k Links) UID(sessionID int64) string { return "session-" + id(sessionID) + "@" + k.Host }

// Page is the human page for a listing: the course's page, or the course list.
func (k Links) Page(s Scope) string {
	if s.CourseID != 0 {
		return k.Course(s.CourseID)
	}
	return k.Base + "/courses"
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// When is a session's time as people in the UK read it, in Europe/London:
// "Monday 30 November 2026, 9:30am to 12:30pm", naming the end's day when it differs.
func When(s course.Session) string {
	start, end := s.StartsAt.In(clock.London), s.EndsAt.In(clock.London)
	out := start.Format("Monday 2 January 2006, 3:04pm") + " to "
	if y, m, d := start.Date(); !sameDay(end, y, m, d) {
		return out + end.Format("Monday 2 January 2006, 3:04pm")
	}
	return out + end.Format("3:04pm")
}

func sameDay(t time.Time, y int, m time.Month, d int) bool {
	ty, tm, td := t.Date()
	return ty == y && tm == m && td == d
}

// Where is a session's place in a listing: the venue, or "Online". The joining link is
// never listed: it goes only to people with a place.
func Where(s course.Session) string {
	if s.Online {
		return course.AreaOnline
	}
	return s.Venue
}

// Places says how full a date is: "4 places left", "1 place left", "Full".
func Places(s course.Session) string {
	switch n := s.PlacesLeft(); n {
	case 0:
		return "Full"
	case 1:
		return "1 place left"
	default:
		return strconv.Itoa(n) + " places left"
	}
}

// Availability is Places with what can be done about it: booking closed, or a waiting
// list to join.
func (d Date) Availability() string {
	switch {
	case !d.BookingOpen:
		return strings.TrimSuffix(d.ClosedReason, ".") + "."
	case d.Full():
		return "Full: you can join the waiting list."
	}
	return Places(d.Session) + "."
}

// When is the date's time in words (see the When function).
func (d Date) When() string { return When(d.Session) }

// Where is the date's place (see the Where function).
func (d Date) Where() string { return Where(d.Session) }

// Action is what the booking link offers, or "" when booking has closed.
func (d Date) Action() string {
	switch {
	case !d.BookingOpen:
		return ""
	case d.Course.ManagerApproval:
		return "Ask for a place"
	case d.Full():
		return "Join the waiting list"
	}
	return "Book a place"
}
