package account_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
)

func TestCheckPassword(t *testing.T) {
	const email = "jo.bloggs@example.org"
	tests := []struct {
		name     string
		password string
		want     string
	}{
		{"empty", "", "Password must be at least 8 characters"},
		{"seven characters", "abcdefg", "Password must be at least 8 characters"},
		{"seven accented characters (16 bytes)", "éééééèè", "Password must be at least 8 characters"},
		{"common", "password", "That password is too common: choose one that is harder to guess"},
		{"common in capitals", "PASSWORD123", "That password is too common: choose one that is harder to guess"},
		{"common, the service's own name", "TrainingHub", "That password is too common: choose one that is harder to guess"},
		{"common, the subject", "safeguarding", "That password is too common: choose one that is harder to guess"},
		{"equals email", email, "Password must not be your email address"},
		{"equals email in another case", "Jo.Bloggs@Example.ORG", "Password must not be your email address"},
		{"too long", strings.Repeat("x", 257), "Password must be 256 characters or fewer"},
		{"eight characters", "qxzvbnmk", ""},
		{"eight accented characters", "éééééééè", ""},
		{"exactly 256", strings.Repeat("x", 256), ""},
		{"passphrase", "correct horse battery staple", ""},
		{"no composition rules", "alllowercaseletters", ""},
		{"contains the email but is longer", email + "!", ""},
	}
	for _, tc := range tests {
		if got := account.CheckPassword(tc.password, email); got != tc.want {
			t.Errorf("%s: CheckPassword = %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := account.CheckPassword("anything@example.org", ""); got != "" {
		t.Errorf("with no email known: %q", got)
	}
}

// TestDenyListShipsThousandsOfCommonPasswords: the embedded list is loaded, reaches deep
// (entries near its end are refused too) and covers the short list it replaced.
func TestDenyListShipsThousandsOfCommonPasswords(t *testing.T) {
	const refused = "That password is too common: choose one that is harder to guess"
	for _, p := range []string{
		"12345678", "iloveyou", "1qaz2wsx", "Liverpool", // near the top
		"happydays", "lost4815162342", "1patrick", // near the end of the 5,000
		"Summer2026", "safeguarding1", "passwordpassword", // local additions
		// everything the old built-in list held
		"password1", "password12", "passw0rd", "qwerty123", "welcome1", "abc12345",
		"letmein1", "00000000", "12341234", "87654321", "monkey123", "dragon123", "whatever",
		"changeme", "admin123", "administrator", "liverpool1", "chelsea1", "arsenal1",
		"michael1", "jennifer1", "charlie1", "11223344", "abcdefgh", "aaaaaaaa", "zaq12wsx",
		"asdfghjk", "zxcvbnm1", "letmeinplease",
	} {
		if got := account.CheckPassword(p, ""); got != refused {
			t.Errorf("%q: CheckPassword = %q, want it refused as common", p, got)
		}
	}
	for _, p := range []string{"correct horse battery", "plum tree at the gate", "Kx7#qv2L9m"} {
		if got := account.CheckPassword(p, ""); got != "" {
			t.Errorf("%q refused: %q", p, got)
		}
	}
}

func TestHashAndVerify(t *testing.T) {
	ctx := context.Background()
	h := account.NewHasher(account.TestHashParams, 2)
	a, err := h.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Error("two hashes of one password are identical: no salt")
	}
	if !strings.HasPrefix(a, "$argon2id$v=19$m=64,t=1,p=1$") || strings.Count(a, "$") != 5 {
		t.Errorf("encoded hash = %q", a)
	}
	for _, tc := range []struct {
		password string
		ok       bool
	}{
		{"correct horse battery", true},
		{"correct horse battery ", false},
		{"Correct horse battery", false},
		{"", false},
	} {
		ok, err := h.Verify(ctx, tc.password, a)
		if err != nil || ok != tc.ok {
			t.Errorf("Verify(%q) = %v, %v; want %v", tc.password, ok, err, tc.ok)
		}
	}
	// Parameters travel with the hash: a hasher with other settings still verifies it.
	strong := account.NewHasher(account.HashParams{MemoryKiB: 128, Time: 2, Threads: 1}, 1)
	if ok, err := strong.Verify(ctx, "correct horse battery", a); err != nil || !ok {
		t.Errorf("verify with other params = %v, %v", ok, err)
	}
	c, err := strong.Hash(ctx, "x")
	if err != nil || !strings.Contains(c, "$m=128,t=2,p=1$") {
		t.Errorf("strong hash = %q, %v", c, err)
	}
}

func TestVerifyMalformedHash(t *testing.T) {
	h := account.NewHasher(account.TestHashParams, 1)
	good, err := h.Hash(context.Background(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	for _, bad := range []string{
		"",
		"plaintext",
		"$2a$10$abcdefghijklmnopqrstuv", // bcrypt
		strings.Replace(good, "argon2id", "argon2i", 1),
		"$argon2id$v=19$m=x,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=64,t=1,p=1$!!!$" + parts[5],
		"$argon2id$v=19$m=64,t=1,p=1$" + parts[4] + "$!!!",
		good + "$extra",
	} {
		ok, err := h.Verify(context.Background(), "pw", bad)
		if err == nil || ok {
			t.Errorf("Verify with hash %q = %v, %v; want an error", bad, ok, err)
		}
	}
}

// A caller that gives up while every hashing slot is taken gets its context's error
// instead of queueing without limit.
func TestHasherWaitsForASlot(t *testing.T) {
	// Take the only slot with a slow hash, then ask with a short deadline.
	busy := account.NewHasher(account.HashParams{MemoryKiB: 64 * 1024, Time: 3, Threads: 1}, 1)
	started := make(chan struct{})
	done := make(chan struct{})
	go func() {
		close(started)
		_, _ = busy.Hash(context.Background(), "hog")
		close(done)
	}()
	<-started
	time.Sleep(5 * time.Millisecond) // let it take the only slot
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	select {
	case <-done:
		t.Skip("the first hash finished before the second asked; cannot observe waiting")
	default:
	}
	_, err := busy.Hash(ctx, "waiting")
	if !errors.Is(err, context.DeadlineExceeded) {
		// The hog may have finished in the meantime on a fast machine.
		select {
		case <-done:
		default:
			t.Errorf("Hash while the slot is taken = %v, want deadline exceeded", err)
		}
	}
	if _, err := busy.Verify(ctx, "waiting", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"); !errors.Is(err, context.DeadlineExceeded) {
		select {
		case <-done:
		default:
			t.Errorf("Verify while the slot is taken = %v, want deadline exceeded", err)
		}
	}
	<-done
}

func TestRandomPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		p := account.RandomPassword()
		if len(p) != 20 || account.CheckPassword(p, "") != "" || strings.ContainsAny(p, "+/= ") || seen[p] {
			t.Errorf("RandomPassword = %q", p)
		}
		seen[p] = true
	}
}
