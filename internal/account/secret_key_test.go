package account_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/secretkey"
	"github.com/traininghub/traininghub/internal/testkit"
)

func totpNow(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPlainTwoFactorSecretsAreEncryptedAtStart: a secret stored in plain text before this
// version is encrypted by the first start with a key, once (a second start changes
// nothing), and still checks codes; a wrong key is refused and changes nothing.
func TestPlainTwoFactorSecretsAreEncryptedAtStart(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Council", account.SocialCare)
	u := env.User(t, "old@example.org", org.ID)
	const plain = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	if _, err := env.DB.Exec(context.Background(), `INSERT INTO user_totp (user_id, secret, created_at, enabled_at) VALUES (?, ?, ?, ?)`,
		u.ID, plain, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"); err != nil {
		t.Fatal(err)
	}
	fresh := account.NewService(env.DB, env.Clock.Now, account.NewHasher(account.TestHashParams, 1))
	wrong, _, _ := secretkey.Generate()
	if _, err := fresh.UseSecretKey(ctx, wrong); !errors.Is(err, account.ErrWrongSecretKey) {
		t.Fatalf("a wrong key: %v, want ErrWrongSecretKey", err)
	}
	if found := testkit.PlainTextSecrets(t, env.DB, plain); len(found) != 1 {
		t.Fatalf("a refused key changed the plain secret: %v", found)
	}
	n, err := fresh.UseSecretKey(ctx, testkit.SecretKey(t))
	if err != nil || n != 1 {
		t.Fatalf("encrypted %d, %v; want 1", n, err)
	}
	if found := testkit.PlainTextSecrets(t, env.DB, plain); len(found) > 0 {
		t.Fatalf("the secret is still in plain text in %v", found)
	}
	var stored string
	env.DB.R.QueryRow(`SELECT secret FROM user_totp WHERE user_id = ?`, u.ID).Scan(&stored)
	if !strings.HasPrefix(stored, "v1:") {
		t.Fatalf("stored %q, want a v1 ciphertext", stored)
	}
	if n, err := fresh.UseSecretKey(ctx, testkit.SecretKey(t)); err != nil || n != 0 {
		t.Fatalf("second start encrypted %d, %v; want 0", n, err)
	}
	if ok, err := fresh.CheckTOTP(ctx, u.ID, totpNow(t, plain, env.Clock.Now())); err != nil || !ok {
		t.Fatalf("a code for the encrypted secret: %v %v", ok, err)
	}
}

// TestSealedSecretsAreBoundToTheirAccount: a sealed secret copied into another person's
// row does not open there, so it cannot be used to pass as them.
func TestSealedSecretsAreBoundToTheirAccount(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Council", account.SocialCare)
	a := env.User(t, "a@example.org", org.ID)
	b := env.User(t, "b@example.org", org.ID)
	setup, err := env.Accounts.StartTOTP(ctx, a, "Test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Accounts.StartTOTP(ctx, b, "Test"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.DB.Exec(context.Background(), `UPDATE user_totp SET secret = (SELECT secret FROM user_totp WHERE user_id = ?) WHERE user_id = ?`, a.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Accounts.ConfirmTOTP(ctx, b.ID, totpNow(t, setup.Secret, env.Clock.Now())); !errors.Is(err, account.ErrWrongSecretKey) {
		t.Fatalf("a's secret in b's row: %v, want it refused", err)
	}
	if _, err := env.Accounts.ConfirmTOTP(ctx, a.ID, totpNow(t, setup.Secret, env.Clock.Now())); err != nil {
		t.Fatalf("a's own secret: %v", err)
	}
}

// TestTwoFactorNeedsTheKey: without a key, two-factor cannot be set up, rather than
// being stored in plain text.
func TestTwoFactorNeedsTheKey(t *testing.T) {
	env := testkit.New(t)
	org := env.Org(t, "Council", account.SocialCare)
	u := env.User(t, "nokey@example.org", org.ID)
	keyless := account.NewService(env.DB, env.Clock.Now, account.NewHasher(account.TestHashParams, 1))
	if _, err := keyless.StartTOTP(context.Background(), u, "Test"); !errors.Is(err, account.ErrNoSecretKey) {
		t.Fatalf("StartTOTP without a key: %v", err)
	}
}
