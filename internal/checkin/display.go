package checkin

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// Display is what the trainer's check-in screen shows now.
type Display struct {
	Code string
	// Until is when this code stops showing and the next one starts; the code stays
	// accepted for one more step after that.
	Until time.Time
}

// Current is the code to show for a session now, making the session's secret the first
// time anyone asks. The caller checks the asker may run the session's register.
func (s *Service) Current(ctx context.Context, sessionID int64) (Display, error) {
	secret, err := s.secret(ctx, sessionID)
	if err != nil {
		return Display{}, err
	}
	step := stepOf(s.Now())
	return Display{Code: code(sessionKey(s.Key, sessionID, secret), step), Until: stepEnd(step)}, nil
}

// secret reads a session's secret, creating it when there is none yet. Two trainers
// opening the page at once both end up with the one that was stored first.
func (s *Service) secret(ctx context.Context, sessionID int64) (string, error) {
	var secret string
	err := s.DB.R.QueryRowContext(ctx, `SELECT secret FROM checkin_secrets WHERE session_id = ?`, sessionID).Scan(&secret)
	if err == nil {
		return secret, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", store.Classify(err)
	}
	fresh, err := newSecret()
	if err != nil {
		return "", err
	}
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		if err := store.LockRow(ctx, tx, "course_sessions", sessionID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM course_sessions WHERE id = ?`, sessionID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrSessionNotFound
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO checkin_secrets (session_id, secret, created_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, sessionID, fresh, store.FormatTime(s.Now())); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT secret FROM checkin_secrets WHERE session_id = ?`, sessionID).Scan(&secret)
	})
	return secret, err
}
