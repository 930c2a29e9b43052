package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// impactReportData is reportData with the attendee's follow-up answered (confidence 2
// then 5) with words that are a spreadsheet formula holding an email address and a phone
// number.
func (f *fixture) impactReportData(t *testing.T) {
	t.Helper()
	f.reportData(t)
	var booking int64
	if err := f.DB.R.QueryRow(`SELECT b.id FROM bookings b JOIN users u ON u.id = b.user_id
		WHERE u.email = 'came@example.org'`).Scan(&booking); err != nil {
		t.Fatal(err)
	}
	stamp := store.FormatTime(f.Clock.Now())
	testkit.Exec(t, f.DB, `INSERT INTO impact_followups (booking_id, asked_at) VALUES (?, ?)`, booking, stamp)
	testkit.Exec(t, f.DB, `INSERT INTO impact_answers (booking_id, confidence_before, confidence_after, change_made, examples,
		share_examples, submitted_at) VALUES (?, 2, 5, ?, 'At Bath Police we now ask first', 1, ?)`, booking,
		`=HYPERLINK("http://evil.example") mail came@example.org or 01225 477000`, stamp)
}

func TestReportImpactPage(t *testing.T) {
	f := newFixture(t)
	f.impactReportData(t)
	admin := f.signedIn(t, f.Admin.Email)

	index := f.get(t, admin, "/admin/reports")
	mustContain(t, index.Body, `<h2 id="impact">`, "&#43;3.0", `href="/admin/reports/impact?from=2025-11-26&amp;to=2026-11-26"`,
		`href="/admin/reports/impact.csv?by=examples&amp;from=2025-11-26&amp;to=2026-11-26"`)

	r := f.get(t, admin, "/admin/reports/impact")
	if r.Status != http.StatusOK {
		t.Fatalf("impact page: %d", r.Status)
	}
	row := `<td class="numeric">1</td><td class="numeric">1</td><td class="numeric">100.0%</td><td class="numeric">2.0</td><td class="numeric">5.0</td><td class="numeric">&#43;3.0</td>`
	mustContain(t, r.Body, `<h2 id="by-course">Impact by course</h2>`, `<th scope="row">Safeguarding level 2</th>`+row,
		// One answer from Bath Police: its confidence figures would be that answer.
		`<th scope="row">Bath Police<br><span class="muted">Police</span></th><td class="numeric">1</td><td class="numeric">1</td><td class="numeric">100.0%</td><td class="numeric">Not shown</td><td class="numeric">Not shown</td><td class="numeric">Not shown</td>`,
		"[email removed]", "[phone number removed]", "At [organisation removed] we now ask first")
	// The examples table never names the person.
	examples := r.Body[strings.Index(r.Body, `id="examples"`):]
	mustNotContain(t, examples, "came@example.org", "01225", "Bath Police<")

	if r := f.get(t, admin, "/admin/reports/impact?from=2026-13-01"); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad date: %d", r.Status)
	}
	pract := f.signedIn(t, f.Pract.Email)
	for _, p := range []string{"/admin/reports/impact", "/admin/reports/impact.csv"} {
		if r := f.get(t, pract, p); r.Status != http.StatusForbidden {
			t.Errorf("practitioner %s: %d", p, r.Status)
		}
	}
}

func TestReportImpactCSV(t *testing.T) {
	f := newFixture(t)
	f.impactReportData(t)
	admin := f.signedIn(t, f.Admin.Email)
	courses := f.readCSV(t, admin, "/admin/reports/impact.csv")
	if got := strings.Join(courses[1], "|"); got != "Safeguarding level 2|1|1|100.0|2.0|5.0|3.0" {
		t.Errorf("by course %q", got)
	}
	orgs := f.readCSV(t, admin, "/admin/reports/impact.csv?by=organisation")
	if got := strings.Join(orgs[1], "|"); got != "Bath Police|Police|1|1|100.0|||" { // one answer: confidence withheld
		t.Errorf("by organisation %q", got)
	}
	// readCSV checks that no cell starts a formula.
	examples := f.readCSV(t, admin, "/admin/reports/impact.csv?by=examples")
	if len(examples) != 2 || examples[1][0] != "Safeguarding level 2" ||
		examples[1][1] != `'=HYPERLINK("http://evil.example") mail [email removed] or [phone number removed]` ||
		examples[1][2] != "At [organisation removed] we now ask first" {
		t.Errorf("examples %q", examples)
	}
	if r := f.get(t, admin, "/admin/reports/impact.csv?by=person"); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad grouping: %d", r.Status)
	}
}
