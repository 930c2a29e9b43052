package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"

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

// calendarTokenHash is what users.calendar_token holds: the feed address's secret is
// shown once, when it is made, and only its SHA-256 is kept, so neither the database nor
// a backup of it gives anyone a feed of someone's sessions.
func calendarTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// HasCalendarFeed reports whether the person has made a calendar feed address (which
// cannot be shown again: ResetCalendarToken makes a new one).
func (s *Service) HasCalendarFeed(ctx context.Context, userID int64) (bool, error) {
	var tok sql.NullString
	err := s.DB.R.QueryRowContext(ctx, `SELECT calendar_token FROM users WHERE id = ?`, userID).Scan(&tok)
	if err != nil {
		return false, store.Classify(err)
	}
	return tok.Valid && tok.String != "", nil
}

// ResetCalendarToken gives the person a new feed address (their first, or a replacement
// for one lost, shared or leaked; the old one stops working at once) and returns its
// secret, to be shown this once: only its hash is kept.
func (s *Service) ResetCalendarToken(ctx context.Context, userID int64) (string, error) {
	fresh, err := newCalendarToken()
	if err != nil {
		return "", err
	}
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET calendar_token = ? WHERE id = ?`, calendarTokenHash(fresh), userID)
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
		WHERE u.calendar_token = ? AND u.active = 1`, calendarTokenHash(token)))
}
