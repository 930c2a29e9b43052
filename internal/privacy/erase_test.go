package privacy_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/testkit"
)

func eraseForm(received, reference, note string) url.Values {
	return url.Values{"received": {received}, "reference": {reference}, "note": {note}}
}

func TestErasureAnonymisesAndKeepsTheFigures(t *testing.T) {
	f := newFixture(t)
	// Wendy waits for Seán's place on the full future session.
	wendy := f.User(t, "wendy@example.org", f.Org.ID)
	waiting := f.book(t, f.FutureID, wendy)
	admin := f.signedIn(t, f.Admin.Email)
	seanBrowser := f.signedIn(t, f.Sean.Email)
	path := "/admin/people/" + idText(f.Sean.ID)

	reportBefore := f.get(t, admin, "/admin/reports/attendance.csv")
	chargesBefore := f.get(t, admin, "/admin/reports/charges.csv")
	impactBefore := f.get(t, admin, "/admin/reports/impact.csv")
	mustContain(t, "impact before", impactBefore.Body, "Safeguarding level 2,1,1,100.0,2.0,4.0,2.0")
	mustContain(t, "impact examples before", f.get(t, admin, "/admin/reports/impact.csv?by=examples").Body, "sibling records")
	if reportBefore.Status != http.StatusOK || !strings.Contains(reportBefore.Body, "Bath Police") {
		t.Fatalf("report before: %d %.300s", reportBefore.Status, reportBefore.Body)
	}

	form := f.get(t, admin, path+"/erase")
	mustContain(t, "erase page", form.Body, "What goes", "What stays", `name="received"`, `name="reference"`, `name="note"`)

	// Missing reference and a date in the future: both explained, nothing changes.
	bad := f.post(t, admin, path+"/erase", eraseForm("2099-01-01", "", ""))
	if bad.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", bad.Status)
	}
	mustContain(t, "bad form", bad.Body, "There is a problem", `href="#received"`, `href="#reference"`)
	if u, err := f.Accounts.User(t.Context(), f.Sean.ID); err != nil || u.Name != "Seán Ó Briain" {
		t.Fatalf("a refused erasure changed the person: %+v %v", u, err)
	}

	done := f.post(t, admin, path+"/erase", eraseForm("2026-11-20", "DPA-2026-041", "Request by email to the DPO"))
	if done.Status != http.StatusSeeOther || done.Location != path {
		t.Fatalf("erase: %d %q %.500s", done.Status, done.Location, done.Body)
	}

	// Nothing that names them is left anywhere in the database (a sign-in attempt
	// typing their old address, below, would make a new request-limit row).
	if found := testkit.PlainTextSecrets(t, f.DB, f.Sean.Email, "Seán", "Briain", "Detective Constable",
		"Seán found the case studies", "Ask my sergeant", "sibling records", "Keynsham"); len(found) > 0 {
		t.Fatalf("still held after erasure: %v", found)
	}

	// The person is anonymised and cannot sign in; their sessions ended.
	u, err := f.Accounts.User(t.Context(), f.Sean.ID)
	if err != nil || u.Name != "Erased person" || u.Email != "erased-"+idText(f.Sean.ID)+"@erased.invalid" || u.JobTitle != "" || u.Active {
		t.Fatalf("after erasure: %+v %v", u, err)
	}
	if r := f.post(t, f.Browser(t), "/login", url.Values{"email": {f.Sean.Email}, "password": {testkit.Password}}); r.Status == http.StatusSeeOther {
		t.Fatal("the erased person signed in")
	}
	if r := f.get(t, seanBrowser, "/my/training"); r.Status != http.StatusSeeOther {
		t.Fatalf("the erased person's session still works: %d", r.Status)
	}
	req, _ := http.NewRequest(http.MethodGet, f.URL+"/api/v1/me/record", nil)
	req.Header.Set("Authorization", "Bearer "+f.TokenValue)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the erased person's API token: %v %v", resp.StatusCode, err)
	}

	// The waiting list moved up; no message went to the erased address.
	var status string
	if err := f.DB.R.QueryRow(`SELECT status FROM bookings WHERE id = ?`, waiting).Scan(&status); err != nil || status != "confirmed" {
		t.Fatalf("Wendy's booking: %q %v", status, err)
	}
	var queued int
	if err := f.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE user_id = ? AND status IN ('queued', 'retrying')`, f.Sean.ID).Scan(&queued); err != nil || queued != 0 {
		t.Fatalf("messages still queued to the erased person: %d %v", queued, err)
	}

	// Reports and charges are the same to the byte.
	if after := f.get(t, admin, "/admin/reports/attendance.csv"); after.Body != reportBefore.Body {
		t.Errorf("attendance report changed:\n%s\n---\n%s", reportBefore.Body, after.Body)
	}
	if after := f.get(t, admin, "/admin/reports/impact.csv"); after.Body != impactBefore.Body {
		t.Errorf("impact figures changed:\n%s\n---\n%s", impactBefore.Body, after.Body)
	}
	if after := f.get(t, admin, "/admin/reports/charges.csv"); after.Body != chargesBefore.Body {
		t.Errorf("charges changed:\n%s\n---\n%s", chargesBefore.Body, after.Body)
	}

	// Their certificate says the record was erased, on the page and in the API.
	v := f.get(t, f.Browser(t), "/verify/"+f.Code)
	if v.Status != http.StatusOK {
		t.Fatalf("verify: %d", v.Status)
	}
	mustContain(t, "verify page", v.Body, "Record erased", "can no longer be checked")
	mustNotContain(t, "verify page", v.Body, "Valid", "Erased person")
	api := f.get(t, f.Browser(t), "/api/v1/certificates/"+f.Code)
	var cert struct{ Status, Name, Message string }
	if err := json.Unmarshal([]byte(api.Body), &cert); err != nil || api.Status != http.StatusOK || cert.Status != "erased" ||
		cert.Name != "Erased person" || cert.Message == "" {
		t.Fatalf("API verify: %d %s", api.Status, api.Body)
	}

	// The admin pages say so, and refuse every change.
	page := f.get(t, admin, path)
	mustContain(t, "person page", page.Body, "Erased on", "DPA-2026-041", "by Person ada@example.org")
	mustNotContain(t, "person page", page.Body, "/enable", "/edit", "/password-link", "/merge", "/erase\"")
	for _, p := range []string{path + "/enable", path + "/edit", path + "/password-link", path + "/disable",
		path + "/merge/" + idText(f.Other.ID), "/admin/people/" + idText(f.Other.ID) + "/merge/" + idText(f.Sean.ID)} {
		if r := f.post(t, admin, p, url.Values{"name": {"Back again"}, "email": {"back@example.org"}}); r.Status != http.StatusConflict {
			t.Errorf("POST %s on an erased person: %d", p, r.Status)
		}
	}
	if r := f.post(t, admin, path+"/erase", eraseForm("2026-11-20", "again", "")); r.Status != http.StatusConflict {
		t.Errorf("second erasure: %d", r.Status)
	}
	list := f.get(t, admin, "/admin/erasures")
	mustContain(t, "erasures", list.Body, "DPA-2026-041", "Request by email to the DPO", "Person ada@example.org", "20 Nov 2026")
	var n int
	if err := f.DB.R.QueryRow(`SELECT count(*) FROM erasures WHERE user_id = ? AND carried_out_by = ? AND request_received_on = '2026-11-20'`,
		f.Sean.ID, f.Admin.ID).Scan(&n); err != nil || n != 1 {
		t.Fatalf("erasure record: %d %v", n, err)
	}
}

func TestAdminsCannotEraseThemselves(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, f.Admin.Email)
	path := "/admin/people/" + idText(f.Admin.ID) + "/erase"
	mustContain(t, "own erase page", f.get(t, admin, path).Body, "You cannot erase your own record")
	r := f.post(t, admin, path, eraseForm("2026-11-20", "self", ""))
	if r.Status != http.StatusConflict {
		t.Fatalf("self erasure: %d", r.Status)
	}
	mustContain(t, "refusal", r.Body, "You cannot erase your own record")
	if u, err := f.Accounts.User(t.Context(), f.Admin.ID); err != nil || !u.Active || u.Email != f.Admin.Email {
		t.Fatalf("refused self-erasure changed the admin: %+v %v", u, err)
	}
	if r := f.post(t, f.signedIn(t, f.Other.Email), "/admin/people/"+idText(f.Sean.ID)+"/erase", eraseForm("2026-11-20", "x", "")); r.Status != http.StatusForbidden {
		t.Fatalf("a practitioner erased someone: %d", r.Status)
	}
}
