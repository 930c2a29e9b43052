// Package impact asks, some weeks after a session, whether the training changed the
// attendee's practice: "Did it change practice?". It is separate from the end-of-session
// evaluation (internal/attendance), which asks what people thought on the day.
//
// Each course says how many days after a session ends to ask (course.FollowUpDays; 0 is
// never). Once that many London calendar days have passed, FollowUps.Queue emails each
// person marked attended on the submitted register ONE follow-up with a link to a short
// form, then ONE reminder ReminderAfter later if they have not answered, then nothing.
// What was sent is written in the same transaction as the email (impact_followups), so
// a run repeated, or run by two servers at once, sends nothing twice.
//
// The form is open to the attendee only, signed in, from the follow-up until OpenFor
// later; one answer per booking (impact_answers). The board's figures and the
// anonymised examples are in internal/report (impact.go).
package impact

import (
	"net/http"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// The messages this package queues.
const (
	KindFollowUp outbox.Kind = "impact_followup"
	KindReminder outbox.Kind = "impact_reminder"
)

const (
	// ReminderAfter is how long after the follow-up the one reminder goes.
	ReminderAfter = 14 * 24 * time.Hour
	// OpenFor is how long after the follow-up the form takes answers: the reminder
	// leaves six weeks more.
	OpenFor = 56 * 24 * time.Hour
	// LateBy is how long after its moment a follow-up may still go: a server that was
	// down a while catches up, but switching follow-ups on (or installing this version)
	// does not write to everyone trained in the past year.
	LateBy = 30 * 24 * time.Hour
)

// Refusals.
var (
	ErrNotFound = problem.New(http.StatusNotFound, "not_found", "We could not find that follow-up.")
	ErrNotOpen  = problem.Conflict("impact_not_open",
		"This follow-up is not open. It opens when we email you about it and closes 8 weeks later.")
	ErrAlreadyAnswered = problem.Conflict("impact_answered", "You have already told us how this training changed your practice. Thank you.")
)

// Service records answers and says which follow-ups are open.
type Service struct {
	DB  *store.DB
	Now clock.Clock
}

// New wires a Service.
func New(db *store.DB, now clock.Clock) *Service { return &Service{DB: db, Now: now} }

// Due is the moment a session's follow-up goes: days London calendar days after it
// ends (so the time of day holds across a clock change).
func Due(ends time.Time, days int) time.Time {
	return ends.In(clock.London).AddDate(0, 0, days).UTC()
}
