package web_test

import (
	"context"
	"encoding/csv"
	"github.com/traininghub/traininghub/internal/testkit"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/audit"
)

// trail reads the audit trail newest first.
func (f *fixture) trail(t *testing.T, filter audit.Filter) []audit.Row {
	t.Helper()
	rows, err := audit.List(context.Background(), f.DB.R, filter)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestAuditRecordsAChangeWithBeforeAndAfter: an admin's course edit leaves one entry:
// who, from where, the route, the course, and its title before and after. A form sent
// back with errors changed nothing and leaves none.
func TestAuditRecordsAChangeWithBeforeAndAfter(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, f.Admin.Email)
	before := len(f.trail(t, audit.Filter{Action: audit.Change}))

	r := f.post(t, admin, "/admin/courses/"+id(f.CourseID)+"/edit", courseForm(map[string]string{"title": ""}))
	if r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest {
		t.Fatalf("course edit without a title: %d", r.Status)
	}
	if n := len(f.trail(t, audit.Filter{Action: audit.Change})); n != before {
		t.Fatalf("a refused edit left %d entries", n-before)
	}

	r = f.post(t, admin, "/admin/courses/"+id(f.CourseID)+"/edit", courseForm(map[string]string{"title": "Children missing from home (2027)"}))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("course edit: %d %.300s", r.Status, r.Body)
	}
	rows := f.trail(t, audit.Filter{Action: audit.Change, SubjectType: "courses", SubjectID: f.CourseID})
	if len(rows) != 1 {
		t.Fatalf("%d entries for the course, want 1", len(rows))
	}
	e := rows[0]
	if e.ActorID != f.Admin.ID || e.RemoteAddr == "" || e.Route != "POST /admin/courses/:id/edit" || e.RequestID == "" {
		t.Errorf("entry %+v", e)
	}
	if !strings.Contains(e.Before, `"Title":"Safeguarding level 2"`) || !strings.Contains(e.After, `"Title":"Children missing from home (2027)"`) {
		t.Errorf("before %s\nafter %s", e.Before, e.After)
	}
	if !strings.Contains(e.Summary, "title=Children missing from home (2027)") {
		t.Errorf("summary %q", e.Summary)
	}
	page := f.get(t, admin, "/admin/audit?subject=courses/"+id(f.CourseID))
	mustContain(t, page.Body, "Title: &#34;Safeguarding level 2&#34; → &#34;Children missing from home (2027)&#34;")
}

// TestAuditRecordsSignIns: a sign-in and a failed one, with the address typed and the
// remote address; the password never reaches the trail.
func TestAuditRecordsSignIns(t *testing.T) {
	f := newFixture(t)
	c := f.Browser(t)
	r := f.post(t, c, "/login", url.Values{"email": {f.Pract.Email}, "password": {"not-the-password-123"}})
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", r.Status)
	}
	f.SignIn(t, c, f.Pract.Email)
	failed := f.trail(t, audit.Filter{Action: audit.SignInFailed})
	ok := f.trail(t, audit.Filter{Action: audit.SignIn, Person: f.Pract.Email})
	if len(failed) != 1 || failed[0].Summary != "email="+f.Pract.Email || failed[0].RemoteAddr == "" || failed[0].ActorID != 0 {
		t.Fatalf("failed sign-ins: %+v", failed)
	}
	if len(ok) != 1 || ok[0].ActorID != f.Pract.ID || ok[0].Route != "POST /login" {
		t.Fatalf("sign-ins: %+v", ok)
	}
	for _, e := range f.trail(t, audit.Filter{}) {
		if strings.Contains(e.Summary, "not-the-password") {
			t.Fatalf("a password reached the trail: %+v", e)
		}
	}
}

// TestAuditRecordsReadsOfOthersRecords: a manager looking at a person's page and an
// admin downloading the attendance report are entries; a practitioner's own pages are
// not.
func TestAuditRecordsReadsOfOthersRecords(t *testing.T) {
	f := newFixture(t)
	mgr := f.User(t, "mo@example.org", f.Police.ID, account.Practitioner, account.Manager)
	manager := f.signedIn(t, mgr.Email)
	if r := f.get(t, manager, "/manager/people/"+id(f.Pract.ID)); r.Status != http.StatusOK {
		t.Fatalf("manager's person page: %d", r.Status)
	}
	admin := f.signedIn(t, f.Admin.Email)
	if r := f.get(t, admin, "/admin/reports/attendance.csv?from=2026-01-01"); r.Status != http.StatusOK {
		t.Fatalf("attendance report: %d", r.Status)
	}
	pract := f.signedIn(t, f.Pract.Email)
	f.get(t, pract, "/my/training")

	reads := f.trail(t, audit.Filter{Action: audit.Read})
	if len(reads) != 2 {
		t.Fatalf("%d reads recorded, want 2: %+v", len(reads), reads)
	}
	if e := reads[1]; e.ActorID != mgr.ID || e.SubjectType != "people" || e.SubjectID != f.Pract.ID {
		t.Errorf("manager's read: %+v", e)
	}
	if e := reads[0]; e.ActorID != f.Admin.ID || e.Route != "GET /admin/reports/attendance.csv" || e.Summary != "from=2026-01-01" {
		t.Errorf("report read: %+v", e)
	}
}

// TestAuditTrailCannotBeRewritten: the database itself refuses to change or delete an
// entry.
func TestAuditTrailCannotBeRewritten(t *testing.T) {
	f := newFixture(t)
	f.SignIn(t, f.Browser(t), f.Pract.Email)
	for _, q := range []string{`UPDATE audit_events SET actor_id = NULL`, `DELETE FROM audit_events`} {
		_, err := f.DB.Exec(context.Background(), q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", q, err)
		}
	}
	if n := len(f.trail(t, audit.Filter{})); n != 1 {
		t.Errorf("%d entries after the attempts, want 1", n)
	}
}

// TestAuditPagesFilterAndExport: only admins see the trail; filters narrow it; a bad
// date is a field error; the CSV holds the same entries with formula-looking cells made
// safe.
func TestAuditPagesFilterAndExport(t *testing.T) {
	f := newFixture(t)
	c := f.Browser(t)
	f.post(t, c, "/login", url.Values{"email": {"=HYPERLINK(\"http://x\")"}, "password": {"whatever-123"}})
	admin := f.signedIn(t, f.Admin.Email)
	pract := f.signedIn(t, f.Pract.Email)
	if r := f.get(t, pract, "/admin/audit"); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
		t.Fatalf("a practitioner sees the trail: %d", r.Status)
	}
	r := f.get(t, admin, "/admin/audit?action=signin.failed")
	mustContain(t, r.Body, "Failed to sign in", "HYPERLINK")
	mustNotContain(t, r.Body, "Signed in<br>")
	r = f.get(t, admin, "/admin/audit?from=25/11/2026")
	if r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad date: %d", r.Status)
	}
	mustContain(t, r.Body, "Enter a date as year-month-day")

	r = f.get(t, admin, "/admin/audit.csv?action=signin.failed")
	rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("CSV: %v, %d rows: %s", err, len(rows), r.Body)
	}
	if got := rows[1][9]; got != `'email==HYPERLINK("http://x")` && !strings.HasPrefix(got, "email=") {
		t.Errorf("details cell %q", got)
	}
	for _, cell := range rows[1] {
		if strings.HasPrefix(cell, "=") {
			t.Errorf("a cell would run as a formula: %q", cell)
		}
	}
}

// TestAuditRecordsAPIChanges: a change through the API is an entry like a page's.
func TestAuditRecordsAPIChanges(t *testing.T) {
	f := newFixture(t)
	token := f.Token(t, f.Admin)
	req, _ := http.NewRequest(http.MethodPost, f.URL+"/api/v1/sessions/"+id(f.SessionID)+"/cancel",
		strings.NewReader(`{"reason":"Trainer unwell"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	r := do(t, http.DefaultClient, req)
	if r.Status != http.StatusOK {
		t.Fatalf("cancel a session through the API: %d %s", r.Status, r.Body)
	}
	rows := f.trail(t, audit.Filter{Action: audit.Change, SubjectType: "sessions", SubjectID: f.SessionID})
	if len(rows) != 1 || rows[0].ActorID != f.Admin.ID || rows[0].Route != "POST /api/v1/sessions/:id/cancel" {
		t.Fatalf("entries %+v", rows)
	}
	if rows[0].Summary != "reason=Trainer unwell" {
		t.Errorf("summary of the JSON sent: %q", rows[0].Summary)
	}
}

// TestAReadThatCannotBeRecordedIsNotShown: with the database full, a page of someone
// else's record answers 503 instead of showing it unrecorded; the person's own pages,
// which are not audited, still show.
func TestAReadThatCannotBeRecordedIsNotShown(t *testing.T) {
	if testkit.OnPostgres() {
		t.Skip("fills a SQLite file to its size limit; on PostgreSQL a full disk is the database server's")
	}
	f := newFixture(t)
	admin := f.signedIn(t, f.Admin.Email)
	ctx := context.Background()
	if _, err := f.DB.Exec(ctx, `CREATE TABLE ballast (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := f.DB.R.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := f.DB.Exec(ctx, `PRAGMA max_page_count = `+id(int64(pages))); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int64{65536, 4096, 512, 64, 1} {
		for range 10000 {
			if _, err := f.DB.Exec(ctx, `INSERT INTO ballast VALUES (zeroblob(?))`, size); err != nil {
				break
			}
		}
	}
	var r response
	for range 50 { // rows may still fit on the trail's own pages for a while
		if r = f.get(t, admin, "/admin/people/"+id(f.Pract.ID)); r.Status != http.StatusOK {
			break
		}
	}
	if r.Status != http.StatusServiceUnavailable || !strings.Contains(r.Body, "audit trail") {
		t.Fatalf("someone else's record on a full disk: %d %.200s", r.Status, r.Body)
	}
	if r := f.get(t, admin, "/courses"); r.Status != http.StatusOK {
		t.Fatalf("the catalogue on a full disk: %d", r.Status)
	}
}
