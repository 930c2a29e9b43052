package account

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// ResetLinkLifetime is how long an emailed password reset link works: long enough to
// open the email, short enough that an old email in a shared mailbox is no key.
const ResetLinkLifetime = time.Hour

// maxLiveResets caps the links an account can have working at once, so repeated requests
// (from a restarted server, or several servers) cannot fill someone's inbox. Requests
// beyond it are dropped silently, as for an unknown address.
const maxLiveResets = 3

// resetTokenLen is the length of a token: 32 random bytes (256 bits) in unpadded
// base64url.
const resetTokenLen = 43

// ErrResetLinkInvalid covers every link that cannot be used (never issued, used, expired,
// or the account disabled), so the page never says which.
var ErrResetLinkInvalid = problem.New(http.StatusGone, "reset_link_invalid",
	"This link has expired or has already been used.")

// newResetToken returns a fresh secret for a reset link and the hash that is stored.
func newResetToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

// wellFormedResetToken rejects anything newResetToken could not have made, before it
// reaches the database.
func wellFormedResetToken(token string) bool {
	if len(token) != resetTokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil
}

// RequestPasswordReset emails a single-use link to the active account with this address,
// if there is one. The link's row and its email are written in the same transaction, so
// a link exists exactly when its email is queued; its secret is made only when the email
// is sent (EmailLinks.MintLink) and stored only as a SHA-256 hash. Unknown and disabled addresses do the same work (a fresh
// secret and a write transaction that changes nothing) and return nil too, so neither
// the answer nor its timing says whether an account exists.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	// The same work whether or not the address is known (see above).
	if _, _, err := newResetToken(); err != nil {
		return err
	}
	email = NormaliseEmail(email)
	now := s.Now().UTC().Truncate(time.Second)
	expires := now.Add(ResetLinkLifetime)
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		var userID int64
		var name, address string
		err := tx.QueryRowContext(ctx, `SELECT id, name, email FROM users WHERE email = ? AND active = 1`, email).
			Scan(&userID, &name, &address)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		var live int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM password_resets
			WHERE user_id = ? AND used_at IS NULL AND expires_at > ?`, userID, store.FormatTime(now)).Scan(&live); err != nil {
			return err
		}
		if live >= maxLiveResets {
			return nil
		}
		linkID, err := insertResetLink(ctx, tx, userID, now, expires)
		if err != nil {
			return err
		}
		_, err = outbox.EnqueueTx(ctx, tx, outbox.Row{
			Kind: outbox.PasswordReset, UserID: userID, ToEmail: address, ToName: name,
			Payload:   outbox.Payload{Reset: &outbox.ResetSnapshot{Name: name, LinkID: linkID, ExpiresAt: expires}},
			ExpiresAt: expires, // a link that no longer works is not worth sending
		}, now)
		return err
	})
}

// CheckResetLink returns the account a reset link is for, or ErrResetLinkInvalid when it
// cannot be used. It changes nothing, so mail scanners that open links do no harm.
func (s *Service) CheckResetLink(ctx context.Context, token string) (*User, error) {
	if !wellFormedResetToken(token) {
		return nil, ErrResetLinkInvalid
	}
	var userID int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT r.user_id FROM password_resets r JOIN users u ON u.id = r.user_id
		WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ? AND u.active = 1`,
		hashToken(token), store.FormatTime(s.Now())).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrResetLinkInvalid
	}
	if err != nil {
		return nil, store.Classify(err)
	}
	return s.User(ctx, userID)
}

// ResetPassword sets a new password through a reset link. The link is spent in the same
// transaction that changes the password, and every other link the account has stops
// working too, so each link works once and an older email cannot undo the change. A
// password that breaks the rules leaves the link usable.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (*User, error) {
	u, err := s.CheckResetLink(ctx, token)
	if err != nil {
		return nil, err
	}
	if msg := CheckPassword(password, u.Email); msg != "" {
		return nil, problem.Validation{"password": msg}.Err()
	}
	// Hash before taking the writer: argon2id is slow on purpose.
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	now := store.FormatTime(s.Now())
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		// Spend the link only if it is still good now: two tabs submitting at once, or the
		// hour running out while the password was hashed, leave one winner at most.
		res, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ?
			WHERE token_hash = ? AND user_id = ? AND used_at IS NULL AND expires_at > ?`,
			now, hashToken(token), u.ID, now)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return ErrResetLinkInvalid
		}
		res, err = tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ? AND active = 1`,
			hash, store.FormatTime(s.Now()), u.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return ErrResetLinkInvalid // disabled since the link was checked
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, now, u.ID); err != nil {
			return err
		}
		// The link came through the mailbox, so it confirms the address as the
		// confirmation link would (signup.go).
		return confirmAddressTx(ctx, tx, u.ID, s.Now())
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
