package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/compliance/compliancetest"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/testkit"
)

// mgrFixture: two organisations, each with a manager and staff, and the partnership's rules.
//
//	Bath Children's Services (social care; Mia manages): Ann, a social worker in Children in
//	Need, attended child sexual exploitation awareness (CSE; renew every 36 months); Ben,
//	family support worker in Early Help, has nothing; Fred's job title and team look like
//	spreadsheet formulas.
//	Bath Police (the page fixture's organisation; Max manages): Gus has nothing. The
//	police must do the fixture's "Safeguarding level 2".
type mgrFixture struct {
	*fixture
	A                 account.Organisation
	Mia, Max          *account.User
	Ann, Ben, Gus     *account.User
	Fred              *account.User
	CSE               int64
	AnnCode           string
	Mgr, MaxC, AdminC *http.Client
}

func newMgrFixture(t *testing.T) *mgrFixture {
	t.Helper()
	f := &mgrFixture{fixture: newFixture(t)}
	ctx := context.Background()
	f.A = f.Org(t, "Bath Children's Services", account.SocialCare)
	f.Mia = f.recPerson(t, "mia@example.org", "Mia Manager", f.A.ID, account.Manager)
	f.Max = f.recPerson(t, "max@example.org", "Max Manager", f.Police.ID, account.Manager)
	f.Ann = f.staff(t, "ann@example.org", "Ann Archer", "Social Worker", "Children in Need", f.A.ID)
	f.Ben = f.staff(t, "ben@example.org", "Ben Baker", "Family support worker", "Early Help", f.A.ID)
	f.Fred = f.staff(t, "fred@example.org", "=HYPERLINK(\"http://evil.example\")", "+44 formula", "-Team", f.A.ID)
	f.Gus = f.staff(t, "gus@example.org", "Gus Grant", "Detective Constable", "CID", f.Police.ID)
	f.CSE = f.recCourse(t, course.CourseInput{Title: "Child sexual exploitation awareness", ValidityMonths: 36})
	svc := compliance.NewService(f.DB, f.Clock.Now)
	for _, in := range []compliance.RuleInput{{CourseID: f.CSE, OrgType: account.SocialCare},
		{CourseID: f.CourseID, OrgType: account.Police}} {
		if _, err := svc.CreateRule(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	f.recAttend(t, f.Session(t, f.CSE, time.Hour, 5), f.Ann)
	f.AnnCode = f.recCode(t, f.Ann.ID, f.CSE)
	f.Mgr = f.signedIn(t, "mia@example.org")
	f.MaxC = f.signedIn(t, "max@example.org")
	f.AdminC = f.signedIn(t, "ada@example.org")
	return f
}

// staff creates a practitioner with a job title and team.
func (f *mgrFixture) staff(t *testing.T, email, name, job, team string, orgID int64) *account.User {
	t.Helper()
	u, err := f.Accounts.CreateUser(context.Background(), account.NewUser{Email: email, Name: name, JobTitle: job,
		Team: team, OrganisationID: orgID, Password: testkit.Password, Roles: []account.Role{account.Practitioner}})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestManagerMatrixPage(t *testing.T) {
	f := newMgrFixture(t)
	r := f.get(t, f.Mgr, "/manager")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /manager: %d %.500s", r.Status, r.Body)
	}
	mustContain(t, r.Body, `<a href="/manager">My staff</a>`, "<h1>My staff&#39;s training</h1>",
		`<caption class="visually-hidden" id="matrix-caption">Required training of Bath Children&#39;s Services staff</caption>`,
		`<th scope="col">Name</th>`, `<th scope="col">Child sexual exploitation awareness</th>`,
		`<th scope="row"><a href="/manager/people/`+id(f.Ann.ID)+`">Ann Archer</a><br><span class="muted">Social Worker, Children in Need</span></th>`,
		`<strong class="tag tag--green">Completed</strong><br><span class="muted">25 Nov 2026</span><br><span class="muted">Renew by 25 Nov 2029</span>`,
		`Ben Baker`, `<strong class="tag tag--red">Not booked</strong>`,
		`role="region" aria-labelledby="matrix-caption" tabindex="0"`,
		`href="/manager/matrix.csv"`, "Showing 1 to 4 of 4 people")
	// Staff of another organisation never appear; nor does an admin's organisation picker.
	mustNotContain(t, r.Body, "Gus Grant", `id="org"`, "Bath Police")
	if m := inlineRE.FindString(r.Body); m != "" {
		t.Errorf("inline script or style: %q", m)
	}
	// Counts: 4 staff (Mia too); Ann up to date; Ben, Fred and Mia not done.
	mustContain(t, r.Body, `<li class="counts__item counts__item--current"><span class="counts__n">4</span> Staff<span class="visually-hidden"> (shown)</span></li>`,
		`<li class="counts__item counts__item--green"><a href="/manager?status=current"><span class="counts__n">1</span> Up to date</a></li>`,
		`<li class="counts__item counts__item--red"><span class="counts__n">0</span> Expired or expiring</li>`,
		`<a href="/manager?status=not_booked"><span class="counts__n">3</span> Not done and not booked</a>`)

	// Filters: status, team, job title; the counts follow team and job title.
	for q, want := range map[string][]string{
		"?status=not_booked":              {"Ben Baker", "Mia Manager"},
		"?status=current":                 {"Ann Archer"},
		"?team=early+help":                {"Ben Baker"},
		"?job_title=SOCIAL":               {"Ann Archer"},
		"?team=Children+in+Need&status=x": {"Ann Archer"},
	} {
		r := f.get(t, f.Mgr, "/manager"+q)
		for _, name := range []string{"Ann Archer", "Ben Baker", "Mia Manager"} {
			shown := strings.Contains(r.Body, ">"+name+"</a>")
			wanted := strings.Contains(strings.Join(want, "|"), name)
			if shown != wanted {
				t.Errorf("/manager%s: %s shown=%v, want %v", q, name, shown, wanted)
			}
		}
	}
	// A status that is not one of the options is explained, and ignored.
	r = f.get(t, f.Mgr, "/manager?status=bogus")
	if r.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad status: %d", r.Status)
	}
	mustContain(t, r.Body, "There is a problem", `<a href="#status">Choose a status from the list</a>`, "Ann Archer")

	// The header link is for managers only.
	mustNotContain(t, f.get(t, f.signedIn(t, "pat@example.org"), "/my/training").Body, `href="/manager"`)
}

// TestManagersSeeOnlyTheirOwnOrganisation: a manager of A asking for B's people, pages,
// spreadsheet or report gets "not found" or their own data, never B's; a practitioner is
// refused; an admin may look at any organisation.
func TestManagersSeeOnlyTheirOwnOrganisation(t *testing.T) {
	f := newMgrFixture(t)
	police := id(f.Police.ID)

	// Another organisation's person: 404, with nothing of theirs on the page.
	r := f.get(t, f.Mgr, "/manager/people/"+id(f.Gus.ID))
	if r.Status != http.StatusNotFound {
		t.Errorf("Mia asking for Gus: %d", r.Status)
	}
	mustNotContain(t, r.Body, "Gus Grant", "Detective Constable")
	for _, p := range []string{"/manager/people/999999", "/manager/people/abc", "/manager/people/" + id(f.Max.ID)} {
		if r := f.get(t, f.Mgr, p); r.Status != http.StatusNotFound {
			t.Errorf("Mia GET %s: %d, want 404", p, r.Status)
		}
	}
	// ?org= is ignored for managers: their own staff, never the police's.
	for _, p := range []string{"/manager?org=" + police, "/manager?org=abc"} {
		r := f.get(t, f.Mgr, p)
		if r.Status != http.StatusOK {
			t.Errorf("Mia GET %s: %d", p, r.Status)
		}
		mustContain(t, r.Body, "Ann Archer")
		mustNotContain(t, r.Body, "Gus Grant", "Safeguarding level 2")
	}
	rows := f.matrixCSV(t, f.Mgr, "/manager/matrix.csv?org="+police)
	if len(rows) != 5 || strings.Join(rows[0], "|") != "Name|Email|Job title|Team|Status|Child sexual exploitation awareness" {
		t.Errorf("Mia's CSV with ?org=police: %v", rows)
	}
	for _, row := range rows {
		if strings.Contains(strings.Join(row, "|"), "Gus") {
			t.Errorf("Mia's CSV holds the police's staff: %v", row)
		}
	}
	// The police's manager sees the police.
	r = f.get(t, f.MaxC, "/manager")
	mustContain(t, r.Body, "Gus Grant", "Safeguarding level 2")
	mustNotContain(t, r.Body, "Ann Archer")
	if r := f.get(t, f.MaxC, "/manager/people/"+id(f.Ann.ID)); r.Status != http.StatusNotFound {
		t.Errorf("Max asking for Ann: %d", r.Status)
	}

	// Practitioners and trainers are refused.
	f.User(t, "trainer@example.org", f.A.ID, account.Trainer)
	for _, who := range []string{"ann@example.org", "trainer@example.org"} {
		c := f.signedIn(t, who)
		for _, p := range []string{"/manager", "/manager/people/" + id(f.Ann.ID), "/manager/matrix.csv"} {
			if r := f.get(t, c, p); r.Status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", who, p, r.Status)
			}
		}
	}

	// An admin chooses the organisation, and may open anyone's record.
	r = f.get(t, f.AdminC, "/manager?org="+police)
	mustContain(t, r.Body, "Staff training: Bath Police", "Gus Grant", `<select class="select" id="org" name="org" >`,
		`<option value="`+police+`" selected>Bath Police</option>`, `href="/manager/matrix.csv?org=`+police+`"`)
	mustNotContain(t, r.Body, "Ann Archer")
	if r := f.get(t, f.AdminC, "/manager/people/"+id(f.Gus.ID)); r.Status != http.StatusOK {
		t.Errorf("admin GET Gus: %d", r.Status)
	}
	for _, p := range []string{"/manager?org=999999", "/manager?org=abc", "/manager/matrix.csv?org=0"} {
		if r := f.get(t, f.AdminC, p); r.Status != http.StatusNotFound {
			t.Errorf("admin GET %s: %d, want 404", p, r.Status)
		}
	}
}

func TestManagerPersonPage(t *testing.T) {
	f := newMgrFixture(t)
	upcoming := f.Session(t, f.CourseID, 72*time.Hour, 5)
	f.recBook(t, upcoming, f.Ann)
	r := f.get(t, f.Mgr, "/manager/people/"+id(f.Ann.ID))
	if r.Status != http.StatusOK {
		t.Fatalf("%d %.500s", r.Status, r.Body)
	}
	mustContain(t, r.Body, "<h1>Ann Archer</h1>", `<a href="/manager">My staff's training</a>`,
		"Social Worker", "Children in Need", "ann@example.org",
		`<strong class="tag tag--green">Up to date</strong>`,
		`<td data-label="Renewal">Every 36 months</td>`, `<strong class="tag tag--green">Completed</strong> 25 Nov 2026<br><span class="muted">Renew by 25 Nov 2029</span>`,
		`<td data-label="Completed">25 November 2026</td>`, // completed
		// A manager may check the certificate, not download it.
		`<a href="/verify/`+f.AnnCode+`">`+f.AnnCode,
		"Safeguarding level 2", `<strong class="tag tag--green">Booked</strong>`)
	mustNotContain(t, r.Body, "/certificates/")
	if m := inlineRE.FindString(r.Body); m != "" {
		t.Errorf("inline script or style: %q", m)
	}
	// Admins get the download, as on the record pages.
	r = f.get(t, f.AdminC, "/manager/people/"+id(f.Ann.ID))
	mustContain(t, r.Body, `href="/certificates/`+f.AnnCode+`.pdf" download`, `<a href="/manager?org=`+id(f.A.ID)+`">Staff training: Bath Children&#39;s Services</a>`)
	// Someone with nothing.
	r = f.get(t, f.Mgr, "/manager/people/"+id(f.Ben.ID))
	mustContain(t, r.Body, "Ben Baker", `<strong class="tag tag--red">Not booked</strong>`, "has not completed any training yet", "Nothing booked.")
}

// matrixCSV downloads and parses a matrix spreadsheet.
func (f *mgrFixture) matrixCSV(t *testing.T, c *http.Client, path string) [][]string {
	t.Helper()
	resp, body := f.recDownload(t, c, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if !bytes.HasPrefix(body, []byte("\ufeff")) {
		t.Error("no byte-order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestManagerMatrixCSV(t *testing.T) {
	f := newMgrFixture(t)
	rows := f.matrixCSV(t, f.Mgr, "/manager/matrix.csv")
	byName := map[string][]string{}
	for _, row := range rows[1:] {
		byName[row[0]] = row
	}
	if got := strings.Join(byName["Ann Archer"], "|"); got != "Ann Archer|ann@example.org|Social Worker|Children in Need|Up to date|Current (completed 2026-11-25, renew by 2029-11-25)" {
		t.Errorf("Ann: %s", got)
	}
	if got := strings.Join(byName["Ben Baker"], "|"); got != "Ben Baker|ben@example.org|Family support worker|Early Help|Not booked|Not booked" {
		t.Errorf("Ben: %s", got)
	}
	// Every cell that a spreadsheet would run as a formula starts with an apostrophe.
	fred := byName[`'=HYPERLINK("http://evil.example")`]
	if fred == nil || fred[2] != "'+44 formula" || fred[3] != "'-Team" {
		t.Errorf("formula cells not neutralised: %v", rows)
	}
	// The filter applies; a bad one is refused rather than ignored in a download.
	if rows := f.matrixCSV(t, f.Mgr, "/manager/matrix.csv?status=current"); len(rows) != 2 || rows[1][0] != "Ann Archer" {
		t.Errorf("filtered CSV: %v", rows)
	}
	if r := f.get(t, f.Mgr, "/manager/matrix.csv?status=bogus"); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad filter: %d", r.Status)
	}
}

// TestManagerMatrixPages: a large organisation comes a page of 100 at a time, with every
// person in the spreadsheet.
func TestManagerMatrixPages(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	g, err := compliancetest.Generate(ctx, f.DB, compliancetest.Options{Staff: 230, Courses: 3, Now: f.Clock.Now(), Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Accounts.SetPassword(ctx, g.ManagerID, testkit.Password); err != nil {
		t.Fatal(err)
	}
	mgr, err := f.Accounts.User(ctx, g.ManagerID)
	if err != nil {
		t.Fatal(err)
	}
	c := f.signedIn(t, mgr.Email)
	r := f.get(t, c, "/manager")
	mustContain(t, r.Body, "Showing 1 to 100 of 230 people (page 1 of 3)", "staff, page 1 of 3</caption>", `<a href="/manager?page=2">Next page</a>`)
	mustNotContain(t, r.Body, "Previous page")
	if n := strings.Count(r.Body, `<th scope="row">`); n != 100 {
		t.Errorf("page 1 has %d rows", n)
	}
	r = f.get(t, c, "/manager?page=3")
	mustContain(t, r.Body, "Showing 201 to 230 of 230 people", `<a href="/manager?page=2">Previous page</a>`)
	r = f.get(t, c, "/manager?page=99") // past the end: the last page
	mustContain(t, r.Body, "Showing 201 to 230")
	r = f.get(t, c, "/manager?page=2&status=expired")
	if strings.Contains(r.Body, "Next page") {
		mustContain(t, r.Body, "status=expired")
	}
	rows := (&mgrFixture{fixture: f}).matrixCSV(t, c, "/manager/matrix.csv")
	if len(rows) != 231 || len(rows[0]) != 8 {
		t.Errorf("CSV: %d rows of %d columns, want 231 of 8", len(rows), len(rows[0]))
	}
}
