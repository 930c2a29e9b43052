package privacy_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPrivacyNoticeDefaultIsPublicAndLinkedEverywhere(t *testing.T) {
	f := newFixture(t)
	anon := f.Browser(t)
	r := f.get(t, anon, "/privacy")
	if r.Status != http.StatusOK {
		t.Fatalf("/privacy: %d", r.Status)
	}
	mustContain(t, "notice", r.Body, "<h2>Who is responsible for your information</h2>", "public task", "legitimate interests",
		"trainers see the registers", "6 years", "90 days", "Limitation Act 1980", "Information Commissioner", "/my/data")
	mustNotContain(t, "notice", r.Body, "[inactive period]", "[email period]")
	for _, p := range []string{"/courses", "/login", "/register"} {
		mustContain(t, p, f.get(t, anon, p).Body, `href="/privacy"`)
	}
	signedIn := f.signedIn(t, f.Other.Email)
	mustContain(t, "footer", f.get(t, signedIn, "/my/training").Body, `href="/privacy"`, `href="/my/data"`)
}

func TestAdminsEditTheNoticeSafelyAndVersionsAreKept(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, f.Admin.Email)
	form := f.get(t, admin, "/admin/privacy")
	mustContain(t, "edit page", form.Body, `<textarea`, "Who is responsible", "None yet")

	if r := f.post(t, admin, "/admin/privacy", url.Values{"body": {"   "}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("empty notice: %d", r.Status)
	} else {
		mustContain(t, "empty notice", r.Body, `href="#body"`, "Enter the privacy notice")
	}
	text := "Our notice <script>alert(1)</script>\r\nsecond line.\r\n\r\n## Keeping <b>data</b>\r\n- one [inactive period]\r\n- two & three\r\n\r\nLast paragraph."
	r := f.post(t, admin, "/admin/privacy", url.Values{"body": {text}})
	if r.Status != http.StatusSeeOther || r.Location != "/privacy" {
		t.Fatalf("save: %d %q", r.Status, r.Location)
	}
	page := f.get(t, f.Browser(t), "/privacy").Body
	mustContain(t, "saved notice", page, "<p>Our notice &lt;script&gt;alert(1)&lt;/script&gt; second line.</p>",
		"<h2>Keeping &lt;b&gt;data&lt;/b&gt;</h2>", "<li>one 6 years</li>", "<li>two &amp; three</li>", "<p>Last paragraph.</p>",
		"Last updated")
	mustNotContain(t, "saved notice", page, "<script>", "Who is responsible")

	if r := f.post(t, admin, "/admin/privacy", url.Values{"body": {"Second version."}}); r.Status != http.StatusSeeOther {
		t.Fatalf("second save: %d", r.Status)
	}
	versions := f.get(t, admin, "/admin/privacy").Body
	if n := strings.Count(versions, "<td>Person ada@example.org</td>"); n != 2 {
		t.Errorf("versions listed: %d, want 2", n)
	}
	var kept int
	if err := f.DB.R.QueryRow(`SELECT count(*) FROM privacy_notices WHERE edited_by = ?`, f.Admin.ID).Scan(&kept); err != nil || kept != 2 {
		t.Fatalf("versions kept: %d %v", kept, err)
	}
	if r := f.post(t, f.signedIn(t, f.Other.Email), "/admin/privacy", url.Values{"body": {"Hijacked"}}); r.Status != http.StatusForbidden {
		t.Fatalf("a practitioner changed the notice: %d", r.Status)
	}
	mustContain(t, "notice", f.get(t, f.Browser(t), "/privacy").Body, "Second version.")
}
