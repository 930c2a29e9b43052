package api

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// completionJSON is one completed course of a learning record.
type completionJSON struct {
	CourseID           int64   `json:"course_id"`
	Course             string  `json:"course"`
	CompletedOn        string  `json:"completed_on"` // London date, YYYY-MM-DD
	ExpiresOn          *string `json:"expires_on"`
	Status             string  `json:"status"` // none, current, expiring or expired
	CertificateCode    *string `json:"certificate_code"`
	CertificatePDFURL  *string `json:"certificate_pdf_url"` // absolute; GET it with the same token
	AwaitingEvaluation bool    `json:"awaiting_evaluation"`
}

type recordJSON struct {
	Completions []completionJSON `json:"completions"`
	Upcoming    []myBookingJSON  `json:"upcoming"`
}

// certificateJSON is what anyone holding a code may learn: name, course and dates only.
type certificateJSON struct {
	Code        string  `json:"code"`
	Status      string  `json:"status"` // valid, expired, revoked or erased
	Name        string  `json:"name"`
	Course      string  `json:"course"`
	CompletedOn string  `json:"completed_on"`
	ExpiresOn   *string `json:"expires_on"`
	// Message explains an erased record, which no longer verifies.
	Message string `json:"message,omitempty"`
}

// londonDay is a London calendar date as YYYY-MM-DD; nil for the zero time.
func londonDay(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.In(clock.London).Format("2006-01-02")
	return &s
}

// myRecord is the caller's learning record: completed courses, newest first, and
// bookings still to come, shaped as GET /me/bookings shapes them.
func (h *Handler) myRecord(c *gin.Context) {
	ctx := c.Request.Context()
	me := httpx.CurrentUser(c)
	done, err := h.Attendance.Completions(ctx, me.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	entries, err := h.Bookings.ForUser(ctx, me.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := recordJSON{Completions: make([]completionJSON, 0, len(done)), Upcoming: []myBookingJSON{}}
	for _, d := range done {
		j := completionJSON{CourseID: d.CourseID, Course: d.CourseTitle, CompletedOn: *londonDay(d.CompletedOn),
			ExpiresOn: londonDay(d.ExpiresOn), Status: string(d.Status), AwaitingEvaluation: d.AwaitingEvaluation}
		if d.CertificateCode != "" {
			code, pdf := d.CertificateCode, h.certificatePDFURL(c, d.CertificateCode)
			j.CertificateCode, j.CertificatePDFURL = &code, &pdf
		}
		out.Completions = append(out.Completions, j)
	}
	now := h.Now()
	for _, e := range entries {
		if e.Status.Live() && now.Before(e.StartsAt) && e.SessionStatus != "cancelled" {
			out.Upcoming = append(out.Upcoming, newMyBookingJSON(e))
		}
	}
	c.JSON(http.StatusOK, out)
}

// getCertificate verifies a certificate by its code, in any of the ways people type it.
func (h *Handler) getCertificate(c *gin.Context) {
	if wait := h.Guesses.Wait(c.ClientIP()); wait > 0 {
		c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
		writeError(c, problem.New(http.StatusTooManyRequests, "too_many_requests",
			"Too many certificate lookups from your address. Wait and try again: see the Retry-After header."))
		return
	}
	k, err := h.Attendance.ByCode(c.Request.Context(), c.Param("code"))
	if errors.Is(err, attendance.ErrCertificateNotFound) {
		h.Guesses.Miss(c.ClientIP())
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newCertificateJSON(k, h.Now()))
}

func newCertificateJSON(k attendance.Certificate, now time.Time) certificateJSON {
	out := certificateJSON{Code: k.Code, Status: k.State(now), Name: k.PersonName, Course: k.CourseTitle,
		CompletedOn: *londonDay(k.CompletedOn), ExpiresOn: londonDay(k.ExpiresOn)}
	if out.Status == "erased" {
		out.Message = "The holder's record was erased, so this certificate no longer verifies."
	}
	return out
}
