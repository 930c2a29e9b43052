package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/certificate"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/httpx"
)

// recordRow is one completed course as the learning record shows it.
type recordRow struct {
	attendance.Completion
	Completed   string // "2 December 2026"
	Expires     string // "" when the training does not expire
	StatusLabel string
	StatusTag   string // the tag's colour modifier
	Withdrawn   bool   // an admin revoked the certificate and none replaced it
}

type recordData struct {
	Completions []recordRow
	Upcoming    []booking.Entry
	CPDHours    string // total, "7.5 CPD hours"; "" when nothing counts
	// Impact are the "did it change practice?" follow-ups open for an answer.
	Impact []impactRow
}

// impactRow is an open follow-up as the learning record lists it.
type impactRow struct {
	BookingID   int64
	CourseTitle string
	Attended    string // "2 December 2026"
	Closes      string
}

// expiryWords is an expiry status in the learning record's words and tag colour.
func expiryWords(s certificate.Status) (label, tag string) {
	switch s {
	case certificate.StatusCurrent:
		return "Current", "tag--green"
	case certificate.StatusExpiring:
		return "Expires within " + strconv.Itoa(certificate.ExpiringWithinDays) + " days", "tag--yellow"
	case certificate.StatusExpired:
		return "Expired", "tag--red"
	}
	return "Does not expire", "tag--grey"
}

// record gathers the signed-in person's completions, with what each row needs.
func (h *Handler) record(c *gin.Context) ([]recordRow, error) {
	ctx := c.Request.Context()
	me := httpx.CurrentUser(c)
	done, err := h.Attendance.Completions(ctx, me.ID)
	if err != nil {
		return nil, err
	}
	certs, err := h.Attendance.ForUser(ctx, me.ID)
	if err != nil {
		return nil, err
	}
	revoked := map[int64]bool{}
	for _, k := range certs {
		if k.Revoked() {
			revoked[k.BookingID] = true
		}
	}
	rows := make([]recordRow, 0, len(done))
	for _, d := range done {
		row := recordRow{Completion: d, Completed: certificate.LongDate(d.CompletedOn)}
		if !d.ExpiresOn.IsZero() {
			row.Expires = certificate.LongDate(d.ExpiresOn)
		}
		row.StatusLabel, row.StatusTag = expiryWords(d.Status)
		row.Withdrawn = d.CertificateCode == "" && !d.AwaitingEvaluation && revoked[d.BookingID]
		rows = append(rows, row)
	}
	return rows, nil
}

// myRecord is "My learning record": what the person has completed, whether it is still
// current, their certificates, and what they have booked next.
func (h *Handler) myRecord(c *gin.Context) {
	rows, err := h.record(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	entries, err := h.Bookings.ForUser(c.Request.Context(), httpx.CurrentUser(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := recordData{Completions: rows}
	open, err := h.Impact.OpenForUser(c.Request.Context(), httpx.CurrentUser(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	for _, f := range open {
		d.Impact = append(d.Impact, impactRow{BookingID: f.BookingID, CourseTitle: f.CourseTitle,
			Attended: certificate.LongDate(f.StartsAt.In(clock.London)), Closes: certificate.LongDate(f.Closes.In(clock.London))})
	}
	now := h.Now()
	for _, e := range entries {
		if e.Status.Live() && now.Before(e.StartsAt) && e.SessionStatus != "cancelled" {
			d.Upcoming = append(d.Upcoming, e)
		}
	}
	minutes := 0
	for _, r := range rows {
		minutes += r.DurationMinutes
	}
	d.CPDHours = certificate.CPDHours(minutes)
	h.page(c, http.StatusOK, "record", Page{Title: "My learning record", Data: d})
}

// myRecordCSV is the learning record as a spreadsheet.
func (h *Handler) myRecordCSV(c *gin.Context) {
	rows, err := h.record(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	base := h.siteBase(c)
	lines := [][]string{{"Course", "Completed on", "CPD hours", "Expires on", "Status", "Certificate code", "Check the certificate at"}}
	for _, r := range rows {
		expires, check := "", ""
		if !r.ExpiresOn.IsZero() {
			expires = recordDate(r.ExpiresOn)
		}
		if r.CertificateCode != "" {
			check = base + "/verify/" + r.CertificateCode
		}
		status := r.StatusLabel
		switch {
		case r.AwaitingEvaluation:
			status += "; certificate waiting for your evaluation"
		case r.Withdrawn:
			status += "; certificate withdrawn"
		}
		lines = append(lines, []string{r.CourseTitle, recordDate(r.CompletedOn), recordCPD(r.DurationMinutes),
			expires, status, r.CertificateCode, check})
	}
	body, err := recordCSV(lines)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="learning-record.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", body)
}

// myRecordPDF is the learning record as a printable transcript.
func (h *Handler) myRecordPDF(c *gin.Context) {
	rows, err := h.record(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	me := httpx.CurrentUser(c)
	entries := make([]certificate.TranscriptEntry, 0, len(rows))
	for _, r := range rows {
		entries = append(entries, certificate.TranscriptEntry{CourseTitle: r.CourseTitle, CompletedOn: r.CompletedOn,
			DurationMinutes: r.DurationMinutes, ExpiresOn: r.ExpiresOn, Status: r.Status, Code: r.CertificateCode})
	}
	body, err := certificate.TranscriptPDF(me.Name, me.OrganisationName, h.Partnership, h.Now(), entries)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="learning-record.pdf"`)
	c.Data(http.StatusOK, "application/pdf", body)
}

// recordDate is the London calendar date as YYYY-MM-DD, which spreadsheets sort properly.
func recordDate(t time.Time) string { return t.In(clock.London).Format("2006-01-02") }

// recordCPD is the CPD hours as a bare number for a spreadsheet: "3", "1.5".
func recordCPD(minutes int) string {
	s := certificate.CPDHours(minutes)
	return strings.TrimSuffix(strings.TrimSuffix(s, " CPD hours"), " CPD hour")
}
