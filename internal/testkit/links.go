package testkit

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/store"
)

// ConfirmLink mints the secret of the newest email-confirmation link queued for address,
// as the outbox worker does when it sends the email, and returns it: what the person
// would read in their inbox. The queued row itself holds no secret.
func ConfirmLink(t testing.TB, db *store.DB, now clock.Clock, address string) string {
	t.Helper()
	id := ConfirmLinkID(t, db, address)
	token, err := account.EmailLinks{DB: db, Now: now}.MintLink(context.Background(), account.KindEmailConfirmation, id)
	if err != nil {
		t.Fatalf("mint confirmation link %d: %v", id, err)
	}
	return token
}

// ConfirmLinkID is the id of the link the newest confirmation email to address names.
func ConfirmLinkID(t testing.TB, db *store.DB, address string) int64 {
	t.Helper()
	var raw []byte
	if err := db.R.QueryRow(`SELECT payload FROM outbox WHERE kind = ? AND recipient_email = ? ORDER BY id DESC LIMIT 1`,
		account.KindEmailConfirmation, address).Scan(&raw); err != nil {
		t.Fatalf("no confirmation email to %s: %v", address, err)
	}
	var p outbox.Payload
	if err := json.Unmarshal(raw, &p); err != nil || p.LinkID == 0 {
		t.Fatalf("confirmation email to %s names no link: %s", address, raw)
	}
	return p.LinkID
}
