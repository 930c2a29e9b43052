// Package compliance says whether an organisation's staff are up to date with the
// training the partnership requires of them.
//
// An admin writes rules: a course is required of the staff of one type of organisation
// (or of every type), optionally only of people whose job title contains some words, and
// must be renewed every so many months (by default the course's own validity; a course
// that does not expire is done once). From the rules, each person's completions (attended
// on a submitted register, as the learning record counts them) and their live bookings,
// the completion matrix gives every person a state for every course required of them,
// and an overall status: the worst of those states.
//
// Managers see the matrix of their own organisation only; the scope is the caller's to
// pass, and every read here takes the organisation explicitly.
package compliance

import (
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Service reads and writes required-training rules and builds completion matrices.
type Service struct {
	DB  *store.DB
	Now clock.Clock
}

// NewService wires a Service.
func NewService(db *store.DB, now clock.Clock) *Service {
	if now == nil {
		now = clock.System
	}
	return &Service{DB: db, Now: now}
}
