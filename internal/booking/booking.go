// Package booking is the booking engine: places, waiting lists, cancellations and
// promotions, each decided inside one BEGIN IMMEDIATE transaction so that confirmed
// places never exceed capacity however many people book at once.
package booking

import (
	"net/http"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// Status is where a booking stands.
type Status string

// Booking statuses. Confirmed and waitlisted are "live": a person holds at most one live
// booking per session.
const (
	Confirmed     Status = "confirmed"
	Waitlisted    Status = "waitlisted"
	Cancelled     Status = "cancelled"
	LateCancelled Status = "late_cancelled"
)

// Live reports whether the booking still holds a place or a waiting-list position.
func (s Status) Live() bool { return s == Confirmed || s == Waitlisted }

// Label is the plain-English status.
func (s Status) Label() string {
	switch s {
	case Confirmed:
		return "Booked"
	case Waitlisted:
		return "On the waiting list"
	case Cancelled:
		return "Cancelled"
	case LateCancelled:
		return "Cancelled late"
	}
	return string(s)
}

// Reasons written to the booking history.
const (
	ReasonBooked           = "booked"
	ReasonWaitlisted       = "joined waiting list"
	ReasonPromoted         = "promoted from waiting list"
	ReasonCancelled        = "cancelled"
	ReasonLateCancelled    = "cancelled after the cut-off"
	ReasonSessionCancelled = "session cancelled"
)

// Booking is one person's place (or waiting-list position) on one session.
type Booking struct {
	ID               int64
	SessionID        int64
	UserID           int64
	Status           Status
	WaitlistPosition int // 1-based; 0 unless waitlisted
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Service books and cancels.
type Service struct {
	DB  *store.DB
	Now clock.Clock
	// Outcome, when set, hears what became of each booking request and cancellation once
	// its transaction has ended (for the metrics): outcome is confirmed, waitlisted,
	// replayed, refused, busy, error, cancelled, late_cancelled, promoted or
	// cancel_refused; reason is a refusal's code.
	Outcome func(outcome, reason string)
}

// NewService wires a Service.
func NewService(db *store.DB, now clock.Clock) *Service { return &Service{DB: db, Now: now} }

// Refusals, each with a message that says why.
var (
	ErrSessionNotFound  = problem.New(http.StatusNotFound, "not_found", "We could not find that session.")
	ErrBookingNotFound  = problem.New(http.StatusNotFound, "not_found", "We could not find that booking.")
	ErrUserNotFound     = problem.New(http.StatusNotFound, "user_not_found", "There is no active account with that email address.")
	ErrAlreadyBooked    = problem.Conflict("already_booked", "You already have a place on this session, or are on its waiting list.")
	ErrSessionCancelled = problem.Unprocessable("session_cancelled", "This session has been cancelled, so it cannot be booked.")
	ErrSessionStarted   = problem.Unprocessable("session_started", "This session has already started, so it can no longer be booked.")
	ErrBookingClosed    = problem.Unprocessable("booking_closed", "Booking for this session has closed.")
	ErrCourseNotOpen    = problem.Unprocessable("course_not_open", "This course is not open for booking.")
	ErrAlreadyCancelled = problem.Conflict("already_cancelled", "This booking has already been cancelled.")
	ErrCancelTooLate    = problem.Unprocessable("session_started", "This session has already started, so the booking can no longer be cancelled.")
	ErrNotYours         = problem.New(http.StatusNotFound, "not_found", "We could not find that booking.")
)
