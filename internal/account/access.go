package account

import (
	"context"
	"database/sql"

	"github.com/alexedwards/scs/v2"

	"github.com/traininghub/traininghub/internal/store"
)

// Ended counts what EndAccessTx took away, for the admin's confirmation message.
type Ended struct {
	Sessions     int
	APITokens    int
	Calendar     bool
	PasswordLink int
}

// EndAccessTx ends, inside the caller's transaction, every way into the account that does
// not need the password typed again: sign-in sessions, API tokens, the calendar feed
// address and unused password links. Disabled accounts are refused everywhere anyway;
// removing these too means re-enabling an account never brings an old session, token,
// feed address or emailed link back to life.
func EndAccessTx(ctx context.Context, tx *sql.Tx, userID int64, now string) (Ended, error) {
	var e Ended
	var err error
	if e.Sessions, err = endSessionsTx(ctx, tx, userID); err != nil {
		return e, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = ?`, userID)
	if err != nil {
		return e, err
	}
	n, _ := res.RowsAffected()
	e.APITokens = int(n)
	res, err = tx.ExecContext(ctx, `UPDATE users SET calendar_token = NULL WHERE id = ? AND calendar_token IS NOT NULL`, userID)
	if err != nil {
		return e, err
	}
	n, _ = res.RowsAffected()
	e.Calendar = n > 0
	res, err = tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, now, userID)
	if err != nil {
		return e, err
	}
	n, _ = res.RowsAffected()
	e.PasswordLink = int(n)
	return e, nil
}

// endSessionsTx deletes the person's sign-in sessions. The session rows hold the user id
// only inside scs's encoded data, so each live row is decoded; a partnership has at most
// a few thousand at once, and this runs only when an admin disables or merges someone.
func endSessionsTx(ctx context.Context, tx *sql.Tx, userID int64) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT token, data FROM web_sessions`)
	if err != nil {
		return 0, err
	}
	var tokens []string
	for rows.Next() {
		var token string
		var data []byte
		if err := rows.Scan(&token, &data); err != nil {
			rows.Close()
			return 0, err
		}
		_, values, err := scs.GobCodec{}.Decode(data)
		if err != nil {
			continue // not ours to judge: an unreadable session cannot sign anyone in
		}
		if id, ok := values[sessionUserKey].(int64); ok && id == userID {
			tokens = append(tokens, token)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, t := range tokens {
		if _, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE token = ?`, t); err != nil {
			return 0, err
		}
	}
	return len(tokens), nil
}

// sessionUserKey is the key under which the web package keeps the signed-in user's id
// in the session (web.sessionUserID); a test in the web package holds the two together.
const sessionUserKey = "user_id"

// disableTx turns an account off and ends its access (EndAccessTx).
func (s *Service) disableTx(ctx context.Context, tx *sql.Tx, userID int64) (Ended, error) {
	res, err := tx.ExecContext(ctx, `UPDATE users SET active = 0 WHERE id = ?`, userID)
	if err != nil {
		return Ended{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Ended{}, store.ErrNotFound
	}
	return EndAccessTx(ctx, tx, userID, store.FormatTime(s.Now()))
}

// DisableTx is disableTx for callers that hold their own transaction (merging accounts).
func (s *Service) DisableTx(ctx context.Context, tx *sql.Tx, userID int64) (Ended, error) {
	return s.disableTx(ctx, tx, userID)
}
