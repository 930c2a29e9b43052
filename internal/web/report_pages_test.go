package web_test

import (
	"bytes"
	"encoding/csv"
	"github.com/traininghub/traininghub/internal/testkit"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/store"
)

// reportPagePaths gives the report pages their addresses for pages_test.go.
func (f *fixture) reportPagePaths() map[string]string {
	return map[string]string{
		"/admin/reports":                "/admin/reports",
		"/admin/reports/attendance.csv": "/admin/reports/attendance.csv",
		"/admin/reports/courses.csv":    "/admin/reports/courses.csv",
		"/admin/reports/sessions.csv":   "/admin/reports/sessions.csv",
		"/admin/reports/charges":        "/admin/reports/charges",
		"/admin/reports/charges.csv":    "/admin/reports/charges.csv",
		"/admin/reports/charges/:id":    "/admin/reports/charges/" + id(f.Police.ID),
		"/admin/reports/impact":         "/admin/reports/impact",
		"/admin/reports/impact.csv":     "/admin/reports/impact.csv",
	}
}

// reportData is a session that took place last week with a charging course: one person
// attended, one (whose name is a spreadsheet formula) did not, one cancelled late. It
// returns the health organisation's id.
func (f *fixture) reportData(t *testing.T) int64 {
	t.Helper()
	health := f.Org(t, "=Health Trust", account.Health)
	came := f.User(t, "came@example.org", f.Police.ID, account.Practitioner)
	absent := f.User(t, "absent@example.org", health.ID, account.Practitioner)
	late := f.User(t, "late@example.org", health.ID, account.Practitioner)
	start := f.Clock.Now().Add(-7 * 24 * time.Hour)
	st, stamp := store.FormatTime(start), store.FormatTime(start.Add(-30*24*time.Hour))
	exec := func(q string, args ...any) int64 {
		t.Helper()
		return testkit.Exec(t, f.DB, q, args...)
	}
	exec(`UPDATE users SET name = '=HYPERLINK("http://evil.example")' WHERE id = ?`, absent.ID)
	exec(`UPDATE courses SET charge_dna_pence = 125000, charge_late_pence = 1275 WHERE id = ?`, f.CourseID)
	sid := exec(`INSERT INTO course_sessions (course_id, starts_at, ends_at, capacity, booking_closes_at, cancel_cutoff_at,
		created_at, updated_at) VALUES (?, ?, ?, 4, ?, ?, ?, ?) RETURNING id`, f.CourseID, st, store.FormatTime(start.Add(3*time.Hour)),
		st, store.FormatTime(start.Add(-48*time.Hour)), stamp, stamp)
	exec(`INSERT INTO registers (session_id, status, submitted_at, updated_at) VALUES (?, 'submitted', ?, ?)`, sid, st, st)
	for _, b := range []struct {
		user         int64
		status, mark string
	}{{came.ID, "confirmed", "attended"}, {absent.ID, "confirmed", "absent"}, {late.ID, "late_cancelled", ""}} {
		var mark any
		if b.mark != "" {
			mark = b.mark
		}
		exec(`INSERT INTO bookings (session_id, user_id, status, created_at, updated_at, attendance) VALUES (?, ?, ?, ?, ?, ?)`,
			sid, b.user, b.status, stamp, stamp, mark)
	}
	return health.ID
}

func TestReportPages(t *testing.T) {
	f := newFixture(t)
	healthID := f.reportData(t)
	admin := f.signedIn(t, "ada@example.org")

	r := f.get(t, admin, "/admin/reports")
	if r.Status != http.StatusOK {
		t.Fatalf("report: %d %.500s", r.Status, r.Body)
	}
	// Police: 1 place, attended. Health: 2 places: 1 did not attend, 1 cancelled late.
	// All: 3 places, DNA rate 1/2 = 50.0%. Charges: £1,250.00 + £12.75 = £1,262.75.
	mustContain(t, r.Body, "<h1>Training reports</h1>", "1 session took place",
		`<svg xmlns="http://www.w3.org/2000/svg"`, `role="img"`, `<title id="chart-types-title">`,
		`<caption>Attendance by type of organisation</caption>`,
		`<tr><th scope="row">Police</th><td class="numeric">1</td><td class="numeric">1</td><td class="numeric">0</td><td class="numeric">0</td><td class="numeric">0</td><td class="numeric">0</td><td class="numeric">0</td><td class="numeric">0.0%</td><td class="numeric">1</td></tr>`,
		`<tr><th scope="row">Health</th><td class="numeric">2</td><td class="numeric">0</td><td class="numeric">0</td><td class="numeric">1</td><td class="numeric">1</td><td class="numeric">0</td><td class="numeric">0</td><td class="numeric">100.0%</td><td class="numeric">0</td></tr>`,
		`<tr><th scope="row">Education</th><td class="numeric">0</td>`, `<td class="numeric">—</td>`,
		`<th scope="row">All organisations</th><td class="numeric">3</td>`, "50.0%",
		`<th scope="row">=Health Trust<br><span class="muted">Health</span></th>`, `<caption>Fill rate, people trained and evaluation scores by course</caption>`,
		`<title id="chart-fill-title">`, `2 of 4`, "£1,262.75",
		`href="/admin/reports/sessions.csv?from=2025-11-26&amp;to=2026-11-26"`)

	r = f.get(t, admin, "/admin/reports/charges")
	mustContain(t, r.Body, "=Health Trust", "£1,250.00", "£12.75", "£1,262.75",
		`href="/admin/reports/charges/`+id(healthID)+`?from=2025-11-26&amp;to=2026-11-26"`)
	r = f.get(t, admin, "/admin/reports/charges/"+id(healthID))
	if r.Status != http.StatusOK {
		t.Fatalf("organisation charges: %d", r.Status)
	}
	mustContain(t, r.Body, "Charges: =Health Trust", `=HYPERLINK(&#34;http://evil.example&#34;)`, "Did not attend",
		"Late cancellation", "£1,262.75")
	if r := f.get(t, admin, "/admin/reports/charges/999999"); r.Status != http.StatusNotFound {
		t.Errorf("unknown organisation: %d", r.Status)
	}
	if r := f.get(t, admin, "/admin/reports/charges/"+id(f.Police.ID)); !strings.Contains(r.Body, "has no charges in this period") {
		t.Errorf("police charges page: %d %.300s", r.Status, r.Body)
	}
}

// readCSV fetches a CSV export and parses it, checking it is a neutralised download.
// plainNumber is a negative number, which spreadsheets read as a number and nothing more.
var plainNumber = regexp.MustCompile(`^-[0-9]+(\.[0-9]+)?$`)

func (f *fixture) readCSV(t *testing.T, c *http.Client, path string) [][]string {
	t.Helper()
	resp, err := c.Get(f.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="`) {
		t.Fatalf("%s: %d %q %q %.300s", path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"), buf.String())
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && !plainNumber.MatchString(cell) {
				t.Errorf("%s: cell %q is not neutralised", path, cell)
			}
		}
	}
	return rows
}

func TestReportCSVs(t *testing.T) {
	f := newFixture(t)
	healthID := f.reportData(t)
	admin := f.signedIn(t, "ada@example.org")

	orgs := f.readCSV(t, admin, "/admin/reports/attendance.csv?from=2026-11-01&to=2026-12-01")
	if strings.Join(orgs[0], "|") != "Organisation|Organisation type|Places booked|Attended|Partly attended|Did not attend|Not recorded|Late cancellations|Walk-ins|DNA rate (%)|People trained" {
		t.Errorf("header %q", orgs[0])
	}
	want := map[string]string{
		"'=Health Trust": "'=Health Trust|Health|2|0|0|1|0|1|0|100.0|0",
		"Bath Police":    "Bath Police|Police|1|1|0|0|0|0|0|0.0|1",
	}
	for _, row := range orgs[1:] {
		if w, ok := want[row[0]]; !ok || strings.Join(row, "|") != w {
			t.Errorf("row %q, want %q", row, w)
		}
	}
	types := f.readCSV(t, admin, "/admin/reports/attendance.csv?by=type")
	if last := types[len(types)-1]; strings.Join(last, "|") != "All organisations|2|3|1|0|1|0|1|0|50.0|1" {
		t.Errorf("types total %q", last)
	}
	courses := f.readCSV(t, admin, "/admin/reports/courses.csv")
	if len(courses) != 2 || courses[1][0] != "Safeguarding level 2" || courses[1][3] != "2" || courses[1][4] != "50.0" {
		t.Errorf("courses %q", courses)
	}
	sessions := f.readCSV(t, admin, "/admin/reports/sessions.csv")
	if len(sessions) != 2 || sessions[1][2] != "2026-11-18" || sessions[1][6] != "50.0" {
		t.Errorf("sessions %q", sessions)
	}
	charges := f.readCSV(t, admin, "/admin/reports/charges.csv")
	if len(charges) != 3 {
		t.Fatalf("charges %q", charges)
	}
	if strings.Join(charges[1], "|") != `'=Health Trust|Health|'=HYPERLINK("http://evil.example")|absent@example.org|Safeguarding level 2|2026-11-18|Did not attend|1250.00` ||
		strings.Join(charges[2], "|") != "'=Health Trust|Health|Person late@example.org|late@example.org|Safeguarding level 2|2026-11-18|Late cancellation|12.75" {
		t.Errorf("charges %q", charges)
	}
	one := f.readCSV(t, admin, "/admin/reports/charges.csv?organisation="+id(f.Police.ID))
	if len(one) != 1 {
		t.Errorf("police has no charges, got %q", one)
	}
	if r := f.get(t, admin, "/admin/reports/charges.csv?organisation=abc"); r.Status != http.StatusNotFound {
		t.Errorf("bad organisation: %d", r.Status)
	}
	if r := f.get(t, admin, "/admin/reports/attendance.csv?by=colour"); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad grouping: %d", r.Status)
	}
	_ = healthID
}

func TestReportBadDates(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, "ada@example.org")
	for _, path := range []string{
		"/admin/reports?from=2026-02-30", "/admin/reports?from=2026-05-02&to=2026-05-01",
		"/admin/reports?to=tomorrow", "/admin/reports?from=%3Cscript%3E",
		"/admin/reports/attendance.csv?from=x", "/admin/reports/courses.csv?to=2026-13-01",
		"/admin/reports/sessions.csv?from=1999-01-01", "/admin/reports/charges?from=2026-1-1x",
		"/admin/reports/charges.csv?to=31/02/2026", "/admin/reports/charges/" + id(f.Police.ID) + "?from=no",
	} {
		r := f.get(t, admin, path)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", path, r.Status)
			continue
		}
		mustContain(t, r.Body, "There is a problem", `class="error-summary"`, `<a href="#`)
		mustNotContain(t, r.Body, "<script>", "Places booked</dt>")
	}
	r := f.get(t, admin, "/admin/reports?from=2026-05-02&to=2026-05-01")
	mustContain(t, r.Body, `<a href="#to">The end date must be after the start date</a>`, `value="2026-05-02"`)
}

func TestReportsAreForAdminsOnly(t *testing.T) {
	f := newFixture(t)
	f.User(t, "mo@example.org", f.Police.ID, account.Manager)
	f.User(t, "pip@example.org", f.Police.ID, account.Partner)
	f.User(t, "tia@example.org", f.Police.ID, account.Trainer)
	for _, email := range []string{"pat@example.org", "mo@example.org", "pip@example.org", "tia@example.org"} {
		c := f.signedIn(t, email)
		for _, p := range f.reportPagePaths() {
			if r := f.get(t, c, p); r.Status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", email, p, r.Status)
			} else {
				mustNotContain(t, r.Body, "Places booked", "£")
			}
		}
	}
	anon := f.Browser(t)
	for _, p := range f.reportPagePaths() {
		if r := f.get(t, anon, p); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
			t.Errorf("anonymous GET %s: %d %q", p, r.Status, r.Location)
		}
	}
}

func TestCourseFormCharges(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, "ada@example.org")
	path := "/admin/courses/" + id(f.CourseID) + "/edit"
	r := f.get(t, admin, path)
	mustContain(t, r.Body, `<label class="label" for="charge_dna">Charge for not attending (£)</label>`,
		`<label class="label" for="charge_late">Charge for late cancellation (£)</label>`, `id="charge_dna" name="charge_dna"`)

	r = f.post(t, admin, path, courseForm(map[string]string{"charge_dna": "£1,250.00", "charge_late": "12.5"}))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %.800s", r.Status, r.Body)
	}
	var dna, late int64
	if err := f.DB.R.QueryRow(`SELECT charge_dna_pence, charge_late_pence FROM courses WHERE id = ?`, f.CourseID).Scan(&dna, &late); err != nil {
		t.Fatal(err)
	}
	if dna != 125000 || late != 1250 {
		t.Errorf("stored %d and %d pence, want 125000 and 1250", dna, late)
	}
	r = f.get(t, admin, path)
	mustContain(t, r.Body, `name="charge_dna" type="text" inputmode="decimal" autocomplete="off" value="1250.00"`, `value="12.50"`)

	for _, bad := range []map[string]string{{"charge_dna": "25.555"}, {"charge_late": "-1"}, {"charge_dna": "1e3"}, {"charge_late": "abc"}, {"charge_dna": "100,000.01"}} {
		r = f.post(t, admin, path, courseForm(bad))
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d, want 422", bad, r.Status)
			continue
		}
		mustContain(t, r.Body, `class="error-summary"`, "form-group--error")
	}
	if err := f.DB.R.QueryRow(`SELECT charge_dna_pence, charge_late_pence FROM courses WHERE id = ?`, f.CourseID).Scan(&dna, &late); err != nil {
		t.Fatal(err)
	}
	if dna != 125000 || late != 1250 {
		t.Errorf("a refused form changed the charges to %d and %d", dna, late)
	}
	// Blank is no charge.
	if r := f.post(t, admin, path, courseForm(nil)); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.Status)
	}
	_ = f.DB.R.QueryRow(`SELECT charge_dna_pence, charge_late_pence FROM courses WHERE id = ?`, f.CourseID).Scan(&dna, &late)
	if dna != 0 || late != 0 {
		t.Errorf("blank charges stored as %d and %d", dna, late)
	}
}
