// Package checkin lets people with a place check themselves in at the venue: the trainer
// shows a QR code and a six-digit code that change every 30 seconds, and attendees scan
// or type them during the session window. A check-in is a fact for the register; the
// trainer still decides the marks (MarkCheckedInAttended is their one-tap shortcut).
//
// Codes are derived TOTP-style (HMAC-SHA256, 30-second steps, dynamic truncation) from a
// random secret per session, stored in checkin_secrets and mixed with a key derived from
// the secret key file, so a copy of the database alone cannot work out the codes.
package checkin

import (
	"net/http"
	"strconv"
	"time"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/ratelimit"
	"github.com/traininghub/traininghub/internal/store"
)

// Timing of codes and the window in which they are taken.
const (
	// Step is how long one code shows: a photo of the screen sent to someone at home
	// stops working within two steps.
	Step = 30 * time.Second
	// Digits is the length of a code.
	Digits = 6
	// OpensBefore is how long before the start people may check in, as they arrive.
	OpensBefore = 30 * time.Minute
)

// Attempts per account: six digits could be guessed by brute force, so every check-in
// attempt with a code counts, right or wrong, and the count is taken before the code is
// looked at so that parallel guesses cannot slip past it. A person at the venue needs one
// or two attempts.
const (
	AttemptsPerAccount = 10
	AttemptsWindow     = 10 * time.Minute
)

// Service checks people in and shows the trainer the current code.
type Service struct {
	DB  *store.DB
	Now clock.Clock
	// Key is mixed into every session's codes: derive it from the secret key file.
	Key []byte
	// Attendance records the marks MarkCheckedInAttended sets.
	Attendance *attendance.Service
	// Limits counts attempts per account, in the database so every server shares them.
	Limits *ratelimit.Limiter
}

// NewService wires a Service.
func NewService(db *store.DB, now clock.Clock, key []byte, att *attendance.Service) *Service {
	return &Service{DB: db, Now: now, Key: key, Attendance: att, Limits: ratelimit.New(db, now)}
}

// Refusals. Nothing is stored when any of them is returned.
var (
	ErrSessionNotFound = problem.New(http.StatusNotFound, "not_found", "We could not find that session.")
	ErrCodeShape       = &problem.Error{Status: http.StatusUnprocessableEntity, Code: "validation_failed",
		Message: "Enter the 6-digit code shown on the trainer's screen.",
		Fields:  map[string]string{"code": "Enter the 6-digit code shown on the trainer's screen, like 042917"}}
	ErrWrongCode = &problem.Error{Status: http.StatusUnprocessableEntity, Code: "wrong_code",
		Message: "That code has expired or is not right. The code changes every 30 seconds: type the one showing now, or scan the QR code again.",
		Fields:  map[string]string{"code": "That code has expired or is not right. Type the code showing on the trainer's screen now"}}
	ErrNotOpen = problem.Unprocessable("check_in_not_open",
		"Check-in has not opened yet. It opens 30 minutes before the session starts.")
	ErrClosed = problem.Unprocessable("check_in_closed",
		"This session has ended, so check-in has closed. If you were there, tell the trainer: they keep the register.")
	ErrNoPlace = problem.New(http.StatusForbidden, "no_place",
		"You do not have a confirmed place on this session, so you cannot check in. If you are on the waiting list or came without booking, speak to the trainer.")
	ErrSessionCancelled = problem.Conflict("session_cancelled",
		"This session was cancelled, so there is nothing to check in to.")
	// ErrOnline refuses check-in to an online session: a code shown on a shared screen
	// reaches everyone in the meeting, wherever they are, so it says nothing about who
	// took part. The meeting's attendance report does (internal/meetingreport).
	ErrOnline = problem.Unprocessable("online_session",
		"Check-in is for sessions at a venue. For an online session the trainer fills in the register from the meeting's attendance report.")
)

// tooManyAttempts is the refusal once an account has used its attempts, saying when to
// come back.
func tooManyAttempts(wait time.Duration) *problem.Error {
	minutes := max(1, int((wait+time.Minute-1)/time.Minute))
	words := "1 minute"
	if minutes > 1 {
		words = strconv.Itoa(minutes) + " minutes"
	}
	return problem.New(http.StatusTooManyRequests, "too_many_attempts",
		"Too many check-in attempts. Wait "+words+" and try again, or ask the trainer to mark you on the register.")
}
