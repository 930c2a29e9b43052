package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
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

// commonPasswords are refused outright (a short deny-list of the most used passwords).
var commonPasswords = wordSet(`password password1 password12 password123 passw0rd 12345678
		123456789 1234567890 qwertyuiop qwerty123 qwerty12 iloveyou sunshine princess football
		baseball welcome welcome1 abc12345 letmein1 trustno1 11111111 00000000 12341234 87654321
		monkey123 dragon123 superman starwars whatever changeme admin123 administrator
		safeguarding training traininghub liverpool1 chelsea1 arsenal1 manchester1 computer
		internet michael1 jennifer1 charlie1 summer2024 summer2025 summer2026 winter2025
		winter2026 autumn2026 spring2026 11223344 abcdefgh aaaaaaaa 1q2w3e4r 1qaz2wsx zaq12wsx
		qazwsxedc asdfghjk asdfasdf zxcvbnm1 letmeinplease passwordpassword`)

func wordSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
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
