package web_test

import (
	"database/sql"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/store"
)

var newTokenRE = regexp.MustCompile(`value="(thub_[A-Za-z0-9_-]+)"`)

// apiStatus calls an API endpoint that needs a signed-in token.
func (f *fixture) apiStatus(t *testing.T, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.URL+"/api/v1/me/bookings", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return do(t, http.DefaultClient, req).Status
}

// makeToken makes a token through the page and returns it with its id.
func (f *fixture) makeToken(t *testing.T, c *http.Client, name, expires string) (string, int64) {
	t.Helper()
	r := f.post(t, c, "/my/tokens", url.Values{"name": {name}, "expires": {expires}})
	if r.Status != http.StatusOK {
		t.Fatalf("make token: %d %.500s", r.Status, r.Body)
	}
	m := newTokenRE.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("token not shown: %.2000s", r.Body)
	}
	var tokenID int64
	if err := f.DB.R.QueryRow(`SELECT max(id) FROM api_tokens`).Scan(&tokenID); err != nil {
		t.Fatal(err)
	}
	return m[1], tokenID
}

func (f *fixture) tokenLastUsed(t *testing.T, tokenID int64) string {
	t.Helper()
	var v sql.NullString
	if err := f.DB.R.QueryRow(`SELECT last_used_at FROM api_tokens WHERE id = ?`, tokenID).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v.String
}

func TestAPITokensNamedListedAndExpiring(t *testing.T) {
	f := newFixture(t)
	pat := f.signedIn(t, f.Pract.Email)
	mustContain(t, f.get(t, pat, "/my/tokens").Body, "You have no API tokens")

	// Every field is checked at once.
	r := f.post(t, pat, "/my/tokens", url.Values{"name": {" "}, "expires": {"forever"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad token form: %d", r.Status)
	}
	mustContain(t, r.Body, `href="#name"`, `href="#expires"`, `id="name-error"`, `id="expires-error"`)
	if f.count(t, "api_tokens") != 0 {
		t.Fatal("a bad form made a token")
	}

	token, tokenID := f.makeToken(t, pat, "Team spreadsheet", "30")
	list := f.get(t, pat, "/my/tokens").Body
	mustContain(t, list, "Team spreadsheet", "Never", "Revoke")
	mustNotContain(t, list, token) // shown once only

	// Last use is noted, at most once a minute.
	if s := f.apiStatus(t, token); s != http.StatusOK {
		t.Fatalf("new token: %d", s)
	}
	first := f.tokenLastUsed(t, tokenID)
	if first != store.FormatTime(f.Clock.Now()) {
		t.Fatalf("last used %q, want now", first)
	}
	f.Clock.Advance(40 * time.Second)
	f.apiStatus(t, token)
	if got := f.tokenLastUsed(t, tokenID); got != first {
		t.Fatalf("last used written again within a minute: %q", got)
	}
	f.Clock.Advance(30 * time.Second)
	f.apiStatus(t, token)
	if got := f.tokenLastUsed(t, tokenID); got != store.FormatTime(f.Clock.Now()) {
		t.Fatalf("last used after a minute: %q", got)
	}
	mustNotContain(t, f.get(t, pat, "/my/tokens").Body, "<td>Never</td>\n    <td>")

	// Expired tokens are refused.
	never, _ := f.makeToken(t, pat, "Forever script", "never")
	f.Clock.Advance(30 * 24 * time.Hour)
	if s := f.apiStatus(t, token); s != http.StatusUnauthorized {
		t.Fatalf("expired token: %d, want 401", s)
	}
	if s := f.apiStatus(t, never); s != http.StatusOK {
		t.Fatalf("token without expiry: %d", s)
	}
	mustContain(t, f.get(t, pat, "/my/tokens").Body, "Expired")
}

func TestAPITokensRevokedByOwnerAndAdminAtOnce(t *testing.T) {
	f := newFixture(t)
	pat := f.signedIn(t, f.Pract.Email)
	token, tokenID := f.makeToken(t, pat, "Laptop", "90")

	// Someone else cannot revoke it, and cannot tell it exists.
	other := f.User(t, "olu@example.org", f.Police.ID, account.Practitioner)
	oc := f.signedIn(t, other.Email)
	if r := f.post(t, oc, "/my/tokens/"+id(tokenID)+"/revoke", nil); r.Status != http.StatusNotFound {
		t.Fatalf("another person's revoke: %d, want 404", r.Status)
	}
	if s := f.apiStatus(t, token); s != http.StatusOK {
		t.Fatalf("token after a foreign revoke: %d", s)
	}
	// The owner revokes it: the next call is refused.
	if r := f.post(t, pat, "/my/tokens/"+id(tokenID)+"/revoke", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("owner's revoke: %d", r.Status)
	}
	if s := f.apiStatus(t, token); s != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d, want 401", s)
	}

	// An admin revokes one from the person's page.
	token2, tokenID2 := f.makeToken(t, pat, "Reporting job", "never")
	admin := f.signedIn(t, f.Admin.Email)
	mustContain(t, f.get(t, admin, "/admin/people/"+id(f.Pract.ID)).Body, "Reporting job", "/tokens/"+id(tokenID2)+"/revoke")
	if r := f.post(t, admin, "/admin/people/"+id(other.ID)+"/tokens/"+id(tokenID2)+"/revoke", nil); r.Status != http.StatusNotFound {
		t.Fatalf("admin revoke under the wrong person: %d, want 404", r.Status)
	}
	if r := f.post(t, admin, "/admin/people/"+id(f.Pract.ID)+"/tokens/"+id(tokenID2)+"/revoke", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("admin revoke: %d", r.Status)
	}
	if s := f.apiStatus(t, token2); s != http.StatusUnauthorized {
		t.Fatalf("token revoked by an admin: %d, want 401", s)
	}
	// Practitioners cannot use the admin revoke.
	token3, tokenID3 := f.makeToken(t, oc, "Mine", "never")
	if r := f.post(t, pat, "/admin/people/"+id(other.ID)+"/tokens/"+id(tokenID3)+"/revoke", nil); r.Status != http.StatusForbidden {
		t.Fatalf("practitioner on the admin revoke: %d", r.Status)
	}
	if s := f.apiStatus(t, token3); s != http.StatusOK {
		t.Fatalf("token after a refused revoke: %d", s)
	}
}
