package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// verifyPrivate is what the verification page must never show about Seán.
var verifyPrivate = []string{"sean@example.org", "Bath Police", "Detective Constable"}

func TestVerifyStates(t *testing.T) {
	f := newRecordFixture(t)
	anon := f.Browser(t)
	code := f.RefresherCode

	page := f.get(t, anon, "/verify")
	if page.Status != http.StatusOK {
		t.Fatalf("form: %d", page.Status)
	}
	mustContain(t, page.Body, "Check a certificate", `name="code"`)

	// Typed loosely, the code goes to its canonical page.
	loose := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	r := f.get(t, anon, "/verify?code="+url.QueryEscape(" "+loose+" "))
	if r.Status != http.StatusSeeOther || r.Location != "/verify/"+code {
		t.Fatalf("form with a code: %d %q", r.Status, r.Location)
	}
	for typed, msg := range map[string]string{"": "Enter the certificate code", "12345": "20 letters and numbers"} {
		r = f.get(t, anon, "/verify?code="+url.QueryEscape(typed))
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("code %q: %d, want 422", typed, r.Status)
		}
		mustContain(t, r.Body, "There is a problem", msg, `href="#code"`)
	}

	// Valid, in any of the ways people type it.
	for _, path := range []string{"/verify/" + code, "/verify/" + strings.ToLower(code), "/verify/" + url.PathEscape(loose)} {
		page = f.get(t, anon, path)
		if page.Status != http.StatusOK {
			t.Fatalf("%s: %d %.300s", path, page.Status, page.Body)
		}
		mustContain(t, page.Body, "<h1>Valid</h1>", "Seán Ó Briain", "Children missing from home",
			"27 November 2026", "27 November 2029", code)
		mustNotContain(t, page.Body, verifyPrivate...)
		mustNotContain(t, page.Body, "Manage this certificate")
	}
	// Admins are offered their page about it.
	mustContain(t, f.get(t, f.signedIn(t, "ada@example.org"), "/verify/"+code).Body,
		`href="/admin/certificates/`+code+`">Manage this certificate`)

	// Expired, from the expiry instant (London midnight starting 27 November 2029).
	f.Clock.Set(time.Date(2029, 11, 26, 23, 59, 0, 0, time.UTC))
	mustContain(t, f.get(t, anon, "/verify/"+code).Body, "<h1>Valid</h1>")
	f.Clock.Set(time.Date(2029, 11, 27, 0, 0, 0, 0, time.UTC))
	page = f.get(t, anon, "/verify/"+code)
	mustContain(t, page.Body, "<h1>Expired on 27 November 2029</h1>", "Seán Ó Briain", "Children missing from home", "27 November 2026")
	mustNotContain(t, page.Body, verifyPrivate...)
	mustNotContain(t, page.Body, "<h1>Valid</h1>")

	// Training that never expires stays valid.
	mustContain(t, f.get(t, anon, "/verify/"+f.FormulaCode).Body, "<h1>Valid</h1>", "=1&#43;2 Safeguarding")

	// Revoked by an admin, with a reason nobody else sees.
	admin := f.signedIn(t, "ada@example.org")
	r = f.post(t, admin, "/admin/certificates/"+code+"/revoke", url.Values{"reason": {"Issued to the wrong person"}})
	if r.Status != http.StatusSeeOther || r.Location != "/admin/certificates/"+code {
		t.Fatalf("revoke: %d %q %.500s", r.Status, r.Location, r.Body)
	}
	page = f.get(t, anon, "/verify/"+code)
	if page.Status != http.StatusOK {
		t.Fatalf("revoked: %d", page.Status)
	}
	mustContain(t, page.Body, "<h1>Revoked</h1>", "Seán Ó Briain", "Children missing from home")
	mustNotContain(t, page.Body, verifyPrivate...)
	mustNotContain(t, page.Body, "Issued to the wrong person", "<h1>Valid</h1>")

	// Unknown, and not even a code.
	for _, c := range []string{"7Q2KD-M9XWT-0BZ4H-RC5NE", "nonsense", strings.Repeat("A", 300)} {
		page = f.get(t, anon, "/verify/"+c)
		if page.Status != http.StatusNotFound {
			t.Errorf("%.30s: %d, want 404", c, page.Status)
		}
		mustContain(t, page.Body, "We could not find a certificate with that code", `name="code"`)
	}
}

func TestVerifyRateLimit(t *testing.T) {
	f := newFixture(t)
	anon := f.Browser(t)
	const unknown = "/verify/7Q2KD-M9XWT-0BZ4H-RC5NE"
	for i := 1; i <= 30; i++ {
		if r := f.get(t, anon, unknown); r.Status != http.StatusNotFound {
			t.Fatalf("lookup %d: %d", i, r.Status)
		}
	}
	f.Clock.Advance(9 * time.Minute)
	resp, body := f.recDownload(t, anon, unknown)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("lookup 31: %d, want 429", resp.StatusCode)
	}
	if got := resp.Header.Get("Retry-After"); got != "60" {
		t.Errorf("Retry-After %q, want 60", got)
	}
	mustContain(t, string(body), "You have checked a lot of certificate codes in a short time. Wait 1 minute and try again.")
	// The form itself is not a lookup, and stays available.
	if r := f.get(t, anon, "/verify"); r.Status != http.StatusOK {
		t.Errorf("form while limited: %d", r.Status)
	}
	f.Clock.Advance(time.Minute)
	if r := f.get(t, anon, unknown); r.Status != http.StatusNotFound {
		t.Errorf("after the window: %d, want 404", r.Status)
	}
}

func TestAdminCertificateAndRevoke(t *testing.T) {
	f := newRecordFixture(t)
	code := f.RefresherCode
	admin := f.signedIn(t, "ada@example.org")

	page := f.get(t, admin, "/admin/certificates/"+strings.ToLower(code))
	if page.Status != http.StatusOK {
		t.Fatalf("admin page: %d %.300s", page.Status, page.Body)
	}
	mustContain(t, page.Body, code, "Seán Ó Briain", "sean@example.org", "Bath Police", "Children missing from home",
		"27 November 2026", "27 November 2029", `<strong class="tag tag--green">Valid</strong>`, "Revoke this certificate")

	r := f.post(t, admin, "/admin/certificates/"+code+"/revoke", url.Values{"reason": {"  "}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("revoke without a reason: %d", r.Status)
	}
	mustContain(t, r.Body, "There is a problem", "Say why the certificate is being revoked", `href="#reason"`)
	mustContain(t, f.get(t, f.Browser(t), "/verify/"+code).Body, "<h1>Valid</h1>")

	r = f.post(t, admin, "/admin/certificates/"+code+"/revoke", url.Values{"reason": {"Attendance recorded by mistake"}})
	page = f.follow(t, admin, r)
	mustContain(t, page.Body, "Certificate revoked", `<strong class="tag tag--red">Revoked</strong>`, "Attendance recorded by mistake")
	mustNotContain(t, page.Body, "Revoke this certificate")

	r = f.post(t, admin, "/admin/certificates/"+code+"/revoke", url.Values{"reason": {"Again"}})
	if r.Status != http.StatusConflict {
		t.Errorf("second revoke: %d, want 409", r.Status)
	}
	mustContain(t, r.Body, "This certificate has already been revoked")

	if r := f.get(t, admin, "/admin/certificates/7Q2KD-M9XWT-0BZ4H-RC5NE"); r.Status != http.StatusNotFound {
		t.Errorf("unknown code: %d", r.Status)
	}
	sean := f.signedIn(t, "sean@example.org")
	if r := f.get(t, sean, "/admin/certificates/"+code); r.Status != http.StatusForbidden {
		t.Errorf("practitioner on the admin page: %d, want 403", r.Status)
	}
	if r := f.post(t, sean, "/admin/certificates/"+f.FormulaCode+"/revoke", url.Values{"reason": {"x"}}); r.Status != http.StatusForbidden {
		t.Errorf("practitioner revoking: %d, want 403", r.Status)
	}
}

// TestGenuineCodesAreNotLimited: an employer checking many genuine certificates is never
// held up; wrong codes through the pages and the API share one allowance.
func TestGenuineCodesAreNotLimited(t *testing.T) {
	f := newRecordFixture(t)
	anon := f.Browser(t)
	for i := 1; i <= 40; i++ {
		if r := f.get(t, anon, "/verify/"+f.RefresherCode); r.Status != http.StatusOK {
			t.Fatalf("genuine lookup %d: %d, want 200", i, r.Status)
		}
	}
	const unknown = "7Q2KD-M9XWT-0BZ4H-RC5NE"
	for i := 1; i <= 15; i++ {
		f.get(t, anon, "/verify/"+unknown)
		resp, err := http.Get(f.URL + "/api/v1/certificates/" + unknown)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if r := f.get(t, anon, "/verify/"+unknown); r.Status != http.StatusTooManyRequests {
		t.Fatalf("after 30 wrong codes through pages and API: %d, want 429", r.Status)
	}
}
