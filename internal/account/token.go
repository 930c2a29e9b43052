package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// TokenPrefix marks traininghub API tokens so leaked ones are easy to spot in logs.
const TokenPrefix = "thub_"

// tokenTouchEvery limits how often a token's last-used time is written: at most once a
// minute per token, so a busy script does not turn every API read into a write.
const tokenTouchEvery = time.Minute

// Token describes an API token without its secret, which is never stored.
type Token struct {
	ID         int64
	UserID     int64
	UserEmail  string // for the command line's list
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero: never used
	ExpiresAt  time.Time // zero: never expires
}

// Expired reports whether the token has passed its expiry at now.
func (t Token) Expired(now time.Time) bool { return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt) }

// NewToken is what a person chooses for a new API token.
type NewToken struct {
	Name      string
	ExpiresAt time.Time // zero: never
}

// CreateToken makes an unnamed API token that never expires (scripts and tests).
func (s *Service) CreateToken(ctx context.Context, userID int64) (string, error) {
	tok, _, err := s.AddToken(ctx, userID, NewToken{})
	return tok, err
}

// AddToken makes a new API token for a user and returns it, to be shown once; only its
// SHA-256 is kept, which is enough because the token itself has 256 random bits.
func (s *Service) AddToken(ctx context.Context, userID int64, n NewToken) (string, Token, error) {
	n.Name = strings.TrimSpace(n.Name)
	v := problem.Validation{}
	if len([]rune(n.Name)) > 100 {
		v.Add("name", "Name must be 100 characters or fewer")
	}
	now := s.Now()
	if !n.ExpiresAt.IsZero() && !n.ExpiresAt.After(now) {
		v.Add("expires", "Expiry must be in the future")
	}
	if err := v.Err(); err != nil {
		return "", Token{}, err
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", Token{}, err
	}
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	t := Token{UserID: userID, Name: n.Name, CreatedAt: now.UTC().Truncate(time.Second), ExpiresAt: n.ExpiresAt.UTC().Truncate(time.Second)}
	var expires any
	if !n.ExpiresAt.IsZero() {
		expires = store.FormatTime(n.ExpiresAt)
	}
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, token_hash, created_at, name, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			userID, hashToken(token), store.FormatTime(now), n.Name, expires).Scan(&t.ID)
	})
	if err != nil {
		return "", Token{}, store.Classify(err)
	}
	return token, t, nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// UserByToken returns the active user that owns token, or store.ErrNotFound; an expired
// token is not found. It notes when the token was used, at most once a minute.
func (s *Service) UserByToken(ctx context.Context, token string) (*User, error) {
	var id, userID int64
	var lastUsed, expires sql.NullString
	err := s.DB.R.QueryRowContext(ctx, `SELECT t.id, t.user_id, t.last_used_at, t.expires_at FROM api_tokens t
		JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND u.active = 1`, hashToken(token)).Scan(&id, &userID, &lastUsed, &expires)
	if err != nil {
		return nil, store.Classify(err)
	}
	now := s.Now()
	if expires.Valid {
		if exp, err := store.ParseTime(expires.String); err != nil || !now.Before(exp) {
			return nil, store.ErrNotFound
		}
	}
	if last, err := store.ParseTime(lastUsed.String); !lastUsed.Valid || err != nil || now.Sub(last) >= tokenTouchEvery {
		err := s.DB.WriteUnseen(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, store.FormatTime(now), id)
			return err
		})
		if err != nil {
			return nil, store.Classify(err)
		}
	}
	return s.User(ctx, userID)
}

const tokenColumns = `t.id, t.user_id, u.email, t.name, t.created_at, t.last_used_at, t.expires_at`

func scanTokens(rows *sql.Rows) ([]Token, error) {
	defer rows.Close()
	var list []Token
	for rows.Next() {
		var t Token
		var created string
		var last, exp sql.NullString
		if err := rows.Scan(&t.ID, &t.UserID, &t.UserEmail, &t.Name, &created, &last, &exp); err != nil {
			return nil, err
		}
		t.CreatedAt, _ = store.ParseTime(created)
		if last.Valid {
			t.LastUsedAt, _ = store.ParseTime(last.String)
		}
		if exp.Valid {
			t.ExpiresAt, _ = store.ParseTime(exp.String)
		}
		list = append(list, t)
	}
	return list, rows.Err()
}

// Tokens lists userID's API tokens, newest first.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.user_id = ? ORDER BY t.id DESC`, userID)
	if err != nil {
		return nil, store.Classify(err)
	}
	return scanTokens(rows)
}

// AllTokens lists every API token, by account then newest first (the command line's list).
func (s *Service) AllTokens(ctx context.Context) ([]Token, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		ORDER BY u.email, t.id DESC`)
	if err != nil {
		return nil, store.Classify(err)
	}
	return scanTokens(rows)
}

// RevokeToken deletes token tokenID of userID; someone else's token is not found, so a
// person cannot learn which token numbers exist.
func (s *Service) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	return s.revokeToken(ctx, `DELETE FROM api_tokens WHERE id = ? AND user_id = ?`, tokenID, userID)
}

// RevokeAnyToken deletes any account's token: for admins and the command line.
func (s *Service) RevokeAnyToken(ctx context.Context, tokenID int64) error {
	return s.revokeToken(ctx, `DELETE FROM api_tokens WHERE id = ?`, tokenID)
}

func (s *Service) revokeToken(ctx context.Context, q string, args ...any) error {
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
}
