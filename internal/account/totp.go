package account

import (
	"context"
	"database/sql"
	"encoding/base32"
	"errors"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// totpPeriod is the life of one code; codes one step either side are accepted too, so a
// phone clock a little out does not lock anyone out.
const totpPeriod = 30

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TwoFactor is where a person's two-factor sign-in stands.
type TwoFactor struct {
	Enabled   bool
	EnabledAt time.Time // zero unless Enabled
	Pending   bool      // set-up started but no code confirmed yet
	// RecoveryLeft counts the unused recovery codes.
	RecoveryLeft int
}

// TOTPSetup is what a person needs to add the account to an authenticator app.
type TOTPSetup struct {
	Secret string // base32, to type in
	URL    string // otpauth:// URL, for the QR code
}

// errBadCode is the one answer to a wrong code, whatever was wrong with it.
func errBadCode() error {
	return problem.Validation{"code": "That code is not right. Check your authenticator app and enter the 6-digit code it shows now"}.Err()
}

// TwoFactorStatus reports whether userID has two-factor sign-in on.
func (s *Service) TwoFactorStatus(ctx context.Context, userID int64) (TwoFactor, error) {
	var tf TwoFactor
	var enabled sql.NullString
	err := s.DB.R.QueryRowContext(ctx, `SELECT enabled_at FROM user_totp WHERE user_id = ?`, userID).Scan(&enabled)
	if errors.Is(err, sql.ErrNoRows) {
		return tf, nil
	}
	if err != nil {
		return tf, store.Classify(err)
	}
	if !enabled.Valid {
		tf.Pending = true
		return tf, nil
	}
	tf.Enabled = true
	tf.EnabledAt, _ = store.ParseTime(enabled.String)
	err = s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM user_recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID).Scan(&tf.RecoveryLeft)
	return tf, store.Classify(err)
}

// StartTOTP makes a new secret for u, waiting for a first code before it is switched on.
// The secret is stored encrypted under the secret key (Service.Secrets), bound to u.
// Starting again replaces an unconfirmed secret; an account that already has two-factor
// on must switch it off first.
func (s *Service) StartTOTP(ctx context.Context, u *User, issuer string) (TOTPSetup, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: u.Email, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPSetup{}, err
	}
	sealed, err := s.sealTOTP(u.ID, key.Secret())
	if err != nil {
		return TOTPSetup{}, err
	}
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO user_totp (user_id, secret, created_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, last_step = 0
			WHERE user_totp.enabled_at IS NULL`, u.ID, sealed, store.FormatTime(s.Now()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return problem.New(409, "two_factor_on", "Two-factor sign-in is already on for this account.")
		}
		return nil
	})
	if err != nil {
		return TOTPSetup{}, err
	}
	return TOTPSetup{Secret: key.Secret(), URL: key.URL()}, nil
}

// PendingTOTP returns the unconfirmed secret of u, or store.ErrNotFound.
func (s *Service) PendingTOTP(ctx context.Context, u *User, issuer string) (TOTPSetup, error) {
	var stored string
	err := s.DB.R.QueryRowContext(ctx, `SELECT secret FROM user_totp WHERE user_id = ? AND enabled_at IS NULL`, u.ID).Scan(&stored)
	if err != nil {
		return TOTPSetup{}, store.Classify(err)
	}
	secret, err := s.openTOTP(u.ID, stored)
	if err != nil {
		return TOTPSetup{}, err
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		return TOTPSetup{}, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: u.Email, Secret: raw,
		Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPSetup{}, err
	}
	return TOTPSetup{Secret: key.Secret(), URL: key.URL()}, nil
}

// ConfirmTOTP switches two-factor on once the person proves their app works with a first
// code, and returns ten new recovery codes to show once.
func (s *Service) ConfirmTOTP(ctx context.Context, userID int64, code string) ([]string, error) {
	codes, hashes, err := s.newRecoveryCodes(ctx)
	if err != nil {
		return nil, err
	}
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		ok, err := s.checkTOTPTx(ctx, tx, userID, code, false)
		if err != nil {
			return err
		}
		if !ok {
			return errBadCode()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE user_totp SET enabled_at = ? WHERE user_id = ?`, store.FormatTime(s.Now()), userID); err != nil {
			return err
		}
		return replaceRecoveryCodesTx(ctx, tx, userID, hashes)
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// CheckTOTP reports whether code is a current code for userID's enabled two-factor
// sign-in. A code is accepted once only: the step it belongs to is remembered.
func (s *Service) CheckTOTP(ctx context.Context, userID int64, code string) (bool, error) {
	var ok bool
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		var err error
		ok, err = s.checkTOTPTx(ctx, tx, userID, code, true)
		return err
	})
	return ok, err
}

// checkTOTPTx checks code against the secret (enabled or pending, as asked), one step
// either side of now, never at or before the last step used.
func (s *Service) checkTOTPTx(ctx context.Context, tx *sql.Tx, userID int64, code string, enabled bool) (bool, error) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != 6 {
		return false, nil
	}
	var stored string
	var last int64
	q := `SELECT secret, last_step FROM user_totp WHERE user_id = ? AND enabled_at IS NULL`
	if enabled {
		q = `SELECT secret, last_step FROM user_totp WHERE user_id = ? AND enabled_at IS NOT NULL`
	}
	err := tx.QueryRowContext(ctx, q, userID).Scan(&stored, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	secret, err := s.openTOTP(userID, stored)
	if err != nil {
		return false, err
	}
	now := s.Now().Unix() / totpPeriod
	for step := now - 1; step <= now+1; step++ {
		if step <= last {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totpOpts)
		if err != nil {
			return false, err
		}
		if constantTimeEqual(want, code) {
			_, err := tx.ExecContext(ctx, `UPDATE user_totp SET last_step = ? WHERE user_id = ?`, step, userID)
			return err == nil, err
		}
	}
	return false, nil
}

// DisableTOTP switches two-factor off; it needs a current code, so a session left open on
// a shared computer cannot quietly remove it. Recovery codes go too, and remembered
// browsers stop counting (their cookies name the time two-factor was switched on).
func (s *Service) DisableTOTP(ctx context.Context, userID int64, code string) error {
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		ok, err := s.checkTOTPTx(ctx, tx, userID, code, true)
		if err != nil {
			return err
		}
		if !ok {
			return errBadCode()
		}
		return resetTwoFactorTx(ctx, tx, userID)
	})
}

// ResetTwoFactor switches two-factor off without a code: for an admin helping someone
// who has lost their phone and their recovery codes.
func (s *Service) ResetTwoFactor(ctx context.Context, userID int64) error {
	return s.DB.Write(ctx, func(tx *sql.Tx) error { return resetTwoFactorTx(ctx, tx, userID) })
}

func resetTwoFactorTx(ctx context.Context, tx *sql.Tx, userID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_totp WHERE user_id = ?`, userID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM user_recovery_codes WHERE user_id = ?`, userID)
	return err
}
