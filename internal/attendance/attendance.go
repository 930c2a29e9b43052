// Package attendance runs registers and what follows from them: completions, post-course
// evaluations, certificates and each person's learning record. A certificate is never
// issued before attendance is recorded and the register submitted.
package attendance

import (
	"net/http"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// Mark is what the register says about one person.
type Mark string

// Attendance marks. Only Attended completes the course.
const (
	Attended Mark = "attended"
	Partial  Mark = "partial"
	Absent   Mark = "absent"
)

// Valid reports whether m is one of the marks.
func (m Mark) Valid() bool { return m == Attended || m == Partial || m == Absent }

// Label is the mark in plain English.
func (m Mark) Label() string {
	switch m {
	case Attended:
		return "Attended"
	case Partial:
		return "Partly attended"
	case Absent:
		return "Did not attend"
	}
	return "Not marked"
}

// Register statuses.
const (
	Open      = "open"
	Submitted = "submitted"
)

// Service runs registers and issues certificates.
type Service struct {
	DB       *store.DB
	Accounts *account.Service
	Now      clock.Clock
}

// NewService wires a Service.
func NewService(db *store.DB, accounts *account.Service, now clock.Clock) *Service {
	return &Service{DB: db, Accounts: accounts, Now: now}
}

// Refusals.
var (
	ErrNotStarted = problem.Unprocessable("session_not_started",
		"Attendance can be recorded once the session has started.")
	ErrRegisterLocked = problem.Conflict("register_submitted",
		"This register has been submitted. An admin can reopen it if something needs correcting.")
	ErrRegisterOpen  = problem.Conflict("register_open", "This register is already open.")
	ErrNotOnRegister = problem.New(http.StatusNotFound, "not_found", "That person is not on this register.")
	ErrBadMark       = &problem.Error{Status: http.StatusUnprocessableEntity, Code: "validation_failed",
		Message: "Choose attended, partial or absent.", Fields: map[string]string{"status": "Choose attended, partly attended or did not attend"}}
	ErrSessionCancelled  = problem.Conflict("session_cancelled", "This session was cancelled, so it has no register.")
	ErrAlreadyOnRegister = &problem.Error{Status: http.StatusConflict, Code: "already_on_register",
		Message: "That person is already on the register.", Fields: map[string]string{"email": "That person is already on the register"}}
	ErrNotAttended = problem.Unprocessable("not_attended",
		"Evaluations are for people recorded as attending, once the register is submitted.")
	ErrAlreadyEvaluated    = problem.Conflict("already_evaluated", "You have already sent your evaluation for this session. Thank you.")
	ErrCertificateNotFound = problem.New(http.StatusNotFound, "not_found", "We could not find a certificate with that code.")
	ErrAlreadyRevoked      = problem.Conflict("already_revoked", "This certificate has already been revoked.")
)

// day formats a London calendar date for storage of date-only facts.
func day(t time.Time) string { return t.In(clock.London).Format("2006-01-02") }

// parseDay reads a stored London date as the instant of its London midnight.
func parseDay(s string) (time.Time, error) {
	d, err := time.ParseInLocation("2006-01-02", s, clock.London)
	return d.UTC(), err
}
