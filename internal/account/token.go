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

// TokenPrefix marks traininghub API tokens so leaked ones are easy to spot in logs.
const TokenPrefix = "thub_"

// CreateToken makes a new API token for a user and returns it; only its SHA-256 is kept,
// which is enough because the token itself has 256 random bits.
func (s *Service) CreateToken(ctx context.Context, userID int64) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)`,
			userID, hashToken(token), store.FormatTime(s.Now()))
		return err
	})
	return token, err
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// UserByToken returns the active user that owns token, or store.ErrNotFound.
func (s *Service) UserByToken(ctx context.Context, token string) (*User, error) {
	var id int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND u.active = 1`, hashToken(token)).Scan(&id)
	if err != nil {
		return nil, store.Classify(err)
	}
	return s.User(ctx, id)
}
