package account_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/testkit"
)

func TestRememberedBrowserCookieCannotBeForged(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Council", account.SocialCare)
	pat := env.User(t, "pat@example.org", org.ID, account.Practitioner)
	olu := env.User(t, "olu@example.org", org.ID, account.Practitioner)
	for _, u := range []*account.User{pat, olu} {
		setup, err := env.Accounts.StartTOTP(ctx, u, "Test")
		if err != nil {
			t.Fatal(err)
		}
		code, _ := totp.GenerateCodeCustom(setup.Secret, env.Clock.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if _, err := env.Accounts.ConfirmTOTP(ctx, u.ID, code); err != nil {
			t.Fatal(err)
		}
	}
	tf, _ := env.Accounts.TwoFactorStatus(ctx, pat.ID)
	oluTF, _ := env.Accounts.TwoFactorStatus(ctx, olu.ID)
	v, err := env.Accounts.RememberBrowser(ctx, pat)
	if err != nil || v == "" {
		t.Fatalf("RememberBrowser: %q %v", v, err)
	}
	if !env.Accounts.BrowserRemembered(ctx, pat, tf, v) {
		t.Fatal("a fresh cookie is not accepted")
	}
	parts := strings.Split(v, ".")
	exp, _ := strconv.ParseInt(parts[1], 10, 64)
	for name, forged := range map[string]string{
		"empty":           "",
		"another account": strings.Replace(v, parts[0]+".", "9999.", 1),
		"longer expiry":   parts[0] + "." + strconv.FormatInt(exp+365*24*3600, 10) + "." + parts[2],
		"changed mac":     parts[0] + "." + parts[1] + "." + strings.ToUpper(parts[2]),
		"no mac":          parts[0] + "." + parts[1] + ".",
	} {
		if env.Accounts.BrowserRemembered(ctx, pat, tf, forged) {
			t.Errorf("%s: forged cookie %q accepted", name, forged)
		}
	}
	if env.Accounts.BrowserRemembered(ctx, olu, oluTF, v) {
		t.Error("pat's cookie vouches for olu")
	}
	env.Clock.Advance(account.RememberFor)
	if env.Accounts.BrowserRemembered(ctx, pat, tf, v) {
		t.Error("cookie accepted after 30 days")
	}
}
