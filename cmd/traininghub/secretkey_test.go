package main

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/demo"
	"github.com/traininghub/traininghub/internal/secretkey"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// TestSecretKeyFile runs the real serve command: the first start makes traininghub.key
// beside the database (0600, 32 bytes) and says to back it up; two-factor secrets are
// stored encrypted, and two-factor sign-in works after a restart with the same key; a
// wrong or missing key stops start-up with a message saying what to do; and
// `secret-key replace` recovers a database whose key is lost, switching two-factor off.
func TestSecretKeyFile(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "serve.db")
	keyPath := filepath.Join(dir, "traininghub.key")

	s := startServeArgs(t, "--db", dbPath)
	s.stop(t)
	info, err := os.Stat(keyPath)
	if err != nil {
		t.Fatalf("no key file beside the database: %v", err)
	}
	if info.Mode().Perm() != 0o600 || info.Size() != secretkey.Size {
		t.Fatalf("key file mode %v, %d bytes; want 0600, %d bytes", info.Mode().Perm(), info.Size(), secretkey.Size)
	}
	if logged := s.errOut.String(); !strings.Contains(logged, "created a new secret key file") || !strings.Contains(logged, "separately from the database") {
		t.Errorf("the first start did not say it made the key, or to back it up apart:\n%s", logged)
	}

	// Switch two-factor on for the demo practitioner, as the security page does.
	email, password, secret := enableTwoFactor(t, dbPath, keyPath)

	// Restarted with the same key, the person signs in with password and code.
	s = startServeArgs(t, "--db", dbPath)
	if strings.Contains(s.errOut.String(), "created a new secret key file") {
		t.Error("a restart made a new key file")
	}
	signInWithCode(t, s.base, email, password, secret)
	s.stop(t)

	// A wrong key stops start-up and says why and what to do; so does a missing one.
	wrongPath := filepath.Join(t.TempDir(), "wrong.key")
	if _, err := secretkey.Create(wrongPath); err != nil {
		t.Fatal(err)
	}
	_, err = runCmd(t, "", "serve", "--addr", freePort(t), "--db", dbPath, "--secret-key-file", wrongPath)
	if err == nil || !strings.Contains(err.Error(), "does not match the database") || !strings.Contains(err.Error(), "secret-key replace") {
		t.Fatalf("serve with a wrong key: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "missing.key")
	_, err = runCmd(t, "", "serve", "--addr", freePort(t), "--db", dbPath, "--secret-key-file", missing)
	if err == nil || !strings.Contains(err.Error(), "is missing") {
		t.Fatalf("serve with a missing key: %v", err)
	}
	if exists, _ := secretkey.Exists(missing); exists {
		t.Fatal("a missing key was replaced by a new one for a database that used a key")
	}

	// The key is lost for good: replace it. The wrong file is kept aside, not deleted.
	out, err := runCmd(t, "", "secret-key", "replace", "--db", dbPath, "--secret-key-file", wrongPath)
	if err != nil {
		t.Fatalf("secret-key replace: %v", err)
	}
	if !strings.Contains(out, "switched off for 1 account;") || !strings.Contains(out, email) || !strings.Contains(out, "Moved the key file") {
		t.Fatalf("secret-key replace said:\n%s", out)
	}
	s = startServeArgs(t, "--db", dbPath, "--secret-key-file", wrongPath)
	s.stop(t)
}

// startServeArgs runs `serve --demo` with args on a free port and waits until healthy.
func startServeArgs(t *testing.T, args ...string) *served {
	t.Helper()
	return runServe(t, args...)
}

// enableTwoFactor switches two-factor on for the demo practitioner with the key file at
// keyPath, checks the secret is stored encrypted, and returns the sign-in and the secret.
func enableTwoFactor(t *testing.T, dbPath, keyPath string) (email, password, secret string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key, err := secretkey.Load(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	accounts := account.NewService(db, clock.System, account.NewHasher(account.TestHashParams, 1))
	if _, err := accounts.UseSecretKey(ctx, key); err != nil {
		t.Fatal(err)
	}
	var id int64
	email, password = "practitioner@example.org", ""
	if err := db.R.QueryRow(`SELECT id FROM users WHERE email = ?`, email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	u, err := accounts.User(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	setup, err := accounts.StartTOTP(ctx, u, "Test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.ConfirmTOTP(ctx, u.ID, code(t, setup.Secret, time.Now())); err != nil {
		t.Fatal(err)
	}
	if found := testkit.PlainTextSecrets(t, db, setup.Secret); len(found) > 0 {
		t.Fatalf("the two-factor secret is stored in plain text in %v", found)
	}
	logins, err := demo.ExistingLogins(ctx, accounts)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range logins {
		if l.Email == email {
			password = l.Password
		}
	}
	return email, password, setup.Secret
}

// signInWithCode signs in over HTTP with the password, then a code one step ahead (the
// current one was spent switching two-factor on).
func signInWithCode(t *testing.T, base, email, password, secret string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login/two-factor" {
		t.Fatalf("password step: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = c.PostForm(base+"/login/two-factor", url.Values{"code": {code(t, secret, time.Now().Add(30*time.Second))}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("code step after restart: %d", resp.StatusCode)
	}
	resp, err = c.Get(base + "/my/training")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("not signed in after the code: %d", resp.StatusCode)
	}
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
