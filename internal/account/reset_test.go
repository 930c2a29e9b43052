package account_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/testkit"
)

// minted remembers the secrets the tests minted per link id (ids are random, so one map
// serves every test).
var minted = map[int64]string{}

// resetEmails returns the reset snapshots queued for a user, oldest first, each with the
// secret its email would carry (minted the first time, as the worker does on sending);
// a link already used or expired before then has no secret.
func resetEmails(t *testing.T, env *testkit.Env, userID int64) []outbox.ResetSnapshot {
	t.Helper()
	rows, err := env.DB.R.Query(`SELECT payload, recipient_email, expires_at FROM outbox WHERE kind = ? AND user_id = ? ORDER BY id`,
		outbox.PasswordReset, userID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outbox.ResetSnapshot
	for rows.Next() {
		var raw, to, expires string
		if err := rows.Scan(&raw, &to, &expires); err != nil {
			t.Fatal(err)
		}
		var p outbox.Payload
		if err := json.Unmarshal([]byte(raw), &p); err != nil || p.Reset == nil {
			t.Fatalf("payload %s: %v", raw, err)
		}
		if expires != p.Reset.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z") {
			t.Errorf("outbox row expires %s, link %v", expires, p.Reset.ExpiresAt)
		}
		if p.Reset.Token != "" || p.Reset.LinkID == 0 {
			t.Fatalf("queued reset email holds a secret, or no link id: %s", raw)
		}
		// Mint the secret as the worker does when it sends the email (once per link, so
		// a test can look at the emails again).
		if tok, ok := minted[p.Reset.LinkID]; ok {
			p.Reset.Token = tok
		} else if tok, err := (account.EmailLinks{DB: env.DB, Now: env.Clock.Now}).MintLink(context.Background(), outbox.PasswordReset, p.Reset.LinkID); err == nil {
			minted[p.Reset.LinkID] = tok
			p.Reset.Token = tok
		}
		out = append(out, *p.Reset)
	}
	return out
}

func countRows(t *testing.T, env *testkit.Env, table string) int {
	t.Helper()
	var n int
	if err := env.DB.R.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func resetEnv(t *testing.T) (*testkit.Env, *account.User) {
	env := testkit.New(t)
	org := env.Org(t, "Bath Police", account.Police)
	return env, env.User(t, "pat@example.org", org.ID, account.Practitioner)
}

func TestRequestPasswordReset(t *testing.T) {
	env, pat := resetEnv(t)
	ctx := context.Background()
	if err := env.Accounts.RequestPasswordReset(ctx, " PAT@example.org"); err != nil {
		t.Fatal(err)
	}
	mails := resetEmails(t, env, pat.ID)
	if len(mails) != 1 {
		t.Fatalf("%d reset emails, want 1", len(mails))
	}
	m := mails[0]
	if raw, err := base64.RawURLEncoding.DecodeString(m.Token); err != nil || len(raw) != 32 {
		t.Errorf("token %q is not 256 random bits (%v)", m.Token, err)
	}
	if m.Name != pat.Name || !m.ExpiresAt.Equal(testkit.Start.Add(time.Hour)) {
		t.Errorf("snapshot %+v", m)
	}
	sum := sha256.Sum256([]byte(m.Token))
	var hash, created, expires string
	var used *string
	if err := env.DB.R.QueryRow(`SELECT token_hash, created_at, expires_at, used_at FROM password_resets WHERE user_id = ?`, pat.ID).
		Scan(&hash, &created, &expires, &used); err != nil {
		t.Fatal(err)
	}
	if hash != hex.EncodeToString(sum[:]) || created != "2026-11-25T10:00:00Z" || expires != "2026-11-25T11:00:00Z" || used != nil {
		t.Errorf("stored %s %s %s %v", hash, created, expires, used)
	}

	// Unknown and disabled addresses: no error, nothing stored, nothing queued.
	org := env.Org(t, "Council", account.SocialCare)
	gone := env.User(t, "gone@example.org", org.ID)
	if err := env.Accounts.SetActive(ctx, gone.ID, false); err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{"nobody@example.org", "gone@example.org", "", "not an address"} {
		if err := env.Accounts.RequestPasswordReset(ctx, addr); err != nil {
			t.Errorf("%q: %v", addr, err)
		}
	}
	if countRows(t, env, "password_resets") != 1 || countRows(t, env, "outbox") != 1 {
		t.Error("a request for an unknown or disabled address stored something")
	}

	// At most three links work at once; an hour later there can be more.
	for range 4 {
		if err := env.Accounts.RequestPasswordReset(ctx, "pat@example.org"); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(resetEmails(t, env, pat.ID)); n != 3 {
		t.Errorf("%d links at once, want 3", n)
	}
	env.Clock.Advance(time.Hour)
	if err := env.Accounts.RequestPasswordReset(ctx, "pat@example.org"); err != nil {
		t.Fatal(err)
	}
	if n := len(resetEmails(t, env, pat.ID)); n != 4 {
		t.Errorf("%d links after the first ones expired, want 4", n)
	}
}

func TestResetPasswordWorksOnceWithinTheHour(t *testing.T) {
	env, pat := resetEnv(t)
	ctx := context.Background()
	if err := env.Accounts.RequestPasswordReset(ctx, pat.Email); err != nil {
		t.Fatal(err)
	}
	token := resetEmails(t, env, pat.ID)[0].Token
	if u, err := env.Accounts.CheckResetLink(ctx, token); err != nil || u.ID != pat.ID {
		t.Fatalf("check: %v %v", u, err)
	}
	// A password that breaks the rules leaves the link usable.
	_, err := env.Accounts.ResetPassword(ctx, token, "password")
	if f := fieldErrors(t, err); f["password"] == "" {
		t.Errorf("fields %v", f)
	}
	u, err := env.Accounts.ResetPassword(ctx, token, "a brand new passphrase")
	if err != nil || u.ID != pat.ID {
		t.Fatalf("reset: %v %v", u, err)
	}
	if _, err := env.Accounts.Authenticate(ctx, pat.Email, "a brand new passphrase"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if _, err := env.Accounts.Authenticate(ctx, pat.Email, testkit.Password); !errors.Is(err, account.ErrBadCredentials) {
		t.Errorf("old password: %v", err)
	}
	for _, f := range []func() error{
		func() error { _, err := env.Accounts.CheckResetLink(ctx, token); return err },
		func() error { _, err := env.Accounts.ResetPassword(ctx, token, "yet another passphrase"); return err },
	} {
		err := f()
		if !errors.Is(err, account.ErrResetLinkInvalid) {
			t.Errorf("second use: %v", err)
		}
		if pe, _ := problem.From(err); pe.Status != http.StatusGone {
			t.Errorf("second use status %d", pe.Status)
		}
	}

	// Expiry follows the service's clock.
	env.Clock.Advance(time.Hour)
	if err := env.Accounts.RequestPasswordReset(ctx, pat.Email); err != nil {
		t.Fatal(err)
	}
	mails := resetEmails(t, env, pat.ID)
	late := mails[len(mails)-1].Token
	env.Clock.Advance(61 * time.Minute)
	if _, err := env.Accounts.ResetPassword(ctx, late, "yet another passphrase"); !errors.Is(err, account.ErrResetLinkInvalid) {
		t.Errorf("after 61 minutes: %v", err)
	}
	for _, bad := range []string{"", "x", token + "x", "%%%"} {
		if _, err := env.Accounts.CheckResetLink(ctx, bad); !errors.Is(err, account.ErrResetLinkInvalid) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestResetPasswordSpendsOtherLinksAndWinsOnce(t *testing.T) {
	env, pat := resetEnv(t)
	ctx := context.Background()
	for range 2 {
		if err := env.Accounts.RequestPasswordReset(ctx, pat.Email); err != nil {
			t.Fatal(err)
		}
	}
	mails := resetEmails(t, env, pat.ID)
	// Two tabs submit the same link at once: one wins.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = env.Accounts.ResetPassword(ctx, mails[1].Token, "a brand new passphrase")
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, account.ErrResetLinkInvalid):
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d resets succeeded with one link, want 1", ok)
	}
	if _, err := env.Accounts.CheckResetLink(ctx, mails[0].Token); !errors.Is(err, account.ErrResetLinkInvalid) {
		t.Errorf("the other link still works: %v", err)
	}
	var live int
	if err := env.DB.R.QueryRow(`SELECT count(*) FROM password_resets WHERE used_at IS NULL`).Scan(&live); err != nil || live != 0 {
		t.Errorf("%d links left unused (%v)", live, err)
	}
}

func TestResetLinkOfDisabledAccountStopsWorking(t *testing.T) {
	env, pat := resetEnv(t)
	ctx := context.Background()
	if err := env.Accounts.RequestPasswordReset(ctx, pat.Email); err != nil {
		t.Fatal(err)
	}
	token := resetEmails(t, env, pat.ID)[0].Token
	if err := env.Accounts.SetActive(ctx, pat.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Accounts.ResetPassword(ctx, token, "a brand new passphrase"); !errors.Is(err, account.ErrResetLinkInvalid) {
		t.Errorf("disabled account: %v", err)
	}
}
