package api

import (
	"time"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
)

// The JSON shapes. Times are time.Time in UTC, so they marshal as RFC 3339 with a "Z";
// optional values are pointers so that "none" is null rather than 0 or "".

type courseJSON struct {
	ID              int64    `json:"id"`
	Title           string   `json:"title"`
	Summary         string   `json:"summary"`
	Description     string   `json:"description"`
	Audience        string   `json:"audience"`
	DurationMinutes int      `json:"duration_minutes"`
	Provider        *string  `json:"provider"`
	ValidityMonths  *int     `json:"validity_months"`
	Topics          []string `json:"topics"`
	Status          string   `json:"status"`
	// RequiresEvaluation: the certificate waits for the post-course evaluation.
	RequiresEvaluation bool `json:"requires_evaluation"`
}

type courseDetailJSON struct {
	courseJSON
	Sessions []sessionJSON `json:"sessions"`
}

func newCourseJSON(c course.Course) courseJSON {
	out := courseJSON{
		ID: c.ID, Title: c.Title, Summary: c.Summary, Description: c.Description, Audience: c.Audience,
		DurationMinutes: c.DurationMinutes, Topics: c.Topics, Status: string(c.Status),
		RequiresEvaluation: c.RequiresEvaluation,
	}
	if c.ProviderName != "" {
		name := c.ProviderName
		out.Provider = &name
	}
	if c.ValidityMonths > 0 {
		months := c.ValidityMonths
		out.ValidityMonths = &months
	}
	if out.Topics == nil {
		out.Topics = []string{}
	}
	return out
}

type trainerJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type sessionJSON struct {
	ID              int64         `json:"id"`
	CourseID        int64         `json:"course_id"`
	CourseTitle     string        `json:"course_title"`
	StartsAt        time.Time     `json:"starts_at"`
	EndsAt          time.Time     `json:"ends_at"`
	Online          bool          `json:"online"`
	Venue           string        `json:"venue"`
	OnlineURL       *string       `json:"online_url,omitempty"`
	Capacity        int           `json:"capacity"`
	MinPlaces       int           `json:"min_places"` // 0: no minimum
	Confirmed       int           `json:"confirmed"`
	Waitlisted      int           `json:"waitlisted"`
	PlacesLeft      int           `json:"places_left"`
	BookingClosesAt time.Time     `json:"booking_closes_at"`
	CancelCutoffAt  time.Time     `json:"cancel_cutoff_at"`
	Status          string        `json:"status"`
	CancelReason    string        `json:"cancel_reason"`
	Trainers        []trainerJSON `json:"trainers"`
}

// newSessionJSON shapes a session; showLink decides whether the joining link is included
// (admins, and people holding a confirmed place).
func newSessionJSON(s course.Session, showLink bool) sessionJSON {
	out := sessionJSON{
		ID: s.ID, CourseID: s.CourseID, CourseTitle: s.CourseTitle,
		StartsAt: s.StartsAt.UTC(), EndsAt: s.EndsAt.UTC(), Online: s.Online, Venue: s.Venue,
		Capacity: s.Capacity, MinPlaces: s.MinPlaces, Confirmed: s.Confirmed, Waitlisted: s.Waitlisted, PlacesLeft: s.PlacesLeft(),
		BookingClosesAt: s.BookingClosesAt.UTC(), CancelCutoffAt: s.CancelCutoffAt.UTC(),
		Status: s.Status, CancelReason: s.CancelReason, Trainers: make([]trainerJSON, 0, len(s.Trainers)),
	}
	if showLink && s.OnlineURL != "" {
		link := s.OnlineURL
		out.OnlineURL = &link
	}
	for _, t := range s.Trainers {
		out.Trainers = append(out.Trainers, trainerJSON{ID: t.ID, Name: t.Name})
	}
	return out
}

// bookingJSON answers booking and cancelling.
type bookingJSON struct {
	ID               int64  `json:"id"`
	Status           string `json:"status"`
	WaitlistPosition *int   `json:"waitlist_position"`
	SessionID        int64  `json:"session_id"`
}

func position(status booking.Status, pos int) *int {
	if status != booking.Waitlisted || pos <= 0 {
		return nil
	}
	return &pos
}

func newBookingJSON(b booking.Booking) bookingJSON {
	return bookingJSON{ID: b.ID, Status: string(b.Status), WaitlistPosition: position(b.Status, b.WaitlistPosition), SessionID: b.SessionID}
}

// myBookingJSON is one line of GET /me/bookings and GET /bookings/{id}.
type myBookingJSON struct {
	bookingJSON
	BookedAt  time.Time         `json:"booked_at"`
	UpdatedAt time.Time         `json:"updated_at"`
	Session   bookedSessionJSON `json:"session"`
}

type bookedSessionJSON struct {
	ID          int64     `json:"id"`
	CourseID    int64     `json:"course_id"`
	CourseTitle string    `json:"course_title"`
	StartsAt    time.Time `json:"starts_at"`
	EndsAt      time.Time `json:"ends_at"`
	Online      bool      `json:"online"`
	Venue       string    `json:"venue"`
	OnlineURL   *string   `json:"online_url,omitempty"`
	Status      string    `json:"status"`
}

// newMyBookingJSON shapes an entry; the joining link only travels with a confirmed place.
func newMyBookingJSON(e booking.Entry) myBookingJSON {
	out := myBookingJSON{
		bookingJSON: newBookingJSON(e.Booking),
		BookedAt:    e.CreatedAt.UTC(), UpdatedAt: e.UpdatedAt.UTC(),
		Session: bookedSessionJSON{
			ID: e.SessionID, CourseID: e.CourseID, CourseTitle: e.CourseTitle,
			StartsAt: e.StartsAt.UTC(), EndsAt: e.EndsAt.UTC(), Online: e.Online, Venue: e.Venue, Status: e.SessionStatus,
		},
	}
	if e.Status == booking.Confirmed && !e.Held && e.OnlineURL != "" { // not for a place held for approval
		link := e.OnlineURL
		out.Session.OnlineURL = &link
	}
	return out
}
