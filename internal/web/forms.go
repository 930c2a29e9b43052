package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/problem"
)

// formToken is a fresh 128-bit random value for a form, used as its idempotency key so a
// double submit books once.
func formToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// validFormToken accepts only tokens formToken could have made.
func validFormToken(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// safeNext returns next when it is a path on this site, else "/" (the person's home), so a
// crafted sign-in link cannot send people elsewhere.
func safeNext(next string) string {
	const fallback = "/" // the signed-in person's home
	if next == "" || len(next) > 2000 || !strings.HasPrefix(next, "/") ||
		strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\\\r\n\t\x00") {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return fallback
	}
	return next
}

// formValues copies the submitted values of the named fields, to show them again.
func formValues(c *gin.Context, names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[n] = c.PostForm(n)
	}
	return m
}

// formProblem re-renders a form page when err is something the person can put right
// (a 4xx with a public message); anything else becomes the error page.
func (h *Handler) formProblem(c *gin.Context, name string, p Page, err error) {
	pe := h.correctable(c, err)
	if pe == nil {
		return
	}
	p.Problem = pe
	h.page(c, pe.Status, name, p)
}

// correctable returns err's public form when the person can act on it; for server-side
// failures and plain "not found" it renders the error page and returns nil.
func (h *Handler) correctable(c *gin.Context, err error) *problem.Error {
	pe, unexpected := problem.From(err)
	if unexpected || pe.Status >= 500 || pe.Status == http.StatusNotFound && len(pe.Fields) == 0 {
		h.fail(c, err)
		return nil
	}
	return pe
}

// remapFields renames field keys in a validation error so the error summary links to
// the inputs on this form (for example starts_at -> date).
func remapFields(err error, names map[string]string) error {
	var pe *problem.Error
	ok := errors.As(err, &pe)
	if !ok || len(pe.Fields) == 0 {
		return err
	}
	out := *pe
	out.Fields = make(map[string]string, len(pe.Fields))
	for k, v := range pe.Fields {
		if n, ok := names[k]; ok {
			k = n
		}
		if _, dup := out.Fields[k]; !dup {
			out.Fields[k] = v
		}
	}
	return &out
}

// when renders a session start for messages: "Tuesday 1 December 2026 at 9:30am".
func when(t time.Time) string {
	l := t.In(clock.London)
	return l.Format("Monday 2 January 2006") + " at " + strings.ToLower(l.Format("3:04pm"))
}

// parseWhole reads a whole number field; ok is false when it is not one.
func parseWhole(s string) (int, bool) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil || len(s) > 9 {
		return 0, false
	}
	return n, true
}

// parseDate reads an HTML date input (YYYY-MM-DD), or a UK date typed by hand where the
// browser has no date picker (14/03/2027); impossible dates like 2026-02-30 fail.
func parseDate(s string) (y int, m time.Month, d int, ok bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "2/1/2006"} {
		t, err := time.Parse(layout, s)
		if err == nil && t.Year() >= 2000 && t.Year() <= 2200 {
			return t.Year(), t.Month(), t.Day(), true
		}
	}
	return 0, 0, 0, false
}

// parseClock reads an HTML time input (HH:MM, seconds allowed).
func parseClock(s string) (hour, minute int, ok bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"15:04", "15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Hour(), t.Minute(), true
		}
	}
	return 0, 0, false
}

// londonTime is the instant a Europe/London wall-clock time names. When the clocks go
// back the time happens twice and the first (British Summer Time) is taken; when they go
// forward it does not happen at all and exists is false.
func londonTime(y int, mo time.Month, d, hh, mm int) (t time.Time, exists bool) {
	guess := time.Date(y, mo, d, hh, mm, 0, 0, clock.London)
	var found []time.Time
	for _, shift := range []time.Duration{-time.Hour, 0, time.Hour} {
		c := guess.Add(shift).In(clock.London)
		if c.Year() == y && c.Month() == mo && c.Day() == d && c.Hour() == hh && c.Minute() == mm {
			found = append(found, c)
		}
	}
	if len(found) == 0 {
		return time.Time{}, false
	}
	earliest := found[0]
	for _, c := range found[1:] {
		if c.Before(earliest) {
			earliest = c
		}
	}
	return earliest.UTC(), true
}

// parseLocalDateTime reads an HTML datetime-local input in Europe/London. Blank is the zero
// time with ok true (the field is optional); msg explains a bad value.
func parseLocalDateTime(s string) (t time.Time, msg string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, ""
	}
	datePart, clockPart, found := strings.Cut(s, "T")
	if !found {
		datePart, clockPart, found = strings.Cut(s, " ")
	}
	y, mo, d, okDate := parseDate(datePart)
	hh, mm, okClock := parseClock(clockPart)
	if !found || !okDate || !okClock {
		return time.Time{}, "Enter a real date and time, like 14/03/2027 09:30"
	}
	t, exists := londonTime(y, mo, d, hh, mm)
	if !exists {
		return time.Time{}, "That time does not exist: the clocks go forward then. Choose a time after 2am"
	}
	return t, ""
}

// readClock reads a time-of-day field such as start_time, recording a plain message
// against it when it is empty or not a time.
func readClock(form map[string]string, v problem.Validation, name, what string) (int, int, bool) {
	hh, mm, ok := parseClock(form[name])
	switch {
	case strings.TrimSpace(form[name]) == "":
		v.Add(name, "Enter the "+what+" time")
	case !ok:
		v.Add(name, "Enter the "+what+" time as hours and minutes, like 09:30")
	}
	return hh, mm, ok
}
