package account

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// SessionStore keeps sign-in sessions server-side (scs.Store), so signing out or
// disabling an account really ends them. Only a SHA-256 hash of each session token
// reaches the web_sessions table: someone who reads the database, or a backup of it, holds
// no cookie that signs them in. (The token has 256 random bits, so a plain hash is as good
// as a slow one here.)
type SessionStore struct{ DB *store.DB }

// sessionKey is what the table stores for a cookie's token.
func sessionKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Find returns the session data for a token that has not expired.
func (s SessionStore) Find(token string) ([]byte, bool, error) {
	var data []byte
	err := s.DB.R.QueryRow(`SELECT data FROM web_sessions WHERE token = ? AND julianday('now') < expiry`, sessionKey(token)).Scan(&data)
	if err == sql.ErrNoRows {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, store.Classify(err)
	}
	return data, true, nil
}

// Commit saves session data until expiry.
func (s SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.DB.W.QueryRow(`INSERT INTO web_sessions (token, data, expiry) VALUES (?, ?, julianday(?))
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry RETURNING 1`,
		sessionKey(token), b, expiry.UTC().Format("2006-01-02 15:04:05.999")).Scan(new(int))
}

// Delete removes a session.
func (s SessionStore) Delete(token string) error {
	_, err := s.DB.W.Exec(`DELETE FROM web_sessions WHERE token = ?`, sessionKey(token))
	return store.Classify(err)
}

// DeleteExpired clears old sessions; the server calls it now and then.
func (s SessionStore) DeleteExpired() error {
	_, err := s.DB.W.Exec(`DELETE FROM web_sessions WHERE expiry < julianday('now')`)
	return store.Classify(err)
}
