package account

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// RememberFor is how long a browser that passed the second factor may skip it.
const RememberFor = 30 * 24 * time.Hour

// rememberKeySetting names the secret that signs remembered-browser cookies. It is made
// at random the first time it is needed and kept in the database, so every server
// process signs alike and a restart does not forget the browsers.
const rememberKeySetting = "two_factor_remember_key"

func (s *Service) rememberKey(ctx context.Context) ([]byte, error) {
	var v string
	err := s.DB.R.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, rememberKeySetting).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		err = s.DB.Write(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`,
				rememberKeySetting, hex.EncodeToString(b)); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, rememberKeySetting).Scan(&v)
		})
	}
	if err != nil {
		return nil, store.Classify(err)
	}
	return hex.DecodeString(v)
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
