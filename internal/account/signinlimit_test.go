package account_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/secretkey"
	"github.com/traininghub/traininghub/internal/testkit"
)

func TestSigninWaitGrowsAndCaps(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want time.Duration
	}{
		{0, 0}, {4, 0}, {5, time.Second}, {6, 2 * time.Second}, {9, 16 * time.Second},
		{14, 512 * time.Second}, {15, 15 * time.Minute}, {40, 15 * time.Minute}, {1000, 15 * time.Minute},
	} {
		if got := account.SigninWait(tc.n, 5); got != tc.want {
			t.Errorf("SigninWait(%d, 5) = %v, want %v", tc.n, got, tc.want)
		}
	}
}

func TestAddressGroup(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"192.0.2.10", "192.0.2.10"},
		{"::ffff:192.0.2.10", "192.0.2.10"}, // IPv4 written as IPv6 is the same address
		{"2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"not an address", "not an address"},
	} {
		if got := account.AddressGroup(tc.in); got != tc.want {
			t.Errorf("AddressGroup(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestParallelAttemptsCannotSlipPastTheCount: attempts are counted before the password is
// checked, so twenty at once at one account get five checks between them, however the
// database interleaves them; taking back a right one frees its place.
func TestParallelAttemptsCannotSlipPastTheCount(t *testing.T) {
	env := testkit.New(t)
	l := &account.SigninLimits{DB: env.DB, Now: env.Clock.Now}
	ctx := context.Background()
	var mu sync.Mutex
	var admitted []account.SigninTicket
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addr := "198.51.100." + string(rune('1'+i%9))
			tk, wait, err := l.Begin(ctx, account.SigninAttempt{Email: "Pat@Example.org", Address: addr})
			if err != nil {
				t.Error(err)
				return
			}
			if wait == 0 {
				mu.Lock()
				admitted = append(admitted, tk)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(admitted) != 5 {
		t.Fatalf("%d of 20 parallel attempts admitted, want 5", len(admitted))
	}
	// The first was the right password: taking it back lets one more through at once.
	if err := l.Succeeded(ctx, admitted[0]); err != nil {
		t.Fatal(err)
	}
	if _, wait, err := l.Begin(ctx, account.SigninAttempt{Email: "pat@example.org", Address: "203.0.113.1"}); err != nil || wait != 0 {
		t.Fatalf("after a success was taken back: wait %v, err %v", wait, err)
	}
	if _, wait, _ := l.Begin(ctx, account.SigninAttempt{Email: "pat@example.org", Address: "203.0.113.1"}); wait != time.Second {
		t.Fatalf("sixth failure: wait %v, want 1s", wait)
	}
	// A reset through the mailbox forgives the account.
	if err := l.Forgive(ctx, "PAT@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, wait, _ := l.Begin(ctx, account.SigninAttempt{Email: "pat@example.org", Address: "203.0.113.1"}); wait != 0 {
		t.Fatalf("after Forgive: wait %v", wait)
	}
}

// TestSigninLimitsLeakAwayAndArePruned: failures leak away (one an hour per account), so
// a day later nothing is held back and the rows are gone.
func TestSigninLimitsLeakAwayAndArePruned(t *testing.T) {
	env := testkit.New(t)
	l := &account.SigninLimits{DB: env.DB, Now: env.Clock.Now}
	ctx := context.Background()
	a := account.SigninAttempt{Email: "kim@example.org", Address: "2001:db8:5:5::1"}
	for range 5 {
		if _, wait, err := l.Begin(ctx, a); err != nil || wait != 0 {
			t.Fatalf("wait %v err %v", wait, err)
		}
	}
	if _, wait, _ := l.Begin(ctx, a); wait != time.Second {
		t.Fatalf("sixth attempt at once: wait %v, want 1s", wait)
	}
	env.Clock.Advance(time.Second)
	if _, wait, _ := l.Begin(ctx, a); wait != 0 {
		t.Fatalf("sixth attempt a second later: wait %v", wait)
	}
	if _, wait, _ := l.Begin(ctx, a); wait != 2*time.Second {
		t.Fatalf("seventh attempt at once: wait %v, want 2s", wait)
	}
	env.Clock.Advance(90 * time.Minute) // one and a half of the six failures leaked away
	if _, wait, _ := l.Begin(ctx, a); wait != 0 {
		t.Fatalf("after 90 minutes: wait %v", wait)
	}
	// 4.5 + 1: six failures not wholly leaked away, so the next waits 2 s, not 4.
	if _, wait, _ := l.Begin(ctx, a); wait != 2*time.Second {
		t.Fatalf("after 90 minutes and one more failure: wait %v, want 2s", wait)
	}
	env.Clock.Advance(25 * time.Hour)
	if _, _, err := l.Begin(ctx, account.SigninAttempt{Email: "other@example.org", Address: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := env.DB.R.QueryRow(`SELECT count(*) FROM signin_limits WHERE key LIKE '%kim%' OR key LIKE '%2001:db8:5:5%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d rows a day old were not pruned", n)
	}
}

// TestDeviceCookieKeyComesFromTheKeyFile: the key is the same for a second service (another
// process) over the same database and key, differs for another key, is never stored in
// the database, and without a key there is none.
func TestDeviceCookieKeyComesFromTheKeyFile(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	k1, err := env.Accounts.DeviceCookieKey(ctx)
	if err != nil || len(k1) != 32 {
		t.Fatalf("key %x, err %v", k1, err)
	}
	other := account.NewService(testkit.DBAt(t, env.Path), env.Clock.Now, nil)
	if _, err := other.DeviceCookieKey(ctx); !errors.Is(err, account.ErrNoSecretKey) {
		t.Fatalf("a service without a key: %v", err)
	}
	if _, err := other.UseSecretKey(ctx, testkit.SecretKey(t)); err != nil {
		t.Fatal(err)
	}
	k2, err := other.DeviceCookieKey(ctx)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("a second process got another key: %x vs %x (%v)", k1, k2, err)
	}
	if found := testkit.PlainTextSecrets(t, env.DB, hex.EncodeToString(k1), string(k1)); len(found) > 0 {
		t.Fatalf("the device cookie key is stored in %v", found)
	}
	key, _, _ := secretkey.Generate()
	k3, _ := (&account.Service{Secrets: key}).DeviceCookieKey(ctx)
	if bytes.Equal(k1, k3) {
		t.Fatal("two keys give the same device cookie key")
	}
}
