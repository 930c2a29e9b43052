package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"strings"

	"github.com/traininghub/traininghub/internal/store"
)

// RecoveryCodeCount is how many recovery codes a person gets at a time.
const RecoveryCodeCount = 10

// recoveryAlphabet leaves out letters and digits that are easy to misread (0/o, 1/l/i).
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// newRecoveryCodes makes fresh codes such as "k7mqp-2xv9a" (about 49 bits each) and their
// argon2id hashes. Hashing happens before any transaction: it is slow on purpose.
func (s *Service) newRecoveryCodes(ctx context.Context) (codes, hashes []string, err error) {
	for range RecoveryCodeCount {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			return nil, nil, err
		}
		var sb strings.Builder
		for i, c := range b {
			if i == 5 {
				sb.WriteByte('-')
			}
			// 256 is not a multiple of 31: the bias is under 1%, and harmless here.
			sb.WriteByte(recoveryAlphabet[int(c)%len(recoveryAlphabet)])
		}
		code := sb.String()
		h, err := s.Hasher.Hash(ctx, normaliseRecoveryCode(code))
		if err != nil {
			return nil, nil, err
		}
		codes = append(codes, code)
		hashes = append(hashes, h)
	}
	return codes, hashes, nil
}

// normaliseRecoveryCode forgives case, spaces and dashes.
func normaliseRecoveryCode(code string) string {
	code = strings.ToLower(code)
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, code)
}

// LooksLikeRecoveryCode tells a recovery code from a 6-digit app code.
func LooksLikeRecoveryCode(code string) bool {
	return len(normaliseRecoveryCode(code)) == 10
}

func replaceRecoveryCodesTx(ctx context.Context, tx *sql.Tx, userID int64, hashes []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, h); err != nil {
			return err
		}
	}
	return nil
}

// NewRecoveryCodes replaces userID's recovery codes with ten new ones, to show once.
func (s *Service) NewRecoveryCodes(ctx context.Context, userID int64) ([]string, error) {
	codes, hashes, err := s.newRecoveryCodes(ctx)
	if err != nil {
		return nil, err
	}
	err = s.DB.Write(ctx, func(tx *sql.Tx) error { return replaceRecoveryCodesTx(ctx, tx, userID, hashes) })
	return codes, err
}

// UseRecoveryCode reports whether code is one of userID's unused recovery codes, and
// uses it up; a code works once only, even when two requests race.
func (s *Service) UseRecoveryCode(ctx context.Context, userID int64, code string) (bool, error) {
	code = normaliseRecoveryCode(code)
	if len(code) != 10 {
		return false, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT r.id, r.code_hash FROM user_recovery_codes r
		JOIN user_totp t ON t.user_id = r.user_id AND t.enabled_at IS NOT NULL
		WHERE r.user_id = ? AND r.used_at IS NULL`, userID)
	if err != nil {
		return false, store.Classify(err)
	}
	type row struct {
		id   int64
		hash string
	}
	var list []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.hash); err != nil {
			rows.Close()
			return false, err
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	for _, r := range list {
		ok, err := s.Hasher.Verify(ctx, code, r.hash)
		if err != nil {
			return false, err
		}
		if !ok {
			continue
		}
		var used bool
		err = s.DB.Write(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE user_recovery_codes SET used_at = ? WHERE id = ? AND used_at IS NULL`,
				store.FormatTime(s.Now()), r.id)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			used = n == 1
			return nil
		})
		return used, err
	}
	return false, nil
}

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
