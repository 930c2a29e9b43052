package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/testkit"
)

const sentPage = "If an account exists for that address, we have sent a link. It works once, within an hour."

// resetRows counts queued password reset emails to a user (0: everyone).
func (f *fixture) resetRows(t *testing.T, userID int64) int {
	t.Helper()
	var n int
	if err := f.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE kind = ? AND (? = 0 OR user_id = ?)`,
		outbox.PasswordReset, userID, userID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// latestResetToken reads the secret of the newest reset link emailed to a user from the
// outbox payload, as the email would carry it.
func (f *fixture) latestResetToken(t *testing.T, userID int64) string {
	t.Helper()
	var raw, to string
	err := f.DB.R.QueryRow(`SELECT payload, recipient_email FROM outbox WHERE kind = ? AND user_id = ?
		ORDER BY id DESC LIMIT 1`, outbox.PasswordReset, userID).Scan(&raw, &to)
	if err != nil {
		t.Fatalf("no password reset email for user %d: %v", userID, err)
	}
	var p outbox.Payload
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		t.Fatal(err)
	}
	if p.Reset == nil || p.Reset.LinkID == 0 || p.Reset.Token != "" {
		t.Fatalf("reset email without a link id, or with a secret waiting in the queue: %s", raw)
	}
	// Mint the secret as the worker does when it sends the email.
	token, err := account.EmailLinks{DB: f.DB, Now: f.Clock.Now}.MintLink(context.Background(), outbox.PasswordReset, p.Reset.LinkID)
	if err != nil {
		t.Fatalf("mint link %d: %v", p.Reset.LinkID, err)
	}
	return token
}

// requestReset asks for a link through the service and returns its secret.
func (f *fixture) requestReset(t *testing.T, u *account.User) string {
	t.Helper()
	if err := f.Accounts.RequestPasswordReset(context.Background(), u.Email); err != nil {
		t.Fatal(err)
	}
	return f.latestResetToken(t, u.ID)
}

func newPassword(p, confirm string) url.Values {
	return url.Values{"password": {p}, "password_confirm": {confirm}}
}

func TestPasswordResetEndToEnd(t *testing.T) {
	f := newFixture(t)
	anon := f.Browser(t)
	mustContain(t, f.get(t, anon, "/login").Body, `href="/password/forgot"`, "Forgotten your password?")

	form := f.get(t, anon, "/password/forgot")
	if form.Status != http.StatusOK {
		t.Fatalf("forgot form: %d", form.Status)
	}
	mustContain(t, form.Body, `id="email" name="email"`)

	known := f.post(t, anon, "/password/forgot", url.Values{"email": {"  PAT@Example.org "}})
	if known.Status != http.StatusOK {
		t.Fatalf("request: %d %.500s", known.Status, known.Body)
	}
	mustContain(t, known.Body, sentPage)
	if n := f.resetRows(t, f.Pract.ID); n != 1 {
		t.Fatalf("%d reset emails queued for the practitioner, want 1", n)
	}
	var to, kind string
	if err := f.DB.R.QueryRow(`SELECT recipient_email, kind FROM outbox WHERE user_id = ?`, f.Pract.ID).Scan(&to, &kind); err != nil {
		t.Fatal(err)
	}
	if to != "pat@example.org" || kind != string(outbox.PasswordReset) {
		t.Errorf("queued %s to %s", kind, to)
	}
	token := f.latestResetToken(t, f.Pract.ID)

	// Only the hash of the secret is stored with the link.
	sum := sha256.Sum256([]byte(token))
	var stored, expires string
	if err := f.DB.R.QueryRow(`SELECT token_hash, expires_at FROM password_resets WHERE user_id = ?`, f.Pract.ID).Scan(&stored, &expires); err != nil {
		t.Fatal(err)
	}
	if stored != hex.EncodeToString(sum[:]) || strings.Contains(stored, token) {
		t.Errorf("stored %q for token %q", stored, token)
	}
	if want := testkit.Start.Add(time.Hour).Format("2006-01-02T15:04:05Z"); expires != want {
		t.Errorf("expires %s, want %s", expires, want)
	}

	// An address with no account gets the very same page, and no email.
	unknown := f.post(t, anon, "/password/forgot", url.Values{"email": {"nobody@example.org"}})
	if unknown.Status != known.Status || unknown.Body != known.Body {
		t.Errorf("the answer for an unknown address differs:\n%s\n----\n%s", unknown.Body, known.Body)
	}
	if n := f.resetRows(t, 0); n != 1 {
		t.Errorf("%d reset emails after asking for an unknown address, want 1", n)
	}

	link := "/password/reset/" + token
	page := f.get(t, anon, link)
	if page.Status != http.StatusOK {
		t.Fatalf("reset form: %d %.500s", page.Status, page.Body)
	}
	mustContain(t, page.Body, "Choose a new password", `id="password" name="password"`, `id="password_confirm" name="password_confirm"`, `action="`+link+`"`)

	// Mistakes are explained beside the fields and do not spend the link.
	for _, tc := range []struct {
		form  url.Values
		field string
		msg   string
	}{
		{newPassword("", ""), "password", "Enter a new password"},
		{newPassword("a new long passphrase", ""), "password_confirm", "Type the new password again"},
		{newPassword("a new long passphrase", "a new long passphrasf"), "password_confirm", "The passwords do not match"},
		{newPassword("short", "short"), "password", "at least 8 characters"},
		{newPassword("password123", "password123"), "password", "too common"},
		{newPassword("pat@example.org", "pat@example.org"), "password", "must not be your email address"},
	} {
		r := f.post(t, anon, link, tc.form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%v: status %d, want 422", tc.form, r.Status)
		}
		mustContain(t, r.Body, "There is a problem", `href="#`+tc.field+`"`, tc.msg)
	}

	done := f.post(t, anon, link, newPassword("a new long passphrase", "a new long passphrase"))
	if done.Status != http.StatusSeeOther || done.Location != "/login" {
		t.Fatalf("reset: %d %q %.500s", done.Status, done.Location, done.Body)
	}
	mustContain(t, f.follow(t, anon, done).Body, "Your password has been changed. Sign in with your new password.")

	if r := f.post(t, f.Browser(t), "/login", login("pat@example.org", testkit.Password, "")); r.Status != http.StatusUnauthorized {
		t.Errorf("the old password still works: %d", r.Status)
	}
	if r := f.post(t, f.Browser(t), "/login", login("pat@example.org", "a new long passphrase", "")); r.Status != http.StatusSeeOther {
		t.Errorf("the new password does not work: %d", r.Status)
	}

	// The link works once.
	again := f.get(t, anon, link)
	if again.Status != http.StatusGone {
		t.Errorf("second visit: %d, want 410", again.Status)
	}
	mustContain(t, again.Body, "This link has expired or has already been used", `href="/password/forgot"`)
	if r := f.post(t, anon, link, newPassword("another passphrase here", "another passphrase here")); r.Status != http.StatusGone {
		t.Errorf("second use: %d, want 410", r.Status)
	}
	if r := f.post(t, f.Browser(t), "/login", login("pat@example.org", "another passphrase here", "")); r.Status != http.StatusUnauthorized {
		t.Error("a spent link changed the password")
	}
}

func TestPasswordResetLinkExpiresAfterAnHour(t *testing.T) {
	f := newFixture(t)
	anon := f.Browser(t)
	token := f.requestReset(t, f.Pract)
	f.Clock.Advance(59 * time.Minute)
	if r := f.get(t, anon, "/password/reset/"+token); r.Status != http.StatusOK {
		t.Fatalf("after 59 minutes: %d", r.Status)
	}
	f.Clock.Advance(2 * time.Minute)
	r := f.get(t, anon, "/password/reset/"+token)
	if r.Status != http.StatusGone {
		t.Fatalf("after 61 minutes: %d, want 410", r.Status)
	}
	mustContain(t, r.Body, "This link has expired or has already been used", `href="/password/forgot"`)
	if r := f.post(t, anon, "/password/reset/"+token, newPassword("a new long passphrase", "a new long passphrase")); r.Status != http.StatusGone {
		t.Errorf("post after expiry: %d, want 410", r.Status)
	}
	if r := f.post(t, f.Browser(t), "/login", login("pat@example.org", testkit.Password, "")); r.Status != http.StatusSeeOther {
		t.Errorf("an expired link changed the password: %d", r.Status)
	}
}

func TestPasswordResetSpendsEveryOtherLink(t *testing.T) {
	f := newFixture(t)
	anon := f.Browser(t)
	first := f.requestReset(t, f.Pract)
	second := f.requestReset(t, f.Pract)
	if first == second {
		t.Fatal("two requests gave the same link")
	}
	if r := f.post(t, anon, "/password/reset/"+second, newPassword("a new long passphrase", "a new long passphrase")); r.Status != http.StatusSeeOther {
		t.Fatalf("reset: %d", r.Status)
	}
	if r := f.get(t, anon, "/password/reset/"+first); r.Status != http.StatusGone {
		t.Errorf("an older link still works after the password changed: %d", r.Status)
	}
}

func TestPasswordResetRefusesBadLinksCleanly(t *testing.T) {
	f := newFixture(t)
	c := f.Browser(t)
	for _, tok := range []string{"abc", strings.Repeat("A", 43), strings.Repeat("%", 43), "..%2f..%2fetc", "<b>", strings.Repeat("x", 5000)} {
		p := "/password/reset/" + url.PathEscape(tok)
		for _, r := range []response{
			f.get(t, c, p),
			f.post(t, c, p, newPassword("a new long passphrase", "a new long passphrase")),
		} {
			if r.Status != http.StatusGone && r.Status != http.StatusNotFound {
				t.Errorf("token %.20q: %d, want 410 or 404", tok, r.Status)
			}
		}
	}
	// A disabled account's link stops working.
	token := f.requestReset(t, f.Pract)
	if err := f.Accounts.SetActive(context.Background(), f.Pract.ID, false); err != nil {
		t.Fatal(err)
	}
	if r := f.get(t, c, "/password/reset/"+token); r.Status != http.StatusGone {
		t.Errorf("disabled account's link: %d", r.Status)
	}
	// Disabled accounts get no new links either, and the page is the same.
	r := f.post(t, c, "/password/forgot", url.Values{"email": {"pat@example.org"}})
	mustContain(t, r.Body, sentPage)
	if n := f.resetRows(t, f.Pract.ID); n != 1 {
		t.Errorf("%d links for a disabled account, want the 1 from before", n)
	}
}

func TestPasswordResetPageHeaders(t *testing.T) {
	f := newFixture(t)
	token := f.requestReset(t, f.Pract)
	resp, err := f.Browser(t).Get(f.URL + "/password/reset/" + token)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy %q: the link's secret could leak", got)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q", got)
	}
}

func TestPasswordResetSignsOutTheBrowser(t *testing.T) {
	f := newFixture(t)
	c := f.signedIn(t, "ada@example.org")
	token := f.requestReset(t, f.Pract)
	if r := f.post(t, c, "/password/reset/"+token, newPassword("a new long passphrase", "a new long passphrase")); r.Status != http.StatusSeeOther {
		t.Fatalf("reset: %d", r.Status)
	}
	if r := f.get(t, c, "/my/training"); r.Status != http.StatusSeeOther {
		t.Errorf("still signed in after a reset: %d", r.Status)
	}
}

func TestPasswordResetLiftsSignInThrottle(t *testing.T) {
	f := newFixture(t)
	c := f.Browser(t)
	for range 5 {
		f.post(t, c, "/login", login("pat@example.org", "wrong guess", ""))
	}
	if r := f.post(t, c, "/login", login("pat@example.org", testkit.Password, "")); r.Status != http.StatusTooManyRequests {
		t.Fatalf("not throttled: %d", r.Status)
	}
	token := f.requestReset(t, f.Pract)
	if r := f.post(t, c, "/password/reset/"+token, newPassword("a new long passphrase", "a new long passphrase")); r.Status != http.StatusSeeOther {
		t.Fatalf("reset: %d", r.Status)
	}
	if r := f.post(t, c, "/login", login("pat@example.org", "a new long passphrase", "")); r.Status != http.StatusSeeOther {
		t.Errorf("sign-in after a reset: %d, want 303", r.Status)
	}
}

func TestForgotPasswordValidationAndLimits(t *testing.T) {
	f := newFixture(t)
	c := f.Browser(t)
	for _, tc := range []struct{ email, msg string }{
		{"", "Enter your email address"},
		{"not an address", "Enter an email address in the correct format"},
		{"pat@", "Enter an email address in the correct format"},
	} {
		r := f.post(t, c, "/password/forgot", url.Values{"email": {tc.email}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%q: %d, want 422", tc.email, r.Status)
		}
		mustContain(t, r.Body, "There is a problem", `href="#email"`, tc.msg)
	}

	// One address gets a few links an hour; more requests get the same answer, no email.
	for i := range 5 {
		r := f.post(t, c, "/password/forgot", url.Values{"email": {"pat@example.org"}})
		if r.Status != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, r.Status)
		}
		mustContain(t, r.Body, sentPage)
	}
	if n := f.resetRows(t, f.Pract.ID); n != 3 {
		t.Errorf("%d links sent to one address in a burst, want 3", n)
	}
	// An hour later they can ask again.
	f.Clock.Advance(61 * time.Minute)
	f.post(t, c, "/password/forgot", url.Values{"email": {"pat@example.org"}})
	if n := f.resetRows(t, f.Pract.ID); n != 4 {
		t.Errorf("%d links after an hour, want 4", n)
	}

	// One client address is slowed down whichever addresses it asks about.
	var last response
	for i := range 25 {
		last = f.post(t, c, "/password/forgot", url.Values{"email": {"someone" + id(int64(i)) + "@example.org"}})
		if last.Status == http.StatusTooManyRequests {
			break
		}
	}
	if last.Status != http.StatusTooManyRequests {
		t.Fatalf("no limit per client address: %d", last.Status)
	}
	mustContain(t, last.Body, "Too many requests", "Try again after")
}

func TestPasswordFormsFieldIDsMatchNames(t *testing.T) {
	f := newFixture(t)
	c := f.Browser(t)
	mustContain(t, f.get(t, c, "/password/forgot").Body, `id="email" name="email"`)
	body := f.get(t, c, "/password/reset/"+f.requestReset(t, f.Pract)).Body
	mustContain(t, body, `id="password" name="password"`, `id="password_confirm" name="password_confirm"`)
	mustNotContain(t, body, "style=", "<script")
}

// TestPasswordChangeEndsOtherSessions: a browser signed in before the password changed is
// signed out at its next request; a fresh sign-in works.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	f := newFixture(t)
	stolen := f.signedIn(t, "pat@example.org")
	if r := f.get(t, stolen, "/my/training"); r.Status != http.StatusOK {
		t.Fatalf("signed-in page: %d", r.Status)
	}
	f.Clock.Advance(time.Second)
	if err := f.Accounts.SetPassword(context.Background(), f.Pract.ID, testkit.Password); err != nil {
		t.Fatal(err)
	}
	if r := f.get(t, stolen, "/my/training"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Fatalf("old session after a password change: %d to %q, want 303 to /login", r.Status, r.Location)
	}
	f.Clock.Advance(time.Second)
	fresh := f.signedIn(t, "pat@example.org")
	if r := f.get(t, fresh, "/my/training"); r.Status != http.StatusOK {
		t.Fatalf("a new sign-in after the change: %d", r.Status)
	}
}
