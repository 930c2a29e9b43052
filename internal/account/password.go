package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// HashParams are argon2id's cost settings.
type HashParams struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultHashParams follow OWASP's argon2id guidance (64 MiB, one pass).
var DefaultHashParams = HashParams{MemoryKiB: 64 * 1024, Time: 1, Threads: 2}

// TestHashParams are cheap, for tests only.
var TestHashParams = HashParams{MemoryKiB: 64, Time: 1, Threads: 1}

// Hasher hashes passwords with argon2id, limiting how many hashes run at once so a burst
// of sign-ins cannot exhaust memory.
type Hasher struct {
	params HashParams
	slots  chan struct{}
}

// NewHasher allows at most concurrent hashes at a time.
func NewHasher(p HashParams, concurrent int) *Hasher {
	return &Hasher{params: p, slots: make(chan struct{}, max(1, concurrent))}
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Hash returns an encoded argon2id hash with a random salt.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer func() { <-h.slots }()
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	p := h.params
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches the encoded hash.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("unrecognised password hash")
	}
	var p HashParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return false, fmt.Errorf("password hash parameters: %w", err)
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, err
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer func() { <-h.slots }()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// commonPasswordList is the deny-list shipped in the binary: the 5,000 most frequent
// passwords of 8 characters or more from the "passwords" frequency list of zxcvbn 4.4.2
// (npm package zxcvbn, MIT licence, Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.;
// the notice is kept at the top of the file), built from Mark Burnett's 10M password corpus.
//
//go:embed common_passwords.txt
var commonPasswordList string

// localPasswords are guesses particular to this service and these years, and simple runs and
// repeats that zxcvbn leaves out of its list (it detects them by pattern instead).
const localPasswords = `safeguarding safeguarding1 safeguarding123 training training1 training123
	traininghub partnership children1 welcome1 welcome123 changeme changeme1 password2024
	password2025 password2026 password2027 summer2024 summer2025 summer2026 summer2027
	winter2025 winter2026 winter2027 autumn2025 autumn2026 spring2026 spring2027
	letmeinplease passwordpassword administrator admin123 manchester1 welcome
	00000000 11111111 22222222 33333333 44444444 55555555 66666666 77777777 88888888 99999999
	12341234 87654321 98765432 abcdefgh aaaaaaaa qwertyuiop12 abcd1234`

// commonPasswords is every refused password, lower-cased.
var commonPasswords = loadDenyList(commonPasswordList, localPasswords)

// loadDenyList reads the embedded list (one password a line, # comments) and the local
// words into one set.
func loadDenyList(list, local string) map[string]bool {
	set := map[string]bool{}
	for _, line := range strings.Split(list, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[strings.ToLower(line)] = true
	}
	for _, w := range strings.Fields(local) {
		set[w] = true
	}
	return set
}

// CheckPassword returns a plain-English reason the password is unacceptable, or "".
// No composition rules: length and a deny-list, as NIST SP 800-63B advises.
func CheckPassword(password, email string) string {
	switch {
	case len([]rune(password)) < 8:
		return "Password must be at least 8 characters"
	case len(password) > 256:
		return "Password must be 256 characters or fewer"
	case commonPasswords[strings.ToLower(password)]:
		return "That password is too common: choose one that is harder to guess"
	case email != "" && strings.EqualFold(password, email):
		return "Password must not be your email address"
	}
	return ""
}

// RandomPassword makes a strong password to print when none was given.
func RandomPassword() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
