// Package secretkey encrypts the few secrets the service must read back (two-factor
// sign-in secrets), under a key kept in a file outside the database, so that a copy of
// the database alone (a stolen backup, a leaked file) does not reveal them.
//
// Ciphertexts are versioned, "v1:" + base64(nonce | AES-256-GCM sealed text), and bound
// to where they belong by additional data (for example the user id), so a value copied
// into another row does not open.
package secretkey

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Size is the key's length in bytes: AES-256.
const Size = 32

// prefix marks version 1 ciphertexts; a later format gets a new prefix and both open.
const prefix = "v1:"

// ErrNotOpened is the one answer to a ciphertext that does not open: wrong key, wrong
// place, or damaged.
var ErrNotOpened = errors.New("secretkey: the value does not open with this key")

// Key seals and opens secrets. It is safe for concurrent use.
type Key struct {
	raw  []byte
	aead cipher.AEAD
}

// New makes a Key from Size bytes.
func New(raw []byte) (*Key, error) {
	if len(raw) != Size {
		return nil, fmt.Errorf("secretkey: a key is %d bytes, not %d", Size, len(raw))
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Key{raw: append([]byte(nil), raw...), aead: aead}, nil
}

// Generate makes a new random Key and returns its bytes too, to write to a file.
func Generate() (*Key, []byte, error) {
	raw := make([]byte, Size)
	if _, err := rand.Read(raw); err != nil {
		return nil, nil, err
	}
	k, err := New(raw)
	return k, raw, err
}

// Sealed reports whether s is a ciphertext this package made (of any version it knows),
// rather than a plain value written before encryption.
func Sealed(s string) bool { return strings.HasPrefix(s, prefix) }

// Seal encrypts plain, bound to where (such as "user_totp.secret:42").
func (k *Key) Seal(plain []byte, where string) (string, error) {
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := k.aead.Seal(nonce, nonce, plain, []byte(where))
	return prefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts a value Seal made for the same where.
func (k *Key) Open(sealed, where string) ([]byte, error) {
	if !Sealed(sealed) {
		return nil, ErrNotOpened
	}
	b, err := base64.RawStdEncoding.DecodeString(sealed[len(prefix):])
	if err != nil || len(b) < k.aead.NonceSize()+k.aead.Overhead() {
		return nil, ErrNotOpened
	}
	n := k.aead.NonceSize()
	plain, err := k.aead.Open(nil, b[:n], b[n:], []byte(where))
	if err != nil {
		return nil, ErrNotOpened
	}
	return plain, nil
}

// Derive gives a separate 32-byte key for purpose (such as signing cookies), so one file
// holds every key the service needs and none of them is in the database.
func (k *Key) Derive(purpose string) []byte {
	m := hmac.New(sha256.New, k.raw)
	m.Write([]byte("traininghub derived key|" + purpose))
	return m.Sum(nil)
}

// Load reads the key file at path: Size raw bytes (as Create writes), or 2*Size hex
// digits with an optional line end (as `openssl rand -hex 32` prints). A missing file
// gives an error satisfying errors.Is(err, fs.ErrNotExist).
func Load(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) != Size {
		text := strings.TrimSpace(string(b))
		raw, err := hex.DecodeString(text)
		if err != nil || len(raw) != Size {
			return nil, fmt.Errorf("the secret key file %s must hold %d bytes, or %d hex digits; it holds %d bytes", path, Size, 2*Size, len(b))
		}
		b = raw
	}
	return New(b)
}

// Create writes a new random key to path, readable by its owner only (0600), and refuses
// to overwrite a file already there.
func Create(path string) (*Key, error) {
	k, raw, err := Generate()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("make the secret key file's directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create the secret key file: %w", err)
	}
	if _, err := f.Write(raw); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("write the secret key file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("write the secret key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return k, nil
}

// Exists reports whether a key file is at path.
func Exists(path string) (bool, error) {
	_, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// DefaultPath is the key file beside the database: traininghub.key in its directory.
func DefaultPath(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "traininghub.key")
}
