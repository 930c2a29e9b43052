package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/course"
)

// reportData is the meeting report pages' data: the upload form, then the proposed marks.
type reportData struct {
	Session course.Session
	Preview attendance.ReportPreview
	Rows    []reportRow
}

// reportRow is one person on the register with the mark proposed from the report, shown
// as the register's own radios so that confirming is the register's ordinary save.
type reportRow struct {
	attendance.Matched
	Field   string
	Current string // the stored mark's words, when it differs from the proposal
}

// registerReportForm asks for the meeting's attendance report of an online session.
func (h *Handler) registerReportForm(c *gin.Context) {
	s, ok := h.reportSession(c)
	if !ok {
		return
	}
	h.page(c, http.StatusOK, "trainer-register-report", Page{Title: "Fill in the register from the meeting's report",
		Data: reportData{Session: s}})
}

// registerReportRead reads the uploaded report and shows the marks it proposes. Nothing
// is saved here: the page's form posts the marks to the register, where the trainer's
// confirmation saves them like any other marks.
func (h *Handler) registerReportRead(c *gin.Context) {
	s, ok := h.reportSession(c)
	if !ok {
		return
	}
	p := Page{Title: "Fill in the register from the meeting's report", Data: reportData{Session: s}}
	data, err := uploadedReport(c)
	if err == nil {
		var preview attendance.ReportPreview
		if preview, err = h.Attendance.PreviewReport(c.Request.Context(), s.ID, data); err == nil {
			h.page(c, http.StatusOK, "trainer-register-report-preview", Page{Title: "Check the marks from the " + string(preview.Source) + " report",
				Data: reportData{Session: s, Preview: preview, Rows: reportRows(preview)}})
			return
		}
	}
	h.formProblem(c, "trainer-register-report", p, err)
}

// reportSession is registerSession for the report pages, which only online sessions have.
func (h *Handler) reportSession(c *gin.Context) (course.Session, bool) {
	s, ok := h.registerSession(c)
	if ok && !s.Online {
		h.fail(c, attendance.ErrNotOnline)
		return course.Session{}, false
	}
	return s, ok
}

// uploadedReport reads the file chosen in the form, refusing a missing or oversized one.
func uploadedReport(c *gin.Context) ([]byte, error) {
	fh, err := c.FormFile("report")
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) || err == nil && fh.Size > attendance.MaxReportBytes:
		return nil, attendance.ReportFieldError("The file is larger than " + strconv.Itoa(attendance.MaxReportBytes>>20) +
			" MB. Upload the attendance report itself, not a folder or a zip file")
	case err != nil:
		return nil, attendance.ReportFieldError("Choose the attendance report file to upload")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, attendance.MaxReportBytes+1))
}

func reportRows(p attendance.ReportPreview) []reportRow {
	rows := make([]reportRow, len(p.Matched))
	for i, m := range p.Matched {
		rows[i] = reportRow{Matched: m, Field: markField(m.Entry.BookingID)}
		if m.Entry.Mark != "" && m.Entry.Mark != m.Proposed {
			rows[i].Current = m.Entry.Mark.Label()
		}
	}
	return rows
}
