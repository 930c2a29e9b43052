package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/traininghub/traininghub/internal/testkit"
)

var (
	secretRE   = regexp.MustCompile(`<code class="secret-key[^"]*">([A-Z2-7 ]+)</code>`)
	recoveryRE = regexp.MustCompile(`<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>`)
)

// totpCode is what an authenticator app would show at t.
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// setUpTwoFactor switches two-factor on for the browser's account through the pages and
// returns the secret and the recovery codes shown.
func (f *fixture) setUpTwoFactor(t *testing.T, c *http.Client) (string, []string) {
	t.Helper()
	r := f.post(t, c, "/my/security/two-factor/start", nil)
	if r.Status != http.StatusSeeOther || r.Location != "/my/security/two-factor/setup" {
		t.Fatalf("start: %d %q", r.Status, r.Location)
	}
	page := f.get(t, c, r.Location)
	mustContain(t, page.Body, `src="data:image/png;base64,`)
	m := secretRE.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no secret on the set-up page: %.2000s", page.Body)
	}
	secret := strings.ReplaceAll(m[1], " ", "")

	wrong := f.post(t, c, "/my/security/two-factor/setup", url.Values{"code": {"000000"}})
	if wrong.Status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong first code: %d", wrong.Status)
	}
	mustContain(t, wrong.Body, `aria-invalid="true"`, "That code is not right")
	if got := f.get(t, c, "/my/security"); !strings.Contains(got.Body, "Set up two-factor sign-in") {
		t.Fatalf("two-factor switched on by a wrong code")
	}

	ok := f.post(t, c, "/my/security/two-factor/setup", url.Values{"code": {totpCode(t, secret, f.Clock.Now())}})
	if ok.Status != http.StatusOK {
		t.Fatalf("confirm: %d %.500s", ok.Status, ok.Body)
	}
	var codes []string
	for _, m := range recoveryRE.FindAllStringSubmatch(ok.Body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != 10 {
		t.Fatalf("want 10 recovery codes, got %d", len(codes))
	}
	// Codes stored hashed and the secret encrypted, never as shown.
	var stored int
	if err := f.DB.R.QueryRow(`SELECT count(*) FROM user_recovery_codes r JOIN user_totp t USING (user_id)
		WHERE t.secret LIKE 'v1:%' AND t.enabled_at IS NOT NULL AND code_hash LIKE '$argon2id$%'`).Scan(&stored); err != nil || stored < 10 {
		t.Fatalf("stored hashed recovery codes beside an encrypted secret: %d, %v", stored, err)
	}
	if found := testkit.PlainTextSecrets(t, f.DB, append([]string{secret, m[1]}, codes...)...); len(found) > 0 {
		t.Fatalf("the two-factor secret or a recovery code is stored in plain text in %v", found)
	}
	return secret, codes
}

// passwordStep posts the password in a fresh browser (or the given one).
func (f *fixture) passwordStep(t *testing.T, c *http.Client, email string) response {
	t.Helper()
	return f.post(t, c, "/login", url.Values{"email": {email}, "password": {testkit.Password}, "next": {"/my/record"}})
}

func (f *fixture) isSignedIn(t *testing.T, c *http.Client) bool {
	t.Helper()
	return f.get(t, c, "/my/training").Status == http.StatusOK
}

func TestTwoFactorSetUpAndSignIn(t *testing.T) {
	f := newFixture(t)
	owner := f.signedIn(t, f.Pract.Email)
	mustContain(t, f.get(t, owner, "/my/security").Body, "Off", "single sign-on")
	secret, codes := f.setUpTwoFactor(t, owner)
	mustContain(t, f.get(t, owner, "/my/security").Body, "On", "10 unused recovery codes")
	used := totpCode(t, secret, f.Clock.Now()) // spent on the set-up

	// The password alone no longer signs in.
	b := f.Browser(t)
	r := f.passwordStep(t, b, f.Pract.Email)
	if r.Status != http.StatusSeeOther || r.Location != "/login/two-factor" {
		t.Fatalf("password step: %d %q", r.Status, r.Location)
	}
	if f.isSignedIn(t, b) {
		t.Fatal("signed in before the second factor")
	}
	mustContain(t, f.get(t, b, "/login/two-factor").Body, "Enter your security code")

	// The code already used at set-up is refused: each code works once.
	r = f.post(t, b, "/login/two-factor", url.Values{"code": {used}})
	if r.Status != http.StatusUnprocessableEntity || f.isSignedIn(t, b) {
		t.Fatalf("reused code: %d", r.Status)
	}
	mustContain(t, r.Body, "has been used already")

	// The next code signs in and goes where the person was going.
	f.Clock.Advance(30 * time.Second)
	fresh := totpCode(t, secret, f.Clock.Now())
	r = f.post(t, b, "/login/two-factor", url.Values{"code": {fresh}})
	if r.Status != http.StatusSeeOther || r.Location != "/my/record" || !f.isSignedIn(t, b) {
		t.Fatalf("good code: %d %q", r.Status, r.Location)
	}

	// The same code in another browser a moment later is refused.
	b2 := f.Browser(t)
	f.passwordStep(t, b2, f.Pract.Email)
	if r := f.post(t, b2, "/login/two-factor", url.Values{"code": {fresh}}); r.Status != http.StatusUnprocessableEntity || f.isSignedIn(t, b2) {
		t.Fatalf("code reused in another browser: %d", r.Status)
	}
	// A code one step ahead (a phone clock a little fast) is accepted.
	if r := f.post(t, b2, "/login/two-factor", url.Values{"code": {totpCode(t, secret, f.Clock.Now().Add(30*time.Second))}}); r.Status != http.StatusSeeOther || !f.isSignedIn(t, b2) {
		t.Fatalf("code one step ahead: %d", r.Status)
	}

	// A recovery code works once, whatever its case and spacing.
	b3 := f.Browser(t)
	f.passwordStep(t, b3, f.Pract.Email)
	r = f.post(t, b3, "/login/two-factor", url.Values{"code": {strings.ToUpper(strings.Replace(codes[3], "-", " ", 1))}})
	if r.Status != http.StatusSeeOther || r.Location != "/my/security" {
		t.Fatalf("recovery code: %d %q", r.Status, r.Location)
	}
	mustContain(t, html.UnescapeString(f.get(t, b3, r.Location).Body), "You have 9 left", "9 unused recovery codes")
	if !f.isSignedIn(t, b3) {
		t.Fatal("recovery code did not sign in")
	}
	b4 := f.Browser(t)
	f.passwordStep(t, b4, f.Pract.Email)
	if r := f.post(t, b4, "/login/two-factor", url.Values{"code": {codes[3]}}); r.Status != http.StatusUnprocessableEntity || f.isSignedIn(t, b4) {
		t.Fatalf("recovery code used twice: %d", r.Status)
	}
}

func TestTwoFactorWrongCodesEndThePendingSignIn(t *testing.T) {
	f := newFixture(t)
	secret, _ := f.setUpTwoFactor(t, f.signedIn(t, f.Pract.Email))
	b := f.Browser(t)
	f.passwordStep(t, b, f.Pract.Email)
	for i := 1; i < 5; i++ {
		if r := f.post(t, b, "/login/two-factor", url.Values{"code": {"123456"}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong code %d: %d", i, r.Status)
		}
	}
	r := f.post(t, b, "/login/two-factor", url.Values{"code": {"123456"}})
	if r.Status != http.StatusSeeOther || r.Location != "/login" {
		t.Fatalf("fifth wrong code: %d %q", r.Status, r.Location)
	}
	// The right code is now too late: the password must be typed again.
	f.Clock.Advance(30 * time.Second)
	r = f.post(t, b, "/login/two-factor", url.Values{"code": {totpCode(t, secret, f.Clock.Now())}})
	if r.Status != http.StatusSeeOther || r.Location != "/login" || f.isSignedIn(t, b) {
		t.Fatalf("code after the limit: %d %q", r.Status, r.Location)
	}
	// A pending sign-in also runs out after five minutes.
	f.passwordStep(t, b, f.Pract.Email)
	f.Clock.Advance(6 * time.Minute)
	r = f.post(t, b, "/login/two-factor", url.Values{"code": {totpCode(t, secret, f.Clock.Now())}})
	if r.Status != http.StatusSeeOther || r.Location != "/login" || f.isSignedIn(t, b) {
		t.Fatalf("code after five minutes: %d %q", r.Status, r.Location)
	}
}

func TestTwoFactorRememberedBrowser(t *testing.T) {
	f := newFixture(t)
	owner := f.signedIn(t, f.Pract.Email)
	secret, _ := f.setUpTwoFactor(t, owner)

	b := f.Browser(t)
	f.passwordStep(t, b, f.Pract.Email)
	f.Clock.Advance(30 * time.Second)
	r := f.post(t, b, "/login/two-factor", url.Values{"code": {totpCode(t, secret, f.Clock.Now())}, "remember": {"yes"}})
	if r.Status != http.StatusSeeOther || !f.isSignedIn(t, b) {
		t.Fatalf("code with remember: %d", r.Status)
	}
	// Unticked, nothing is remembered.
	other := f.Browser(t)
	f.passwordStep(t, other, f.Pract.Email)
	f.Clock.Advance(30 * time.Second)
	f.post(t, other, "/login/two-factor", url.Values{"code": {totpCode(t, secret, f.Clock.Now())}})
	f.post(t, other, "/logout", nil)
	if r := f.passwordStep(t, other, f.Pract.Email); r.Location != "/login/two-factor" {
		t.Fatalf("unremembered browser skipped the code: %q", r.Location)
	}

	signInAgain := func() response {
		f.post(t, b, "/logout", nil)
		return f.passwordStep(t, b, f.Pract.Email)
	}
	// 29 days on, the password alone signs in on this browser.
	f.Clock.Advance(29 * 24 * time.Hour)
	if r := signInAgain(); r.Location != "/my/record" || !f.isSignedIn(t, b) {
		t.Fatalf("remembered browser after 29 days: %d %q", r.Status, r.Location)
	}
	// After 30 days it asks again.
	f.Clock.Advance(24*time.Hour + time.Minute)
	if r := signInAgain(); r.Location != "/login/two-factor" || f.isSignedIn(t, b) {
		t.Fatalf("remembered browser after 30 days: %d %q", r.Status, r.Location)
	}

	// Remember again, then reset two-factor: the browser must give a code again.
	f.Clock.Advance(30 * time.Second)
	f.post(t, b, "/login/two-factor", url.Values{"code": {totpCode(t, secret, f.Clock.Now())}, "remember": {"yes"}})
	if r := signInAgain(); r.Location != "/my/record" {
		t.Fatalf("remembered again: %q", r.Location)
	}
	// Switching off needs a current code.
	if r := f.post(t, b, "/my/security/two-factor/disable", url.Values{"code": {"000000"}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("switch off with a wrong code: %d", r.Status)
	}
	f.Clock.Advance(30 * time.Second)
	if r := f.post(t, b, "/my/security/two-factor/disable", url.Values{"code": {totpCode(t, secret, f.Clock.Now())}}); r.Status != http.StatusSeeOther {
		t.Fatalf("switch off: %d %.300s", r.Status, r.Body)
	}
	if r := signInAgain(); r.Location != "/my/record" {
		t.Fatalf("two-factor off but still asked: %q", r.Location)
	}
	f.setUpTwoFactor(t, b)
	if r := signInAgain(); r.Location != "/login/two-factor" {
		t.Fatalf("old remembered browser skipped the code after two-factor was set up again: %q", r.Location)
	}
}

func TestTwoFactorRememberedBrowserEndsWithPasswordChange(t *testing.T) {
	f := newFixture(t)
	secret, _ := f.setUpTwoFactor(t, f.signedIn(t, f.Pract.Email))
	b := f.Browser(t)
	f.passwordStep(t, b, f.Pract.Email)
	f.Clock.Advance(30 * time.Second)
	f.post(t, b, "/login/two-factor", url.Values{"code": {totpCode(t, secret, f.Clock.Now())}, "remember": {"yes"}})
	f.Clock.Advance(time.Minute)
	if err := f.Accounts.SetPassword(t.Context(), f.Pract.ID, testkit.Password); err != nil {
		t.Fatal(err)
	}
	f.Clock.Advance(time.Minute)
	if r := f.passwordStep(t, b, f.Pract.Email); r.Location != "/login/two-factor" {
		t.Fatalf("remembered browser survived a password change: %q", r.Location)
	}
}

func TestAdminsMustSetUpTwoFactorWhenRequired(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, f.Admin.Email)
	if r := f.get(t, admin, "/admin"); r.Status != http.StatusOK {
		t.Fatalf("admin page before the setting: %d", r.Status)
	}
	// An admin without two-factor cannot require it (and lock themselves out).
	r := f.post(t, admin, "/admin/settings/two-factor", url.Values{"admin_two_factor": {"required"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("require without own two-factor: %d", r.Status)
	}
	mustContain(t, r.Body, "Set up two-factor sign-in for your own account first")

	// Another admin, with two-factor, switches it on.
	second := f.User(t, "ann@example.org", f.Police.ID, "admin")
	sb := f.signedIn(t, second.Email)
	f.setUpTwoFactor(t, sb)
	if r := f.post(t, sb, "/admin/settings/two-factor", url.Values{"admin_two_factor": {"required"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("require: %d %.300s", r.Status, r.Body)
	}
	if r := f.get(t, sb, "/admin"); r.Status != http.StatusOK {
		t.Fatalf("admin with two-factor: %d", r.Status)
	}
	mustContain(t, f.get(t, sb, "/admin").Body, `value="required" checked`)

	// The first admin is sent to set it up before any admin page, but can use the rest.
	for _, p := range []string{"/admin", "/admin/people", "/admin/people/" + id(f.Pract.ID)} {
		if r := f.get(t, admin, p); r.Status != http.StatusSeeOther || r.Location != "/my/security" {
			t.Fatalf("GET %s without two-factor: %d %q", p, r.Status, r.Location)
		}
	}
	if r := f.post(t, admin, "/admin/settings/two-factor", url.Values{"admin_two_factor": {"optional"}}); r.Location != "/my/security" {
		t.Fatalf("POST to an admin page without two-factor: %d %q", r.Status, r.Location)
	}
	if !f.isSignedIn(t, admin) {
		t.Fatal("admin lost the rest of the site")
	}
	mustContain(t, f.get(t, admin, "/my/security").Body, "Admins must use two-factor sign-in")
	f.setUpTwoFactor(t, admin)
	if r := f.get(t, admin, "/admin"); r.Status != http.StatusOK {
		t.Fatalf("admin page after set-up: %d", r.Status)
	}
	// Practitioners are not affected.
	if r := f.get(t, f.signedIn(t, f.Pract.Email), "/my/security"); r.Status != http.StatusOK || strings.Contains(r.Body, "Admins must") {
		t.Fatalf("practitioner's security page: %d", r.Status)
	}
}

func TestTwoFactorWrongCodesAreLimitedPerAccount(t *testing.T) {
	f := newFixture(t)
	secret, codes := f.setUpTwoFactor(t, f.signedIn(t, f.Pract.Email))
	// Starting sign-in again does not give a thief who has the password fresh guesses:
	// ten wrong codes over three browsers stop the account's code step for 15 minutes.
	wrong := 0
	for b := 0; b < 3 && wrong < 10; b++ {
		c := f.Browser(t)
		f.passwordStep(t, c, f.Pract.Email)
		for i := 0; i < 4 && wrong < 10; i++ {
			f.post(t, c, "/login/two-factor", url.Values{"code": {"123456"}})
			wrong++
		}
	}
	c := f.Browser(t)
	f.passwordStep(t, c, f.Pract.Email)
	f.Clock.Advance(30 * time.Second)
	r := f.post(t, c, "/login/two-factor", url.Values{"code": {totpCode(t, secret, f.Clock.Now())}})
	if r.Status != http.StatusTooManyRequests || f.isSignedIn(t, c) {
		t.Fatalf("right code after ten wrong ones: %d", r.Status)
	}
	mustContain(t, r.Body, "too many wrong codes")
	if r := f.post(t, c, "/login/two-factor", url.Values{"code": {codes[0]}}); r.Status != http.StatusTooManyRequests {
		t.Fatalf("recovery code while limited: %d", r.Status)
	}
	// After the window the right code works, and the count starts again.
	f.Clock.Advance(15 * time.Minute)
	c = f.Browser(t)
	f.passwordStep(t, c, f.Pract.Email)
	if r := f.post(t, c, "/login/two-factor", url.Values{"code": {totpCode(t, secret, f.Clock.Now())}}); r.Status != http.StatusSeeOther || !f.isSignedIn(t, c) {
		t.Fatalf("right code after the window: %d", r.Status)
	}
}

func TestRecoveryCodesRenewedAndAdminReset(t *testing.T) {
	f := newFixture(t)
	owner := f.signedIn(t, f.Pract.Email)
	secret, old := f.setUpTwoFactor(t, owner)

	// New recovery codes need a current code, and replace the old ones.
	if r := f.post(t, owner, "/my/security/recovery-codes", url.Values{"renew_code": {"999999"}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("renew with a wrong code: %d", r.Status)
	}
	f.Clock.Advance(30 * time.Second)
	r := f.post(t, owner, "/my/security/recovery-codes", url.Values{"renew_code": {totpCode(t, secret, f.Clock.Now())}})
	fresh := recoveryRE.FindAllStringSubmatch(r.Body, -1)
	if r.Status != http.StatusOK || len(fresh) != 10 {
		t.Fatalf("renew: %d, %d codes", r.Status, len(fresh))
	}
	b := f.Browser(t)
	f.passwordStep(t, b, f.Pract.Email)
	if r := f.post(t, b, "/login/two-factor", url.Values{"code": {old[0]}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("old recovery code after renewal: %d", r.Status)
	}
	if r := f.post(t, b, "/login/two-factor", url.Values{"code": {fresh[0][1]}}); r.Status != http.StatusSeeOther {
		t.Fatalf("new recovery code: %d", r.Status)
	}

	// An admin switches it off for someone who lost everything: the password alone
	// signs in again.
	admin := f.signedIn(t, f.Admin.Email)
	person := "/admin/people/" + id(f.Pract.ID)
	mustContain(t, f.get(t, admin, person).Body, "Two-factor sign-in: on", "9 recovery codes left")
	if r := f.post(t, admin, person+"/two-factor/reset", nil); r.Status != http.StatusSeeOther || r.Location != person {
		t.Fatalf("admin reset: %d %q", r.Status, r.Location)
	}
	mustContain(t, f.get(t, admin, person).Body, "Two-factor sign-in: off")
	if r := f.passwordStep(t, f.Browser(t), f.Pract.Email); r.Location != "/my/record" {
		t.Fatalf("sign-in after an admin reset: %q", r.Location)
	}
	if r := f.post(t, owner, "/admin/people/"+id(f.Admin.ID)+"/two-factor/reset", nil); r.Status != http.StatusForbidden {
		t.Fatalf("practitioner on the admin reset: %d", r.Status)
	}
}
