package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/course"
)

// recordFixture: Seán attended a course that needs refreshing every 36 months (Friday 27
// November 2026) and one that never expires, whose title is a spreadsheet formula
// (Thursday 26 November 2026), and has the fixture's session on 2 December booked.
type recordFixture struct {
	*fixture
	Sean                       *account.User
	Refresher, Formula         int64 // course ids
	RefresherCode, FormulaCode string
}

func newRecordFixture(t *testing.T) *recordFixture {
	t.Helper()
	f := &recordFixture{fixture: newFixture(t)}
	f.Sean = f.recPerson(t, "sean@example.org", "Seán Ó Briain", f.Police.ID)
	f.Refresher = f.recCourse(t, course.CourseInput{Title: "Children missing from home", ValidityMonths: 36})
	f.Formula = f.recCourse(t, course.CourseInput{Title: "=1+2 Safeguarding"})
	formulaSession := f.Session(t, f.Formula, 24*time.Hour, 10)
	refresherSession := f.Session(t, f.Refresher, 2*24*time.Hour, 10)
	f.recAttend(t, formulaSession, f.Sean)
	f.recAttend(t, refresherSession, f.Sean)
	f.recBook(t, f.SessionID, f.Sean)
	f.RefresherCode = f.recCode(t, f.Sean.ID, f.Refresher)
	f.FormulaCode = f.recCode(t, f.Sean.ID, f.Formula)
	return f
}

func TestLearningRecordPage(t *testing.T) {
	f := newRecordFixture(t)
	c := f.signedIn(t, "sean@example.org")

	page := f.get(t, c, "/my/record")
	if page.Status != http.StatusOK {
		t.Fatalf("record: %d %.500s", page.Status, page.Body)
	}
	mustContain(t, page.Body, "<h1>My learning record</h1>", `href="/my/record">My learning record</a>`,
		"2 courses completed, 6 CPD hours in total",
		"Children missing from home", "27 November 2026", `<strong class="tag tag--green">Current</strong>`,
		"Expires on 27 November 2029",
		"=1&#43;2 Safeguarding", "26 November 2026", "Does not expire",
		`href="/certificates/`+f.RefresherCode+`.pdf"`, `href="/certificates/`+f.FormulaCode+`.pdf"`,
		`href="/my/record.csv"`, `href="/my/record.pdf"`,
		"Upcoming training", "Safeguarding level 2", "Wednesday 2 December 2026, 10:00am to 1:00pm")
	// Newest first.
	if strings.Index(page.Body, "Children missing from home") > strings.Index(page.Body, "=1&#43;2 Safeguarding") {
		t.Error("completions are not newest first")
	}

	// "My training" links to the record.
	mustContain(t, f.get(t, c, "/my/training").Body, `<a href="/my/record">your learning record</a>`)

	// Within 90 days of the expiry, then past it.
	f.Clock.Set(time.Date(2029, 10, 1, 12, 0, 0, 0, time.UTC))
	page = f.get(t, c, "/my/record")
	mustContain(t, page.Body, `<strong class="tag tag--yellow">Expires within 90 days</strong>`, "Expires on 27 November 2029",
		`<a href="/courses/`+id(f.Refresher)+`">Book a refresher`)
	mustContain(t, page.Body, "You have no training booked")   // the booking is long past
	f.Clock.Set(time.Date(2029, 11, 27, 0, 0, 0, 0, time.UTC)) // London midnight in GMT: the expiry instant
	page = f.get(t, c, "/my/record")
	mustContain(t, page.Body, `<strong class="tag tag--red">Expired</strong>`, "Expired on 27 November 2029")

	// Someone with nothing completed, and nobody at all.
	f.recPerson(t, "new@example.org", "Nia Newcomer", f.Police.ID)
	mustContain(t, f.get(t, f.signedIn(t, "new@example.org"), "/my/record").Body,
		"You have not completed any training yet", "You have no training booked")
	if r := f.get(t, f.Browser(t), "/my/record"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Errorf("anonymous record: %d %q", r.Status, r.Location)
	}
}

func TestLearningRecordWithdrawnCertificate(t *testing.T) {
	f := newRecordFixture(t)
	if err := f.Attendance.Revoke(context.Background(), f.RefresherCode, "Issued by mistake", f.Admin.ID); err != nil {
		t.Fatal(err)
	}
	page := f.get(t, f.signedIn(t, "sean@example.org"), "/my/record")
	mustContain(t, page.Body, "Certificate withdrawn")
	mustNotContain(t, page.Body, f.RefresherCode, "Issued by mistake")
}

func TestLearningRecordCSV(t *testing.T) {
	f := newRecordFixture(t)
	resp, body := f.recDownload(t, f.signedIn(t, "sean@example.org"), "/my/record.csv")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), `attachment; filename="learning-record.csv"`) {
		t.Fatalf("CSV: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	if !bytes.HasPrefix(body, []byte("\ufeff")) {
		t.Error("no byte-order mark for Excel")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v\n%s", err, body)
	}
	want := [][]string{
		{"Course", "Completed on", "CPD hours", "Expires on", "Status", "Certificate code", "Check the certificate at"},
		{"Children missing from home", "2026-11-27", "3", "2029-11-27", "Current", f.RefresherCode, f.URL + "/verify/" + f.RefresherCode},
		{"'=1+2 Safeguarding", "2026-11-26", "3", "", "Does not expire", f.FormulaCode, f.URL + "/verify/" + f.FormulaCode},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(want), body)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i, rows[i], want[i])
		}
	}
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q is not neutralised", cell)
			}
		}
	}
}

func TestCSVCellsAreNeutralised(t *testing.T) {
	f := newFixture(t)
	u := f.recPerson(t, "evil@example.org", "Eve", f.Police.ID)
	var courses []int64
	titles := []string{"+SUM(A1)", "-2+3", "@cmd", "Plain"} // titles are trimmed, so no tab or CR here
	for i, title := range titles {
		cid := f.recCourse(t, course.CourseInput{Title: title})
		courses = append(courses, cid)
		f.recAttend(t, f.Session(t, cid, time.Duration(i+1)*time.Hour, 5), u)
	}
	_, body := f.recDownload(t, f.signedIn(t, "evil@example.org"), "/my/record.csv")
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, row := range rows[1:] {
		got[row[0]] = true
	}
	for _, w := range []string{"'+SUM(A1)", "'-2+3", "'@cmd", "Plain"} {
		if !got[w] {
			t.Errorf("no cell %q in %v", w, got)
		}
	}
}

func TestLearningRecordPDF(t *testing.T) {
	f := newRecordFixture(t)
	resp, body := f.recDownload(t, f.signedIn(t, "sean@example.org"), "/my/record.pdf")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" ||
		!bytes.HasPrefix(body, []byte("%PDF")) {
		t.Fatalf("PDF: %d %q %.20q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="learning-record.pdf"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	text := pdfText(t, body)
	for _, w := range []string{"Seán Ó Briain", "Bath Police", "Children missing from home", "=1+2 Safeguarding",
		f.RefresherCode, "Learning record"} {
		if text != "" && !strings.Contains(text, w) {
			t.Errorf("transcript lacks %q:\n%s", w, text)
		}
	}
}

// pdfText extracts a PDF's text with poppler's pdftotext, spaces collapsed; "" (and a
// log line) when pdftotext is not installed.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed: the PDF's text is not checked")
		return ""
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestCertificateDownload(t *testing.T) {
	f := newRecordFixture(t)
	path := "/certificates/" + f.RefresherCode + ".pdf"
	f.recPerson(t, "olu@example.org", "Olu Other", f.Police.ID)

	for _, who := range []string{"sean@example.org", "ada@example.org"} {
		resp, body := f.recDownload(t, f.signedIn(t, who), path)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF")) {
			t.Fatalf("%s downloads: %d %q", who, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="certificate-`+f.RefresherCode+`.pdf"` {
			t.Errorf("Content-Disposition %q", cd)
		}
		if text := pdfText(t, body); text != "" {
			mustContain(t, text, "Seán Ó Briain", "Children missing from home", "27 November 2026", f.RefresherCode,
				f.URL+"/verify/"+f.RefresherCode, "Safeguarding Children Partnership")
		}
	}
	// Codes are found however they are typed.
	if r := f.get(t, f.signedIn(t, "sean@example.org"), "/certificates/"+strings.ToLower(f.RefresherCode)+".pdf"); r.Status != http.StatusOK {
		t.Errorf("lower-case code: %d", r.Status)
	}

	olu := f.signedIn(t, "olu@example.org")
	if r := f.get(t, olu, path); r.Status != http.StatusNotFound {
		t.Errorf("someone else's certificate: %d, want 404", r.Status)
	}
	if r := f.get(t, olu, "/certificates/7Q2KD-M9XWT-0BZ4H-RC5NE.pdf"); r.Status != http.StatusNotFound {
		t.Errorf("unknown code: %d, want 404", r.Status)
	}
	if r := f.get(t, f.Browser(t), path); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Errorf("anonymous: %d %q", r.Status, r.Location)
	}

	if err := f.Attendance.Revoke(context.Background(), f.RefresherCode, "Wrong person", f.Admin.ID); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"sean@example.org", "ada@example.org"} {
		r := f.get(t, f.signedIn(t, who), path)
		if r.Status != http.StatusGone {
			t.Errorf("%s, revoked: %d, want 410", who, r.Status)
		}
		mustContain(t, r.Body, "This certificate has been withdrawn")
		mustNotContain(t, r.Body, "Wrong person")
	}
}

// TestMyTrainingShowsAttendance: past sessions say what the register says, not "Booked".
func TestMyTrainingShowsAttendance(t *testing.T) {
	f := newRecordFixture(t)
	c := f.signedIn(t, "sean@example.org")
	page := f.get(t, c, "/my/training")
	mustContain(t, page.Body, `<strong class="tag tag--green">Attended</strong>`)
	past := page.Body[strings.Index(page.Body, `id="past"`):]
	if strings.Contains(past[:strings.Index(past, "</table>")], ">Booked<") {
		t.Error("a past session still shows Booked")
	}
}
