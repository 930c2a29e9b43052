package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/certificate"
	"github.com/traininghub/traininghub/internal/course"
)

// csvCell neutralises a value for a spreadsheet: one starting with = + - @, a tab or a
// carriage return (OWASP's CSV injection list), even after spaces or a byte-order mark,
// would be read as a formula, so it gets a leading apostrophe and is shown as text. Every
// CSV export uses it. A plain negative number ("-0.5") is left as it is: a spreadsheet
// reads it as the number it is, and nothing in it can run.
func csvCell(s string) string {
	lead := strings.TrimLeft(s, " \ufeff")
	if lead != "" && strings.ContainsRune("=+-@\t\r", rune(lead[0])) && !plainNegative.MatchString(s) {
		return "'" + s
	}
	return s
}

// plainNegative is a minus sign and a decimal number, nothing else.
var plainNegative = regexp.MustCompile(`^-[0-9]+(\.[0-9]+)?$`)

// fileSlug makes a safe, readable piece of a download's file name from a course title:
// lower-case ASCII letters and digits joined by single hyphens, at most 40 characters.
func fileSlug(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	if b.Len() == 0 {
		return "session"
	}
	return strings.TrimSuffix(b.String(), "-")
}

// downloadName is "<what>-<course>-<date>.<ext>", built only from safe characters so it
// needs no escaping in Content-Disposition.
func downloadName(what string, s course.Session, ext string) string {
	return what + "-" + fileSlug(s.CourseTitle) + "-" + s.StartsLondon().Format("2006-01-02") + "." + ext
}

func attachment(c *gin.Context, name string) {
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
}

// registerCSV exports the register for spreadsheets, every cell neutralised.
func (h *Handler) registerCSV(c *gin.Context) {
	s, ok := h.registerSession(c)
	if !ok {
		return
	}
	reg, err := h.Attendance.Load(c.Request.Context(), s.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF") // so Excel reads the file as UTF-8 and keeps "Seán" intact
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	_ = w.Write([]string{"Name", "Email", "Organisation", "Job title", "Walk-in", "Attendance"})
	for _, e := range reg.Entries {
		walkIn := "No"
		if e.WalkIn {
			walkIn = "Yes"
		}
		record := []string{e.Name, e.Email, e.Organisation, e.JobTitle, walkIn, e.Mark.Label()}
		for i := range record {
			record[i] = csvCell(record[i])
		}
		_ = w.Write(record)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		h.fail(c, err)
		return
	}
	attachment(c, downloadName("register", s, "csv"))
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// blankSheetRows is how many empty rows the printable sheet ends with, for walk-ins.
const blankSheetRows = 8

type signInSheetData struct {
	Session course.Session
	Entries []attendance.Entry
	Blank   []int // row numbers of the empty rows
	Where   string
}

// signInSheet is the printable sign-in sheet: the layout hides the navigation when
// printed, and the page ends with empty rows for people who come without booking.
func (h *Handler) signInSheet(c *gin.Context) {
	s, ok := h.registerSession(c)
	if !ok {
		return
	}
	reg, err := h.Attendance.Load(c.Request.Context(), s.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := signInSheetData{Session: s, Entries: reg.Entries, Where: sessionWhere(s)}
	for i := range blankSheetRows {
		d.Blank = append(d.Blank, len(reg.Entries)+i+1)
	}
	h.page(c, http.StatusOK, "sign-in-sheet", Page{Title: "Sign-in sheet: " + s.CourseTitle, Data: d})
}

// signInSheetPDF is the same sheet as a PDF, for printing as it will look.
func (h *Handler) signInSheetPDF(c *gin.Context) {
	s, ok := h.registerSession(c)
	if !ok {
		return
	}
	reg, err := h.Attendance.Load(c.Request.Context(), s.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	rows := make([]certificate.SheetRow, 0, len(reg.Entries))
	for _, e := range reg.Entries {
		rows = append(rows, certificate.SheetRow{Name: e.Name, Organisation: e.Organisation, JobTitle: e.JobTitle})
	}
	whenText := s.StartsLondon().Format("Monday 2 January 2006, ") + clockTime(s.StartsAt) + " to " + clockTime(s.EndsAt)
	pdf, err := certificate.SignInSheetPDF(s.CourseTitle, whenText, sessionWhere(s), s.TrainerNames(), rows)
	if err != nil {
		h.fail(c, err)
		return
	}
	attachment(c, downloadName("sign-in-sheet", s, "pdf"))
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// sessionWhere is the venue, or "Online" (the joining link does not belong on paper).
func sessionWhere(s course.Session) string {
	if s.Online {
		return "Online"
	}
	return s.Venue
}
