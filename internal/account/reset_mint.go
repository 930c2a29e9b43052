package account

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/store"
)

// The tables of emailed links minted when sent. Each has token_hash, link_id, user_id,
// created_at, expires_at and used_at.
const (
	passwordLinks     = "password_resets"
	confirmationLinks = "email_confirmations"
)

// insertLinkTx records a link in table for userID and returns its id, which the outbox
// row carries instead of a secret. Until EmailLinks.MintLink runs, the row holds the hash
// of a secret nobody was ever told, so the link cannot be used.
func insertLinkTx(ctx context.Context, tx *sql.Tx, table string, userID int64, now, expires time.Time) (int64, error) {
	_, unknowable, err := newResetToken()
	if err != nil {
		return 0, err
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, err
	}
	id := int64(binary.BigEndian.Uint64(b[:])>>2) + 1 // positive, and not guessable
	_, err = tx.ExecContext(ctx, `INSERT INTO `+table+` (token_hash, link_id, user_id, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, unknowable, id, userID, store.FormatTime(now), store.FormatTime(expires))
	return id, err
}

// insertResetLink records a password link for userID (see insertLinkTx).
func insertResetLink(ctx context.Context, tx *sql.Tx, userID int64, now, expires time.Time) (int64, error) {
	return insertLinkTx(ctx, tx, passwordLinks, userID, now, expires)
}

// ErrLinkGone means a link's email need not be sent: the link was used, expired, or its
// account removed before the email's turn came.
var ErrLinkGone = fmt.Errorf("the link was already used or has expired")

// EmailLinks mints password and email-confirmation links for the outbox worker
// (outbox.LinkMinter).
type EmailLinks struct {
	DB  *store.DB
	Now clock.Clock
}

var _ outbox.LinkMinter = EmailLinks{}

// mintQueries are, by kind of email, the update that gives a still-usable link a new
// secret's hash. An address confirmed meanwhile has spent its links already.
var mintQueries = map[outbox.Kind]string{
	outbox.PasswordReset: `UPDATE ` + passwordLinks + ` SET token_hash = ?
		WHERE link_id = ? AND used_at IS NULL AND expires_at > ?`,
	KindEmailConfirmation: `UPDATE ` + confirmationLinks + ` SET token_hash = ?
		WHERE link_id = ? AND used_at IS NULL AND expires_at > ?
		AND user_id IN (SELECT id FROM users WHERE active = 1)`,
}

// MintLink gives link linkID a fresh secret, stores its hash, and returns the secret for
// the email being sent. Each attempt to send mints anew, so a secret is never stored.
func (l EmailLinks) MintLink(ctx context.Context, kind outbox.Kind, linkID int64) (string, error) {
	q, ok := mintQueries[kind]
	if !ok {
		return "", fmt.Errorf("account: no links of kind %s", kind)
	}
	token, hash, err := newResetToken()
	if err != nil {
		return "", err
	}
	now := clock.System()
	if l.Now != nil {
		now = l.Now()
	}
	err = l.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, hash, linkID, store.FormatTime(now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return ErrLinkGone
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}
