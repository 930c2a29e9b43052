package account

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// Wrong second-factor codes are limited per account, across all browsers and addresses:
// each pending sign-in allows a few (the web package), but a thief who has the password
// could start sign-in again and again. After CodeFailureLimit wrong codes within
// CodeFailureWindow, codes are refused until the window has passed. Only someone who
// knows the password can run this up.
const (
	CodeFailureLimit  = 10
	CodeFailureWindow = 15 * time.Minute
)

// SecondFactorWait is how long userID must wait before another code is checked; 0: go on.
func (s *Service) SecondFactorWait(ctx context.Context, userID int64) (time.Duration, error) {
	var failures int
	var since sql.NullString
	err := s.DB.R.QueryRowContext(ctx, `SELECT failures, failures_since FROM user_totp WHERE user_id = ?`, userID).Scan(&failures, &since)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, store.Classify(err)
	}
	if failures < CodeFailureLimit || !since.Valid {
		return 0, nil
	}
	start, err := store.ParseTime(since.String)
	if err != nil {
		return 0, nil
	}
	return max(0, start.Add(CodeFailureWindow).Sub(s.Now())), nil
}

// NoteSecondFactorFailure counts one wrong code for userID, starting a new window when the
// last one has passed.
func (s *Service) NoteSecondFactorFailure(ctx context.Context, userID int64) error {
	now := s.Now()
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE user_totp SET
			failures = CASE WHEN failures_since IS NULL OR failures_since <= ?2 THEN 1 ELSE failures + 1 END,
			failures_since = CASE WHEN failures_since IS NULL OR failures_since <= ?2 THEN ?1 ELSE failures_since END
			WHERE user_id = ?3`, store.FormatTime(now), store.FormatTime(now.Add(-CodeFailureWindow)), userID)
		return err
	})
}

// ClearSecondFactorFailures forgets wrong codes once a right one arrives.
func (s *Service) ClearSecondFactorFailures(ctx context.Context, userID int64) error {
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE user_totp SET failures = 0, failures_since = NULL WHERE user_id = ? AND failures > 0`, userID)
		return err
	})
}
