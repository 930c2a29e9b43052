package account

import (
	"context"
	"database/sql"
	"time"

	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// WelcomeLinkLifetime is how long the set-password link for an account an admin has just
// added works: new starters may not read their email the same hour. A stale one is no
// loss: "Forgotten your password?" sends a fresh one-hour link.
const WelcomeLinkLifetime = 72 * time.Hour

// Refusals of a password link an admin asks for.
var (
	ErrLinkDisabled = problem.Conflict("account_disabled",
		"This account is disabled, so no password link can be sent. Enable it first.")
	ErrTooManyLinks = problem.Conflict("too_many_links",
		"This person already has 3 password links that still work. Ask them to check their email, including junk mail, or try again in an hour.")
)

// SendPasswordLinkTx queues, inside the caller's transaction, an email with a single-use
// password link for an active account: a welcome ("set your password", WelcomeLinkLifetime)
// for a new account, otherwise an ordinary reset link (ResetLinkLifetime). It uses the
// same table and message kind as RequestPasswordReset, so the link, its expiry and the
// email log behave the same; unlike it, it says why it refuses, because an admin asked.
func SendPasswordLinkTx(ctx context.Context, tx *sql.Tx, userID int64, welcome bool, now time.Time) error {
	now = now.UTC().Truncate(time.Second)
	var name, address string
	var active bool
	err := tx.QueryRowContext(ctx, `SELECT name, email, active FROM users WHERE id = ?`, userID).Scan(&name, &address, &active)
	if err != nil {
		return store.Classify(err)
	}
	if !active {
		return ErrLinkDisabled
	}
	var live int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM password_resets
		WHERE user_id = ? AND used_at IS NULL AND expires_at > ?`, userID, store.FormatTime(now)).Scan(&live); err != nil {
		return err
	}
	if live >= maxLiveResets {
		return ErrTooManyLinks
	}
	expires := now.Add(ResetLinkLifetime)
	if welcome {
		expires = now.Add(WelcomeLinkLifetime)
	}
	linkID, err := insertResetLink(ctx, tx, userID, now, expires)
	if err != nil {
		return err
	}
	_, err = outbox.EnqueueTx(ctx, tx, outbox.Row{
		Kind: outbox.PasswordReset, UserID: userID, ToEmail: address, ToName: name,
		Payload:   outbox.Payload{Reset: &outbox.ResetSnapshot{Name: name, LinkID: linkID, ExpiresAt: expires, Welcome: welcome}},
		ExpiresAt: expires,
	}, now)
	return err
}

// SendPasswordLink is SendPasswordLinkTx in its own transaction: the admin's "send a
// password reset link" button.
func (s *Service) SendPasswordLink(ctx context.Context, userID int64) error {
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		return SendPasswordLinkTx(ctx, tx, userID, false, s.Now())
	})
}
