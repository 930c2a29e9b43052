// Package problem carries errors that are safe to show: a status, a stable code, a plain
// English message and per-field messages. Causes are logged, never shown.
package problem

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/traininghub/traininghub/internal/store"
)

// Error is a refusal the user can act on.
type Error struct {
	Status  int
	Code    string
	Message string
	Fields  map[string]string
	// RetryAfter, for a 503, is how many seconds to suggest waiting; zero means 1.
	RetryAfter int
}

// RetryAfterHeader is the Retry-After value for a 503 answer.
func (e *Error) RetryAfterHeader() string { return strconv.Itoa(max(1, e.RetryAfter)) }

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is matches on Code, so errors.Is(err, booking.ErrSessionFull) works on copies.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// New builds an Error.
func New(status int, code, message string) *Error {
	return &Error{Status: status, Code: code, Message: message}
}

// Conflict is a 409: the request is valid but clashes with the current state.
func Conflict(code, message string) *Error { return New(http.StatusConflict, code, message) }

// Unprocessable is a 422: the request is understood but breaks a rule.
func Unprocessable(code, message string) *Error {
	return New(http.StatusUnprocessableEntity, code, message)
}

// Validation collects field errors; Err returns nil when there are none.
type Validation map[string]string

// Add records a message for a field, keeping the first one.
func (v Validation) Add(field, message string) {
	if _, ok := v[field]; !ok {
		v[field] = message
	}
}

// Err returns a 422 listing the fields, or nil.
func (v Validation) Err() error {
	if len(v) == 0 {
		return nil
	}
	return &Error{
		Status:  http.StatusUnprocessableEntity,
		Code:    "validation_failed",
		Message: "Check the highlighted fields.",
		Fields:  map[string]string(v),
	}
}

// SortedFields lists field names in a stable order for error summaries.
func (e *Error) SortedFields() []string {
	names := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// NotFound is the public face of store.ErrNotFound.
var NotFound = New(http.StatusNotFound, "not_found", "We could not find that.")

// Busy is the public face of store.ErrBusy.
var Busy = New(http.StatusServiceUnavailable, "busy", "The system is busy. Nothing was changed: please try again in a moment.")

// Full is the public face of store.ErrFull: the disk is full. Nothing was saved, and
// trying again later works once space is freed, with no restart. Retry-After is 30 s:
// freeing space takes an operator minutes, but a client asking again sooner than that
// costs one refused write, and one that waits too long keeps people waiting after the fix.
var Full = &Error{Status: http.StatusServiceUnavailable, Code: "storage_full", RetryAfter: 30,
	Message: "The service cannot save anything at the moment because its storage is full. Nothing was changed: please try again later."}

// fullReported is when a full disk was last reported as unexpected (Unix nanoseconds):
// while the disk stays full every request fails the same way, and one log line a
// minute says as much as thousands would.
var fullReported atomic.Int64

// fullReportEvery is how often a full disk is logged while it lasts.
const fullReportEvery = time.Minute

func reportFull(now time.Time) bool {
	last := fullReported.Load()
	if last != 0 && now.Sub(time.Unix(0, last)) < fullReportEvery {
		return false
	}
	return fullReported.CompareAndSwap(last, now.UnixNano())
}

// Internal hides everything else.
var Internal = New(http.StatusInternalServerError, "internal", "Something went wrong on our side. Nothing was changed: please try again.")

// From maps any error to a public Error and says whether it was unexpected (to be logged).
func From(err error) (pub *Error, unexpected bool) {
	var pe *Error
	switch {
	case errors.As(err, &pe):
		return pe, false
	case errors.Is(err, store.ErrNotFound):
		return NotFound, false
	case errors.Is(err, store.ErrBusy):
		return Busy, true
	case store.IsFull(err):
		return Full, reportFull(time.Now())
	default:
		return Internal, true
	}
}

// CheckLine records an error when a one-line text (a name, a venue) is longer than
// maxChars characters or holds control characters such as line breaks, which would break
// lists, CSV exports and email headers. label starts the message: "Venue must be ...".
func (v Validation) CheckLine(field, value, label string, maxChars int) {
	switch {
	case utf8.RuneCountInString(value) > maxChars:
		v.Add(field, label+" must be "+strconv.Itoa(maxChars)+" characters or fewer")
	case strings.IndexFunc(value, unicode.IsControl) >= 0:
		v.Add(field, label+" must be on one line, without line breaks or tabs")
	}
}

// Merge joins the field errors of several checks into one answer, so a form reports all
// its mistakes at once (the handler's parsing and the domain's rules, for example). For a
// field named twice the earlier message wins. Any error that is not a field validation
// is returned as it is, since there is nothing to add to it; nil when all are nil.
func Merge(errs ...error) error {
	var merged *Error
	for _, err := range errs {
		if err == nil {
			continue
		}
		pe, ok := err.(*Error)
		if !ok || len(pe.Fields) == 0 {
			return err
		}
		if merged == nil {
			merged = &Error{Status: pe.Status, Code: pe.Code, Message: pe.Message, Fields: map[string]string{}}
		}
		for k, v := range pe.Fields {
			if _, dup := merged.Fields[k]; !dup {
				merged.Fields[k] = v
			}
		}
	}
	if merged == nil {
		return nil
	}
	return merged
}
