package account

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RememberFor is how long a browser that passed the second factor may skip it.
const RememberFor = 30 * 24 * time.Hour

// rememberKey signs remembered-browser cookies. It is derived from the secret key file,
// never stored in the database, so a copy of the database cannot forge a cookie; every
// server process with the same key file signs alike, and a restart forgets no browser.
func (s *Service) rememberKey(context.Context) ([]byte, error) {
	if s.Secrets == nil {
		return nil, ErrNoSecretKey
	}
	return s.Secrets.Derive("two-factor-remember"), nil
}

// rememberMAC signs the account, the expiry and what must not have changed since: when
// two-factor was switched on and when the password last changed. Resetting either makes
// every remembered browser ask for a code again, with nothing to delete.
func rememberMAC(key []byte, u *User, enabledAt time.Time, expires int64) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "two-factor-remember|%d|%d|%d|%d", u.ID, expires, enabledAt.Unix(), u.PasswordChangedAt.Unix())
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// RememberBrowser returns a cookie value that lets this browser skip the second factor
// for u until RememberFor from now.
func (s *Service) RememberBrowser(ctx context.Context, u *User) (string, error) {
	tf, err := s.TwoFactorStatus(ctx, u.ID)
	if err != nil || !tf.Enabled {
		return "", err
	}
	key, err := s.rememberKey(ctx)
	if err != nil {
		return "", err
	}
	exp := s.Now().Add(RememberFor).Unix()
	return fmt.Sprintf("%d.%d.%s", u.ID, exp, rememberMAC(key, u, tf.EnabledAt, exp)), nil
}

// BrowserRemembered reports whether value (a remembered-browser cookie) vouches for u
// now: signed by us, naming u, unexpired, and made since two-factor was last switched on
// and the password last changed.
func (s *Service) BrowserRemembered(ctx context.Context, u *User, tf TwoFactor, value string) bool {
	parts := strings.Split(value, ".")
	if len(parts) != 3 || parts[0] != strconv.FormatInt(u.ID, 10) {
		return false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || s.Now().Unix() >= exp {
		return false
	}
	key, err := s.rememberKey(ctx)
	if err != nil {
		return false
	}
	return hmac.Equal([]byte(parts[2]), []byte(rememberMAC(key, u, tf.EnabledAt, exp)))
}
