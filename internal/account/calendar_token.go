package account

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"

	"github.com/traininghub/traininghub/internal/store"
)

// calendarTokenLen is the length of a calendar feed token: 24 random bytes (192 bits) in
// unpadded base64url, safe in a URL path as it is.
const calendarTokenLen = 32

func newCalendarToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func wellFormedCalendarToken(token string) bool {
	if len(token) != calendarTokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil
}

// CalendarToken returns the secret in the person's calendar feed address, making one the
// first time it is asked for. It is kept in plain text because the person must be able
// to see their feed address again; ResetCalendarToken replaces a leaked one.
func (s *Service) CalendarToken(ctx context.Context, userID int64) (string, error) {
	var tok sql.NullString
	err := s.DB.R.QueryRowContext(ctx, `SELECT calendar_token FROM users WHERE id = ?`, userID).Scan(&tok)
	if err != nil {
		return "", store.Classify(err)
	}
	if tok.Valid && tok.String != "" {
		return tok.String, nil
	}
	fresh, err := newCalendarToken()
	if err != nil {
		return "", err
	}
	// Check again inside the write, so two first visits at once agree on one token.
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT calendar_token FROM users WHERE id = ?`, userID).Scan(&tok); err != nil {
			return err
		}
		if tok.Valid && tok.String != "" {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET calendar_token = ? WHERE id = ?`, fresh, userID); err != nil {
			return err
		}
		tok = sql.NullString{String: fresh, Valid: true}
		return nil
	})
	if err != nil {
		return "", err
	}
	return tok.String, nil
}

// ResetCalendarToken gives the person a new feed address; the old one stops working at
// once, for when an address has been shared or leaked.
func (s *Service) ResetCalendarToken(ctx context.Context, userID int64) (string, error) {
	fresh, err := newCalendarToken()
	if err != nil {
		return "", err
	}
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET calendar_token = ? WHERE id = ?`, fresh, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return fresh, nil
}

// UserByCalendarToken returns the active account whose feed address holds token, or
// store.ErrNotFound; a disabled account's feed stops working with it.
func (s *Service) UserByCalendarToken(ctx context.Context, token string) (*User, error) {
	if !wellFormedCalendarToken(token) {
		return nil, store.ErrNotFound
	}
	return scanUser(s.DB.R.QueryRowContext(ctx, `SELECT `+userColumns+`
		FROM users u JOIN organisations o ON o.id = u.organisation_id
		WHERE u.calendar_token = ? AND u.active = 1`, token))
}
