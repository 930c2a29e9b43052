package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/traininghub/traininghub/internal/account"
)

// securityPagePaths are the account security pages' addresses. When the fixture has the
// admin "tom@example.org" (TestEveryPageRenders), they get a two-factor set-up under way
// so the set-up page has something to show.
func (f *fixture) securityPagePaths(t *testing.T) map[string]string {
	t.Helper()
	if u, err := f.Accounts.UserByEmail(context.Background(), "tom@example.org"); err == nil {
		if _, err := f.Accounts.StartTOTP(context.Background(), u, "Test"); err != nil {
			t.Fatal(err)
		}
	}
	return map[string]string{
		"/login/two-factor":             "/login/two-factor",
		"/my/security":                  "/my/security",
		"/my/security/two-factor/setup": "/my/security/two-factor/setup",
		"/my/tokens":                    "/my/tokens",
	}
}

// pendingSecondFactor is a browser whose password was accepted for an account with
// two-factor on, now at the code step.
func (f *fixture) pendingSecondFactor(t *testing.T) *http.Client {
	t.Helper()
	ctx := context.Background()
	u := f.User(t, "two@example.org", f.Police.ID, account.Practitioner)
	setup, err := f.Accounts.StartTOTP(ctx, u, "Test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Accounts.ConfirmTOTP(ctx, u.ID, totpCode(t, setup.Secret, f.Clock.Now())); err != nil {
		t.Fatal(err)
	}
	c := f.Browser(t)
	if r := f.passwordStep(t, c, u.Email); r.Location != "/login/two-factor" {
		t.Fatalf("password step: %d %q", r.Status, r.Location)
	}
	return c
}
