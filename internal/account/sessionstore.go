package account

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// SessionStore keeps sign-in sessions server-side (scs.CtxStore), so signing out or
// disabling an account really ends them. Only a SHA-256 hash of each session token
// reaches the web_sessions table: someone who reads the database, or a backup of it, holds
// no cookie that signs them in. (The token has 256 random bits, so a plain hash is as good
// as a slow one here.) Writes go through the store's writer like every other write, as
// unseen ones: no cached page shows a session.
// Expiry is judged in Go, by Now: scs sets each expiry from the system clock, so the
// server leaves Now nil (the system clock) and only the store's own tests move it.
type SessionStore struct {
	DB  *store.DB
	Now clock.Clock
}

// sessionKey is what the table stores for a cookie's token.
func sessionKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// sessionTime is how web_sessions.expiry is compared: a julianday of this text.
func sessionTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.999") }

func (s SessionStore) now() time.Time {
	if s.Now == nil {
		return clock.System()
	}
	return s.Now()
}

// FindCtx returns the session data for a token that has not expired.
func (s SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := s.DB.R.QueryRowContext(ctx, `SELECT data FROM web_sessions WHERE token = ? AND julianday(?) < expiry`,
		sessionKey(token), sessionTime(s.now())).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, store.Classify(err)
	}
	return data, true, nil
}

// CommitCtx saves session data until expiry.
func (s SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	return s.DB.WriteUnseen(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO web_sessions (token, data, expiry) VALUES (?, ?, julianday(?))
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
			sessionKey(token), b, sessionTime(expiry))
		return err
	})
}

// DeleteCtx removes a session.
func (s SessionStore) DeleteCtx(ctx context.Context, token string) error {
	return s.DB.WriteUnseen(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE token = ?`, sessionKey(token))
		return err
	})
}

// Find, Commit and Delete are the context-free forms scs.Store also asks for.
func (s SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit saves session data until expiry.
func (s SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete removes a session.
func (s SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// DeleteExpired clears old sessions; the server calls it now and then.
func (s SessionStore) DeleteExpired(ctx context.Context) error {
	return s.DB.WriteUnseen(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE expiry < julianday(?)`, sessionTime(s.now()))
		return err
	})
}
