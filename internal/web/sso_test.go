package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
)

// orgWithDomains adds an organisation that owns the given email domains.
func orgWithDomains(t *testing.T, r *ssoRig, name string, domains ...string) account.Organisation {
	t.Helper()
	o, err := r.Accounts.AddOrganisation(context.Background(), account.Organisation{Name: name, Type: account.Health, Domains: domains})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestSSOKnownAccountSignsIn(t *testing.T) {
	r := newSSORig(t, "")
	org := orgWithDomains(t, r, "Bath Council", "bath.gov.uk")
	pat := r.User(t, "pat@bath.gov.uk", org.ID, "practitioner")
	b := newBrowser()

	got := r.signIn(t, b, idUser{Sub: "s-pat", Email: "Pat@Bath.gov.uk", Name: "Pat", Verified: true}, "/my/training")
	if got.Status != http.StatusOK || got.Path != "/my/training" {
		t.Fatalf("landed on %s with %d: %.500s", got.Path, got.Status, got.Body)
	}
	if !r.signedIn(t, b) {
		t.Fatal("not signed in after single sign-on")
	}
	var n int
	if err := r.DB.R.QueryRow(`SELECT count(*) FROM users`).Scan(&n); err != nil || n != 1 {
		t.Errorf("users = %d (%v), want the one known account only", n, err)
	}
	if ok, err := r.Accounts.EmailVerifiedBySSO(context.Background(), pat.ID); err != nil || !ok {
		t.Errorf("sign-in not recorded: %v %v", ok, err)
	}
	// PKCE: the provider got an S256 challenge, and the token request carried the verifier.
	auth := r.seen.lastAuthorize()
	if auth.Get("code_challenge") == "" || auth.Get("code_challenge_method") != "S256" {
		t.Errorf("authorization request without a PKCE S256 challenge: %v", auth)
	}
	if auth.Get("nonce") == "" || auth.Get("state") == "" {
		t.Errorf("authorization request without nonce or state: %v", auth)
	}
	if r.seen.lastToken().Get("code_verifier") == "" {
		t.Errorf("token request without code_verifier: %v", r.seen.lastToken())
	}
	// The discovery document was fetched once and is kept.
	if n := r.seen.discoveryCount(); n != 1 {
		t.Errorf("discovery fetched %d times, want 1", n)
	}
	// An unsafe next is not followed.
	b2 := newBrowser()
	got = r.signIn(t, b2, idUser{Sub: "s-pat", Email: "pat@bath.gov.uk", Name: "Pat", Verified: true}, "//evil.example/")
	if got.Path != "/" || got.Status != http.StatusOK {
		t.Errorf("unsafe next: landed on %s with %d", got.Path, got.Status)
	}
	if n := r.seen.discoveryCount(); n != 1 {
		t.Errorf("discovery fetched %d times after two sign-ins, want 1", n)
	}
}

// An attempt left at the provider for longer than 15 minutes lapses.
func TestSSOAttemptExpires(t *testing.T) {
	r := newSSORig(t, "")
	org := orgWithDomains(t, r, "Bath Council", "bath.gov.uk")
	r.User(t, "pat@bath.gov.uk", org.ID, "practitioner")
	r.OIDC.QueueUser(idUser{Sub: "s-pat", Email: "pat@bath.gov.uk", Name: "Pat", Verified: true})
	b := newBrowser()
	b.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Path == "/login/sso/callback" {
			return http.ErrUseLastResponse
		}
		return nil
	}
	resp, err := b.Get(r.URL + "/login/sso")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	callback := resp.Header.Get("Location")
	r.Clock.Advance(16 * time.Minute)
	b.CheckRedirect = nil
	if got := b.get(t, callback); got.Status != http.StatusBadRequest || r.signedIn(t, b) {
		t.Errorf("late callback: %d, signed in %v", got.Status, r.signedIn(t, b))
	}
}

// While an admin has closed registration, single sign-on signs in existing accounts but
// makes no new ones.
func TestSSORegistrationClosed(t *testing.T) {
	r := newSSORig(t, "")
	org := orgWithDomains(t, r, "Bath Council", "bath.gov.uk")
	r.User(t, "pat@bath.gov.uk", org.ID, "practitioner")
	if err := r.Accounts.SetRegistrationOpen(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	b := newBrowser()
	got := r.signIn(t, b, idUser{Sub: "n", Email: "newcomer@bath.gov.uk", Name: "New", Verified: true}, "")
	if got.Status != http.StatusForbidden || r.signedIn(t, b) {
		t.Errorf("newcomer while closed: %d", got.Status)
	}
	mustContain(t, got.Body, "You do not have an account yet")
	if _, err := r.Accounts.UserByEmail(context.Background(), "newcomer@bath.gov.uk"); err == nil {
		t.Error("account made while registration is closed")
	}
	got = r.signIn(t, b, idUser{Sub: "p", Email: "pat@bath.gov.uk", Name: "Pat", Verified: true}, "")
	if got.Status != http.StatusOK || !r.signedIn(t, b) {
		t.Errorf("existing account while closed: %d %s", got.Status, got.Path)
	}
}

func TestSSONewAddressJoinsItsOrganisation(t *testing.T) {
	r := newSSORig(t, "")
	orgWithDomains(t, r, "Bath Council", "bath.gov.uk")
	police := orgWithDomains(t, r, "Avon Police", "avonandsomerset.police.uk")
	b := newBrowser()

	got := r.signIn(t, b, idUser{Sub: "s-new", Email: "sam.jones@avonandsomerset.police.uk", Name: "Sam Jones", Verified: true}, "")
	if got.Status != http.StatusOK || got.Path != "/" {
		t.Fatalf("landed on %s with %d: %.500s", got.Path, got.Status, got.Body)
	}
	mustContain(t, got.Body, "Your account has been created")
	u, err := r.Accounts.UserByEmail(context.Background(), "sam.jones@avonandsomerset.police.uk")
	if err != nil {
		t.Fatal(err)
	}
	if u.OrganisationID != police.ID || u.Name != "Sam Jones" || len(u.Roles) != 1 || u.Roles[0] != account.Practitioner {
		t.Errorf("account = %+v, want a practitioner named Sam Jones in Avon Police", u)
	}
	if ok, _ := r.Accounts.EmailVerifiedBySSO(context.Background(), u.ID); !ok {
		t.Error("an account made by single sign-on does not count as verified")
	}
	if !r.signedIn(t, b) {
		t.Error("not signed in")
	}
}

// Microsoft Entra ID sends no email_verified for work accounts; its xms_edov claim (the
// tenant owns the domain) stands in, and a string "true" from other providers counts.
func TestSSOEntraDomainOwnerVerified(t *testing.T) {
	r := newSSORig(t, "")
	org := orgWithDomains(t, r, "Bath Council", "bath.gov.uk")
	for i, u := range []idUser{
		{Sub: "e1", Email: "entra@bath.gov.uk", Name: "Entra Person", Edov: true},
		{Sub: "e2", Email: "string@bath.gov.uk", Name: "String Person", Verified: "true"},
	} {
		b := newBrowser()
		got := r.signIn(t, b, u, "")
		if got.Status != http.StatusOK || got.Path != "/" || !r.signedIn(t, b) {
			t.Fatalf("%d: landed on %s with %d: %.400s", i, got.Path, got.Status, got.Body)
		}
		if acct, err := r.Accounts.UserByEmail(context.Background(), u.Email); err != nil || acct.OrganisationID != org.ID {
			t.Errorf("%d: account %+v, %v", i, acct, err)
		}
	}
}

func TestSSOSharedDomainAsksToChoose(t *testing.T) {
	r := newSSORig(t, "")
	ruh := orgWithDomains(t, r, "Royal United Hospitals", "nhs.net", "ruh.nhs.uk")
	awp := orgWithDomains(t, r, "Avon and Wiltshire Mental Health", "nhs.net")
	other := orgWithDomains(t, r, "Bath Council", "bath.gov.uk")
	b := newBrowser()

	got := r.signIn(t, b, idUser{Sub: "s-nhs", Email: "alex@nhs.net", Name: "Alex Smith", Verified: true}, "/my/training")
	if got.Status != http.StatusOK || got.Path != "/login/sso/organisation" {
		t.Fatalf("landed on %s with %d: %.500s", got.Path, got.Status, got.Body)
	}
	mustContain(t, got.Body, "Choose your organisation", "Royal United Hospitals", "Avon and Wiltshire Mental Health")
	mustNotContain(t, got.Body, "Bath Council")
	if inlineRE.MatchString(got.Body) {
		t.Error("inline script or style on the organisation page")
	}
	if _, err := r.Accounts.UserByEmail(context.Background(), "alex@nhs.net"); err == nil {
		t.Fatal("account made before the person chose")
	}
	// Nothing chosen, or an organisation that does not own nhs.net: asked again.
	for _, v := range []string{"", strconv.FormatInt(other.ID, 10), "x"} {
		got = b.post(t, r.URL+"/login/sso/organisation", url.Values{"organisation_id": {v}})
		if got.Status != http.StatusUnprocessableEntity {
			t.Fatalf("organisation_id %q: %d, want 422", v, got.Status)
		}
		mustContain(t, got.Body, "Choose your organisation", `id="organisation_id-error"`, `aria-describedby="organisation_id-error"`)
	}
	got = b.post(t, r.URL+"/login/sso/organisation", url.Values{"organisation_id": {strconv.FormatInt(awp.ID, 10)}})
	if got.Status != http.StatusOK || got.Path != "/my/training" {
		t.Fatalf("after choosing: %s with %d: %.500s", got.Path, got.Status, got.Body)
	}
	u, err := r.Accounts.UserByEmail(context.Background(), "alex@nhs.net")
	if err != nil {
		t.Fatal(err)
	}
	if u.OrganisationID != awp.ID || u.OrganisationID == ruh.ID || u.Name != "Alex Smith" {
		t.Errorf("account = %+v, want Alex Smith in %d", u, awp.ID)
	}
	// The choice is used once.
	if got = b.post(t, r.URL+"/login/sso/organisation", url.Values{"organisation_id": {strconv.FormatInt(ruh.ID, 10)}}); got.Status != http.StatusBadRequest {
		t.Errorf("second choice: %d, want 400", got.Status)
	}
}

// If the shared domain is taken off every organisation while someone is choosing, they
// are refused rather than asked again and again.
func TestSSOSharedDomainRemovedWhileChoosing(t *testing.T) {
	r := newSSORig(t, "")
	a := orgWithDomains(t, r, "Royal United Hospitals", "nhs.net")
	b2 := orgWithDomains(t, r, "Avon and Wiltshire Mental Health", "nhs.net")
	b := newBrowser()
	if got := r.signIn(t, b, idUser{Sub: "x", Email: "alex@nhs.net", Name: "Alex", Verified: true}, ""); got.Path != "/login/sso/organisation" {
		t.Fatalf("landed on %s", got.Path)
	}
	for _, o := range []account.Organisation{a, b2} {
		o.Domains = nil
		if err := r.Accounts.UpdateOrganisation(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
	got := b.post(t, r.URL+"/login/sso/organisation", url.Values{"organisation_id": {strconv.FormatInt(a.ID, 10)}})
	if got.Status != http.StatusForbidden || r.signedIn(t, b) {
		t.Errorf("after the domain went: %d", got.Status)
	}
	mustContain(t, got.Body, "We do not recognise your organisation")
	if got := b.get(t, r.URL+"/login/sso/organisation"); got.Status != http.StatusBadRequest {
		t.Errorf("pending choice not dropped: %d", got.Status)
	}
}

func TestSSORefusals(t *testing.T) {
	r := newSSORig(t, "")
	org := orgWithDomains(t, r, "Bath Council", "bath.gov.uk")
	gone := r.User(t, "gone@bath.gov.uk", org.ID, "practitioner")
	if err := r.Accounts.SetActive(context.Background(), gone.ID, false); err != nil {
		t.Fatal(err)
	}
	users := func() int {
		var n int
		if err := r.DB.R.QueryRow(`SELECT count(*) FROM users`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := users()

	cases := []struct {
		name   string
		user   idUser
		forge  bool
		status int
		want   string
	}{
		{"foreign domain", idUser{Sub: "f", Email: "someone@gmail.com", Name: "Someone", Verified: true}, false,
			http.StatusForbidden, "Ask the partnership&#39;s training team"},
		{"unverified email", idUser{Sub: "u", Email: "new@bath.gov.uk", Name: "New", Verified: false}, false,
			http.StatusForbidden, "Your email address is not verified"},
		{"no email_verified claim", idUser{Sub: "u2", Email: "new@bath.gov.uk", Name: "New"}, false,
			http.StatusForbidden, "Your email address is not verified"},
		{"email_verified false, xms_edov true", idUser{Sub: "u3", Email: "new@bath.gov.uk", Name: "New", Verified: false, Edov: true}, false,
			http.StatusForbidden, "Your email address is not verified"},
		{"xms_edov false", idUser{Sub: "u4", Email: "new@bath.gov.uk", Name: "New", Edov: false}, false,
			http.StatusForbidden, "Your email address is not verified"},
		{"disabled account", idUser{Sub: "g", Email: "gone@bath.gov.uk", Name: "Gone", Verified: true}, false,
			http.StatusForbidden, "Your account is disabled"},
		{"wrong nonce", idUser{Sub: "n", Email: "new@bath.gov.uk", Name: "New", Verified: true}, true,
			http.StatusBadRequest, "did not pass our checks"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.forge {
				r.seen.forge("a-nonce-from-another-sign-in")
				defer r.seen.forge("")
			}
			b := newBrowser()
			got := r.signIn(t, b, c.user, "/my/training")
			if got.Status != c.status || got.Path != "/login/sso/callback" {
				t.Errorf("%s with %d, want the callback answering %d: %.600s", got.Path, got.Status, c.status, got.Body)
			}
			mustContain(t, got.Body, c.want)
			if inlineRE.MatchString(got.Body) {
				t.Error("inline script or style on the refusal page")
			}
			if r.signedIn(t, b) {
				t.Error("signed in after a refusal")
			}
			if n := users(); n != before {
				t.Errorf("users = %d, want %d", n, before)
			}
		})
	}
}

func TestSSOStateIsSingleUse(t *testing.T) {
	r := newSSORig(t, "")
	org := orgWithDomains(t, r, "Bath Council", "bath.gov.uk")
	r.User(t, "pat@bath.gov.uk", org.ID, "practitioner")
	pat := idUser{Sub: "s-pat", Email: "pat@bath.gov.uk", Name: "Pat", Verified: true}

	b := newBrowser()
	if got := r.signIn(t, b, pat, ""); got.Path != "/" || !r.signedIn(t, b) {
		t.Fatalf("first sign-in: %s %d", got.Path, got.Status)
	}
	callback := b.callbackURL(t)

	// The same callback again, in the same browser: the state was used.
	got := b.get(t, callback)
	if got.Status != http.StatusBadRequest {
		t.Errorf("replayed callback: %d, want 400: %.300s", got.Status, got.Body)
	}
	mustContain(t, got.Body, "already been used")

	// A callback carried to another browser (login CSRF): no state there.
	other := newBrowser()
	r.OIDC.QueueUser(pat)
	start := newBrowser()
	start.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Path == "/login/sso/callback" {
			return http.ErrUseLastResponse // stop before the app sees it
		}
		return nil
	}
	resp, err := start.Get(r.URL + "/login/sso")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	stolen := resp.Header.Get("Location")
	if stolen == "" {
		t.Fatalf("no redirect to the callback: %d", resp.StatusCode)
	}
	if got := other.get(t, stolen); got.Status != http.StatusBadRequest || r.signedIn(t, other) {
		t.Errorf("callback in another browser: %d, signed in %v", got.Status, r.signedIn(t, other))
	}
	// A state that does not match the session's.
	if got := start.get(t, r.URL+"/login/sso/callback?code=abc&state=forged"); got.Status != http.StatusBadRequest {
		t.Errorf("forged state: %d", got.Status)
	}
}

func TestSSOProviderErrorIsAPlainPage(t *testing.T) {
	r := newSSORig(t, "")
	b := newBrowser()
	got := b.get(t, r.URL+"/login/sso/callback?error=access_denied&error_description=%3Cscript%3E&state=x")
	if got.Status != http.StatusForbidden {
		t.Errorf("status %d, want 403", got.Status)
	}
	mustContain(t, got.Body, "You have not been signed in", "Sign-in was cancelled")
	mustNotContain(t, got.Body, "<script>")
	got = b.get(t, r.URL+"/login/sso/callback?error=server_error")
	if got.Status != http.StatusForbidden {
		t.Errorf("server_error: %d, want 403", got.Status)
	}
	got = b.get(t, r.URL+"/login/sso/organisation")
	if got.Status != http.StatusBadRequest {
		t.Errorf("organisation page with nothing pending: %d, want 400", got.Status)
	}
}

// A provider that cannot be reached does not stop the service or password sign-in; the
// single sign-on link explains.
func TestSSOProviderDown(t *testing.T) {
	r := newSSORig(t, "http://127.0.0.1:1/oidc")
	org := orgWithDomains(t, r, "Bath Council", "bath.gov.uk")
	r.User(t, "pat@bath.gov.uk", org.ID, "practitioner")
	b := newBrowser()
	got := b.get(t, r.URL+"/login")
	mustContain(t, got.Body, "Sign in with your organisation&#39;s account")
	got = b.get(t, r.URL+"/login/sso")
	if got.Status != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", got.Status)
	}
	mustContain(t, got.Body, "Single sign-on is not available")
	got = b.post(t, r.URL+"/login", url.Values{"email": {"pat@bath.gov.uk"}, "password": {"correct horse battery"}})
	if got.Status != http.StatusOK || !r.signedIn(t, b) {
		t.Errorf("password sign-in while the provider is down: %s %d", got.Path, got.Status)
	}
}

// Without an issuer there is no button and the routes are not found.
func TestSSOOffByDefault(t *testing.T) {
	f := newFixture(t)
	c := f.Browser(t)
	mustNotContain(t, f.get(t, c, "/login").Body, "/login/sso")
	for _, p := range []string{"/login/sso", "/login/sso/callback?code=a&state=b", "/login/sso/organisation"} {
		if r := f.get(t, c, p); r.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, r.Status)
		}
	}
	if r := f.post(t, c, "/login/sso/organisation", url.Values{"organisation_id": {"1"}}); r.Status != http.StatusNotFound {
		t.Errorf("POST organisation: %d, want 404", r.Status)
	}
	admin := f.signedIn(t, f.Admin.Email)
	mustContain(t, f.get(t, admin, "/admin").Body, "Single sign-on is off")
	if r := f.post(t, admin, "/admin/settings/sso-label", url.Values{"sso_label": {"Go"}}); r.Status != http.StatusNotFound {
		t.Errorf("label while off: %d, want 404", r.Status)
	}
}

func TestSSOButtonLabelSetByAdmin(t *testing.T) {
	r := newSSORig(t, "")
	org := orgWithDomains(t, r, "Bath Council", "bath.gov.uk")
	r.User(t, "ada@bath.gov.uk", org.ID, "admin")
	r.User(t, "pat@bath.gov.uk", org.ID, "practitioner")
	admin := newBrowser()
	if got := admin.post(t, r.URL+"/login", url.Values{"email": {"ada@bath.gov.uk"}, "password": {"correct horse battery"}}); !r.signedIn(t, admin) {
		t.Fatalf("admin sign-in: %d", got.Status)
	}
	got := admin.get(t, r.URL+"/admin")
	mustContain(t, got.Body, `name="sso_label"`, "Sign in with your organisation&#39;s account")

	for _, bad := range []string{"", "   ", "line\nbreak", string(make([]byte, 81))} {
		got = admin.post(t, r.URL+"/admin/settings/sso-label", url.Values{"sso_label": {bad}})
		if got.Status != http.StatusUnprocessableEntity {
			t.Errorf("label %q: %d, want 422", bad, got.Status)
		}
	}
	mustContain(t, got.Body, `id="sso_label-error"`, `aria-invalid="true"`)
	got = admin.post(t, r.URL+"/admin/settings/sso-label", url.Values{"sso_label": {"Sign in with your NHS or council account"}})
	if got.Status != http.StatusOK || got.Path != "/admin" {
		t.Fatalf("save label: %s %d", got.Path, got.Status)
	}
	mustContain(t, got.Body, "The single sign-on button has been changed")

	visitor := newBrowser()
	got = visitor.get(t, r.URL+"/login?next=/my/training")
	mustContain(t, got.Body, "Sign in with your NHS or council account", `href="/login/sso?next=%2fmy%2ftraining"`)
	// A wrong password keeps the button on the page.
	got = visitor.post(t, r.URL+"/login", url.Values{"email": {"pat@bath.gov.uk"}, "password": {"wrong wrong wrong"}})
	mustContain(t, got.Body, "Sign in with your NHS or council account")

	pract := newBrowser()
	pract.post(t, r.URL+"/login", url.Values{"email": {"pat@bath.gov.uk"}, "password": {"correct horse battery"}})
	if got := pract.post(t, r.URL+"/admin/settings/sso-label", url.Values{"sso_label": {"Mine"}}); got.Status != http.StatusForbidden {
		t.Errorf("practitioner changed the label: %d", got.Status)
	}
}

// Every single sign-on route, for nobody and for each role, with odd input: never a 500,
// and the admin setting only for admins.
func TestSSORoutesForEveryRole(t *testing.T) {
	r := newSSORig(t, "")
	org := orgWithDomains(t, r, "Bath Council", "bath.gov.uk")
	browsers := map[string]*browser{"anonymous": newBrowser()}
	for _, role := range account.AllRoles {
		email := string(role) + "@bath.gov.uk"
		r.User(t, email, org.ID, role)
		b := newBrowser()
		b.post(t, r.URL+"/login", url.Values{"email": {email}, "password": {"correct horse battery"}})
		if !r.signedIn(t, b) {
			t.Fatalf("%s not signed in", role)
		}
		browsers[string(role)] = b
	}
	for name, b := range browsers {
		b.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		for _, p := range []string{"/login/sso", "/login/sso?next=https://evil.example/", "/login/sso/callback",
			"/login/sso/callback?state=&code=", "/login/sso/callback?error=x", "/login/sso/organisation"} {
			if got := b.get(t, r.URL+p); got.Status >= 500 {
				t.Errorf("%s GET %s: %d", name, p, got.Status)
			}
		}
		if got := b.post(t, r.URL+"/login/sso/organisation", url.Values{"organisation_id": {strconv.FormatInt(org.ID, 10)}}); got.Status != http.StatusBadRequest {
			t.Errorf("%s POST organisation with nothing pending: %d, want 400", name, got.Status)
		}
		got := b.post(t, r.URL+"/admin/settings/sso-label", url.Values{"sso_label": {"Sign in with " + name}})
		switch {
		case name == "admin" && got.Status != http.StatusSeeOther,
			name == "anonymous" && got.Status != http.StatusSeeOther,
			name != "admin" && name != "anonymous" && got.Status != http.StatusForbidden:
			t.Errorf("%s POST label: %d", name, got.Status)
		}
	}
	if label, _ := r.Accounts.SSOButtonLabel(context.Background()); label != "Sign in with admin" {
		t.Errorf("label = %q, want only the admin's change", label)
	}
}
