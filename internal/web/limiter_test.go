package web

import (
	"testing"
	"time"
)

// fail records one wrong password for account from address, as the login handler does.
func fail(t *testing.T, l *loginLimiter, account, address string) {
	t.Helper()
	if wait := l.begin(account, address); wait != 0 {
		t.Fatalf("attempt from %s refused (wait %v) before the threshold", address, wait)
	}
	l.end(account, address, false)
}

// TestOthersCannotLockAnAccountOut: wrong passwords typed on purpose from one address slow
// that address down, but the owner signing in from another address is not made to wait.
func TestOthersCannotLockAnAccountOut(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	l := newLoginLimiter(func() time.Time { return now })
	for range accountThreshold {
		fail(t, l, "manager@example.org", "203.0.113.9")
	}
	if wait := l.begin("manager@example.org", "203.0.113.9"); wait == 0 {
		t.Fatal("the guessing address was not slowed down")
	}
	if wait := l.begin("manager@example.org", "198.51.100.7"); wait != 0 {
		t.Fatalf("the owner at another address must not wait, got %v", wait)
	}
	l.end("manager@example.org", "198.51.100.7", true)

	// The guessing address stays limited after the owner signs in elsewhere.
	if wait := l.begin("manager@example.org", "203.0.113.9"); wait == 0 {
		t.Fatal("a sign-in elsewhere must not forgive the guessing address")
	}
	// Resetting the password through the mailbox forgives the account everywhere.
	l.forgive("manager@example.org")
	if wait := l.begin("manager@example.org", "203.0.113.9"); wait != 0 {
		t.Fatalf("after a password reset the account's strikes must be cleared, got wait %v", wait)
	}
}

// TestOneAddressCannotSprayManyAccounts: the per-address limit holds across accounts.
func TestOneAddressCannotSprayManyAccounts(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	l := newLoginLimiter(func() time.Time { return now })
	for i := range ipLimit {
		fail(t, l, "person"+string(rune('a'+i%26))+string(rune('a'+i/26))+"@example.org", "203.0.113.9")
	}
	if wait := l.begin("someone-new@example.org", "203.0.113.9"); wait == 0 {
		t.Fatal("after ipLimit failures the address must wait, whichever account it tries")
	}
	now = now.Add(window)
	if wait := l.begin("someone-new@example.org", "203.0.113.9"); wait != 0 {
		t.Fatalf("the address limit must lift after the window, got wait %v", wait)
	}
}
