package account

import (
	"context"
	"database/sql"

	"github.com/traininghub/traininghub/internal/store"
)

const registrationKey = "registration_open"

// RegistrationOpen reports whether people may create their own accounts (default yes).
func (s *Service) RegistrationOpen(ctx context.Context) (bool, error) {
	var v string
	err := s.DB.R.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, registrationKey).Scan(&v)
	if err == sql.ErrNoRows {
		return true, nil
	}
	if err != nil {
		return false, store.Classify(err)
	}
	return v == "yes", nil
}

// SetRegistrationOpen switches self-registration on or off.
func (s *Service) SetRegistrationOpen(ctx context.Context, open bool) error {
	v := "no"
	if open {
		v = "yes"
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, registrationKey, v)
		return err
	})
}

const adminTwoFactorKey = "admin_two_factor_required"

// AdminTwoFactorRequired reports whether admins must use two-factor sign-in (default no).
func (s *Service) AdminTwoFactorRequired(ctx context.Context) (bool, error) {
	var v string
	err := s.DB.R.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, adminTwoFactorKey).Scan(&v)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, store.Classify(err)
	}
	return v == "yes", nil
}

// SetAdminTwoFactorRequired switches the admins' two-factor requirement on or off.
func (s *Service) SetAdminTwoFactorRequired(ctx context.Context, required bool) error {
	v := "no"
	if required {
		v = "yes"
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, adminTwoFactorKey, v)
		return err
	})
}
