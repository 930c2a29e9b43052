package account

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/traininghub/traininghub/internal/secretkey"
	"github.com/traininghub/traininghub/internal/store"
)

// ErrNoSecretKey means the service was started without a secret key, so two-factor
// secrets can be neither stored nor read, and cookies cannot be signed.
var ErrNoSecretKey = errors.New("account: no secret key is configured (--secret-key-file), so two-factor secrets and sign-in cookies cannot be used")

// ErrWrongSecretKey means the key does not open what the database holds: it is not the
// key the database's secrets were encrypted with.
var ErrWrongSecretKey = errors.New("the secret key is not the one this database's two-factor secrets were encrypted with")

// keyCheckSetting holds a value sealed under the key in use, so a start with another key
// is refused at once instead of failing every two-factor sign-in later.
const (
	keyCheckSetting = "secret_key_check"
	keyCheckPlain   = "traininghub secret key check"
	keyCheckWhere   = "settings.secret_key_check"
)

// totpWhere binds a sealed two-factor secret to its account, so a sealed value copied to
// another person's row does not open.
func totpWhere(userID int64) string { return "user_totp.secret:" + strconv.FormatInt(userID, 10) }

// SecretKeyInUse reports whether the database already has secrets sealed under some key
// (its check value is stored), so a missing key file is an error rather than a fresh start.
func SecretKeyInUse(ctx context.Context, db *store.DB) (bool, error) {
	var n int
	err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM settings WHERE key = ?`, keyCheckSetting).Scan(&n)
	return n > 0, store.Classify(err)
}

// UseSecretKey checks key against the database and makes the service use it. On the first
// start with a key it stores the key's check value; on every start it encrypts any
// two-factor secret still stored in plain text (written before encryption), all in one
// transaction, and returns how many it encrypted. A key that does not open the check
// value, or a sealed secret, gives ErrWrongSecretKey and changes nothing.
func (s *Service) UseSecretKey(ctx context.Context, key *secretkey.Key) (int, error) {
	encrypted := 0
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		encrypted = 0
		var check string
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, keyCheckSetting).Scan(&check)
		firstUse := errors.Is(err, sql.ErrNoRows)
		switch {
		case firstUse:
			sealed, err := key.Seal([]byte(keyCheckPlain), keyCheckWhere)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, keyCheckSetting, sealed); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if plain, err := key.Open(check, keyCheckWhere); err != nil || string(plain) != keyCheckPlain {
				return ErrWrongSecretKey
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT user_id, secret FROM user_totp`)
		if err != nil {
			return err
		}
		plain := map[int64]string{}
		for rows.Next() {
			var id int64
			var secret string
			if err := rows.Scan(&id, &secret); err != nil {
				rows.Close()
				return err
			}
			if !secretkey.Sealed(secret) {
				plain[id] = secret
			} else if _, err := key.Open(secret, totpWhere(id)); err != nil && firstUse {
				// Sealed, yet no check value: sealed under a key this one is not.
				rows.Close()
				return ErrWrongSecretKey
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for id, secret := range plain {
			sealed, err := key.Seal([]byte(secret), totpWhere(id))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE user_totp SET secret = ? WHERE user_id = ?`, sealed, id); err != nil {
				return err
			}
			encrypted++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	s.Secrets = key
	return encrypted, nil
}

// ReplaceSecretKey is for a key lost for good: the two-factor secrets sealed under it can
// never be read again, so two-factor sign-in is switched off for every account that had
// it (as an admin's reset does, recovery codes too), and key becomes the database's key.
// It returns the addresses of those accounts, whose owners must set two-factor up again.
func (s *Service) ReplaceSecretKey(ctx context.Context, key *secretkey.Key) ([]string, error) {
	sealed, err := key.Seal([]byte(keyCheckPlain), keyCheckWhere)
	if err != nil {
		return nil, err
	}
	var emails []string
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		emails = nil
		rows, err := tx.QueryContext(ctx, `SELECT u.email FROM user_totp t JOIN users u ON u.id = t.user_id
			WHERE t.enabled_at IS NOT NULL ORDER BY u.email`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var e string
			if err := rows.Scan(&e); err != nil {
				rows.Close()
				return err
			}
			emails = append(emails, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_recovery_codes WHERE user_id IN (SELECT user_id FROM user_totp)`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_totp`); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, keyCheckSetting, sealed)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.Secrets = key
	return emails, nil
}

// sealTOTP encrypts userID's two-factor secret for storing.
func (s *Service) sealTOTP(userID int64, secret string) (string, error) {
	if s.Secrets == nil {
		return "", ErrNoSecretKey
	}
	return s.Secrets.Seal([]byte(secret), totpWhere(userID))
}

// openTOTP decrypts userID's stored two-factor secret.
func (s *Service) openTOTP(userID int64, stored string) (string, error) {
	if s.Secrets == nil {
		return "", ErrNoSecretKey
	}
	plain, err := s.Secrets.Open(stored, totpWhere(userID))
	if err != nil {
		return "", errors.Join(ErrWrongSecretKey, err)
	}
	return string(plain), nil
}
