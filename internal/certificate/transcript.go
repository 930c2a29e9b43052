package certificate

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// TranscriptEntry is one completed course in a person's learning record.
type TranscriptEntry struct {
	CourseTitle     string
	CompletedOn     time.Time
	DurationMinutes int
	ExpiresOn       time.Time // zero when the training does not expire
	Status          Status    // empty means work it out from ExpiresOn at the time generated
	Code            string    // the certificate's verification code; may be empty
}

// ErrMissingGenerated is returned when a transcript has no generation time to print and
// fix into the PDF.
var ErrMissingGenerated = errors.New("certificate: transcript generation time is zero")

// Geometry of the portrait documents, in millimetres.
const (
	portraitW    = 210.0
	portraitH    = 297.0
	footerHeight = 14.0 // the band at the foot of each page for the page number
)

// TranscriptPDF draws a person's whole learning record as an A4 portrait table (course,
// date completed, CPD hours, expiry, status, certificate code) with a total of CPD hours,
// running over as many pages as it needs with the person's name and the column headings
// repeated on each. Entries print in the order given. generatedAt is printed and fixed
// into the PDF, so the same record generated at the same moment gives the same bytes.
func TranscriptPDF(person, organisation, partnership string, generatedAt time.Time, entries []TranscriptEntry) ([]byte, error) {
	if generatedAt.IsZero() {
		return nil, ErrMissingGenerated
	}
	person, organisation, partnership = line(person), line(organisation), line(partnership)
	if person == "" {
		return nil, ErrMissingName
	}
	const margin = 15.0
	f := newDoc("P", "Learning record: "+person, partnership, generatedAt, true)
	f.SetMargins(margin, 15, margin)
	f.SetAutoPageBreak(false, 0)
	contentW := portraitW - 2*margin

	t := &table{
		f: f,
		cols: []column{
			{"Course", 57, "L", 0, false},
			{"Completed", 29, "L", 0, false},
			{"CPD hours", 18, "R", 0, false},
			{"Expires on", 31, "L", 0, false},
			{"Certificate code", 45, "L", 7.5, true}, // a code is never split over two lines
		},
		size:   8.5,
		pad:    1.8,
		bottom: portraitH - footerHeight - 6,
		stripe: true,
	}

	generated := "Generated " + LongDate(generatedAt)
	f.SetHeaderFunc(func() {
		f.SetY(15)
		if f.PageNo() == 1 {
			if partnership != "" {
				f.text(teal)
				f.setFont("B", 10.5)
				f.MultiCell(contentW, lineHeight(10.5), partnership, "", "L", false)
			}
			f.text(ink)
			f.setFont("", 22)
			f.SetY(f.GetY() + 1)
			f.CellFormat(contentW, lineHeight(22), "Learning record", "", 1, "L", false, 0, "")
			f.setFont("B", 14)
			for _, l := range f.clip(f.wrap(person, contentW), 2, contentW) {
				f.CellFormat(contentW, lineHeight(14), l, "", 1, "L", false, 0, "")
			}
			f.text(muted)
			f.setFont("", 10.5)
			if organisation != "" {
				for _, l := range f.clip(f.wrap(organisation, contentW), 2, contentW) {
					f.CellFormat(contentW, lineHeight(10.5), l, "", 1, "L", false, 0, "")
				}
			}
			f.CellFormat(contentW, lineHeight(10.5), generated, "", 1, "L", false, 0, "")
			f.draw(teal)
			f.SetLineWidth(0.6)
			f.Line(margin, f.GetY()+3, margin+contentW, f.GetY()+3)
			f.SetY(f.GetY() + 8)
		} else {
			f.text(muted)
			f.setFont("", 9.5)
			heading := "Learning record: " + person + " (continued)"
			f.CellFormat(contentW, lineHeight(9.5), f.clip(f.wrap(heading, contentW), 1, contentW)[0], "", 1, "L", false, 0, "")
			f.SetY(f.GetY() + 3)
		}
		f.SetX(margin)
		t.head()
	})
	f.SetFooterFunc(func() {
		footer(f, margin, contentW, person+" · "+generated)
	})
	f.AddPage()

	total := 0
	for _, e := range entries {
		status := e.Status
		if status == "" {
			status = ExpiryStatus(e.ExpiresOn, generatedAt)
		}
		// The expiry date and, on a line of its own, where that leaves the training.
		expires := "No expiry"
		if !e.ExpiresOn.IsZero() {
			expires = LongDate(e.ExpiresOn)
		}
		if status != StatusNone {
			expires += "\n" + status.Label()
		}
		hours := ""
		if e.DurationMinutes > 0 {
			total += e.DurationMinutes
			hours = strings.TrimSuffix(strings.TrimSuffix(CPDHours(e.DurationMinutes), " CPD hours"), " CPD hour")
		}
		date := ""
		if !e.CompletedOn.IsZero() {
			date = LongDate(e.CompletedOn)
		}
		t.row([]string{line(e.CourseTitle), date, hours, expires, NormaliseCode(e.Code)})
	}

	summary := "No completed training is recorded yet."
	if len(entries) > 0 {
		summary = plural(len(entries), "course") + " completed"
		if total > 0 {
			summary += ", " + CPDHours(total) + " in total"
		}
		summary += "."
	}
	if !t.fits(12) {
		f.AddPage()
	}
	f.SetY(f.GetY() + 4)
	f.text(ink)
	f.setFont("B", 10)
	f.CellFormat(contentW, lineHeight(10), summary, "", 1, "L", false, 0, "")
	f.text(muted)
	f.setFont("", 8.5)
	f.MultiCell(contentW, lineHeight(8.5), "Each certificate can be checked online with its code. "+
		"Training marked expiring soon expires within "+strconv.Itoa(ExpiringWithinDays)+" days: "+
		"book a refresher before then.", "", "L", false)
	return f.bytes()
}

// footer draws the page number, with a note at the left, at the foot of a portrait page.
func footer(f *pdfDoc, margin, contentW float64, note string) {
	y := portraitH - footerHeight
	f.draw(rule)
	f.SetLineWidth(0.2)
	f.Line(margin, y, margin+contentW, y)
	f.text(muted)
	f.setFont("", 8)
	page := "Page " + strconv.Itoa(f.PageNo()) + " of {nb}"
	pw := f.GetStringWidth(page) + 4
	f.SetXY(margin, y+1.5)
	f.CellFormat(contentW-pw, lineHeight(8), f.clip(f.wrap(note, contentW-pw), 1, contentW-pw)[0], "", 0, "L", false, 0, "")
	f.CellFormat(pw, lineHeight(8), page, "", 0, "R", false, 0, "")
}
