package certificate

import (
	"strconv"
	"time"
)

// SheetRow is one booked person on a sign-in sheet.
type SheetRow struct {
	Name, Organisation, JobTitle string
}

// walkInRows is the least number of blank rows a sign-in sheet ends with, for people who
// come without a booking; the rest of the last page is filled with blank rows too.
const walkInRows = 5

// sheetCreated is the fixed creation date of sign-in sheets: they carry no issue time,
// and a fixed date keeps the output a pure function of the inputs.
var sheetCreated = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// SignInSheetPDF draws a session's sign-in sheet: A4 portrait, the course, when, where
// and trainer at the top of every page, then a numbered row per booked person (name,
// organisation, job title and a tall signature box), then blank rows for walk-ins. The
// heading and column headings repeat on each page, so loose pages still say which session
// they belong to, and each page carries a personal-data handling note.
func SignInSheetPDF(courseTitle, when, where, trainer string, rows []SheetRow) ([]byte, error) {
	courseTitle, when, where, trainer = line(courseTitle), line(when), line(where), line(trainer)
	if courseTitle == "" {
		return nil, ErrMissingCourse
	}
	const margin = 12.0
	f := newDoc("P", "Sign-in sheet: "+courseTitle, "", sheetCreated, true)
	f.SetMargins(margin, 12, margin)
	f.SetAutoPageBreak(false, 0)
	contentW := portraitW - 2*margin

	t := &table{
		f: f,
		cols: []column{
			{"", 8, "R", 0, false},
			{"Name", 48, "L", 0, false},
			{"Organisation", 44, "L", 0, false},
			{"Job title", 38, "L", 0, false},
			{"Signature", 48, "L", 0, false},
		},
		size:   9.5,
		pad:    2,
		minRow: 11,
		bottom: portraitH - footerHeight - 4,
		grid:   true,
	}

	type detail struct{ label, value string }
	var details []detail
	for _, d := range []detail{{"When", when}, {"Where", where}, {"Trainer", trainer}} {
		if d.value != "" {
			details = append(details, d)
		}
	}
	f.SetHeaderFunc(func() {
		f.SetY(12)
		f.text(teal)
		f.setFont("B", 10)
		f.CellFormat(contentW, lineHeight(10), "Sign-in sheet", "", 1, "L", false, 0, "")
		f.text(ink)
		size := f.fit(courseTitle, "B", 15, 11, contentW)
		for _, l := range f.clip(f.wrap(courseTitle, contentW), 2, contentW) {
			f.CellFormat(contentW, lineHeight(size), l, "", 1, "L", false, 0, "")
		}
		f.SetY(f.GetY() + 1)
		const labelW = 20.0
		for _, d := range details {
			f.text(muted)
			f.setFont("", 9.5)
			f.CellFormat(labelW, lineHeight(10), d.label, "", 0, "L", false, 0, "")
			f.text(ink)
			f.setFont("", 10)
			f.CellFormat(contentW-labelW, lineHeight(10), f.clip(f.wrap(d.value, contentW-labelW), 1, contentW-labelW)[0], "", 1, "L", false, 0, "")
		}
		f.SetY(f.GetY() + 4)
		f.SetX(margin)
		t.head()
	})
	f.SetFooterFunc(func() {
		footer(f, margin, contentW, "Personal data: keep this sheet secure and return it to the training team after the session.")
	})
	f.AddPage()

	n := 0
	for _, r := range rows {
		n++
		t.row([]string{strconv.Itoa(n), line(r.Name), line(r.Organisation), line(r.JobTitle), ""})
	}
	// Blank rows for walk-ins: at least walkInRows, then to the foot of that page.
	blank := []string{"", "", "", "", ""}
	for i := 0; i < walkInRows || t.fits(t.rowHeight(blank)); i++ {
		n++
		blank[0] = strconv.Itoa(n)
		t.row(blank)
	}
	return f.bytes()
}
