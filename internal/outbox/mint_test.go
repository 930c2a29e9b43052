package outbox_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/mail/mailtest"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/testkit"
)

var resetLinkRE = regexp.MustCompile(`/password/reset/([A-Za-z0-9_-]{43})`)

// TestResetLinkIsMintedWhenSent: asking for a reset queues an email that holds no secret;
// the worker mints the secret as it sends, the emailed link works, and at no point does
// any column of any table hold the secret. A set-password (welcome) link works the same.
func TestResetLinkIsMintedWhenSent(t *testing.T) {
	r := newRig(t)
	smtp := mailtest.Start(t, mailtest.Options{})
	w := r.worker(t, r.env.DB, smtp.Addr())
	user := r.env.User(t, "forgetful@example.org", r.orgID)
	ctx := context.Background()
	if err := r.env.Accounts.RequestPasswordReset(ctx, user.Email); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, r.env.DB.R, `SELECT count(*) FROM outbox WHERE payload LIKE '%token%'`); n != 0 {
		t.Fatal("a queued reset email holds a token")
	}
	drain(t, w)
	msgs := smtp.WaitFor(1, 5*time.Second)
	if len(msgs) != 1 {
		t.Fatalf("%d emails, want 1", len(msgs))
	}
	_, root := mailtest.ParseMessage(t, msgs[0].Data)
	text := root.Find("text/plain")
	if text == nil {
		t.Fatalf("no plain-text part: %s", root.Shape())
	}
	m := resetLinkRE.FindStringSubmatch(string(text.Body))
	if m == nil {
		t.Fatalf("no reset link in the email:\n%s", text.Body)
	}
	token := m[1]
	if found := testkit.PlainTextSecrets(t, r.env.DB, token); len(found) > 0 {
		t.Fatalf("the reset secret is stored in plain text in %v", found)
	}
	if u, err := r.env.Accounts.CheckResetLink(ctx, token); err != nil || u.ID != user.ID {
		t.Fatalf("the emailed link does not work: %v", err)
	}

	// A link used before its email's turn is not sent at all.
	if err := r.env.Accounts.RequestPasswordReset(ctx, user.Email); err != nil {
		t.Fatal(err)
	}
	if _, err := r.env.Accounts.ResetPassword(ctx, token, "a long new passphrase"); err != nil {
		t.Fatal(err) // spends every link the account has, the queued one too
	}
	drain(t, w)
	if got := len(smtp.Messages()); got != 1 {
		t.Fatalf("%d emails after the queued link was spent, want still 1", got)
	}
	list, err := r.log.List(ctx, outbox.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if list[0].Status != outbox.Failed || !strings.Contains(list[0].LastError, "already used or has expired") {
		t.Fatalf("spent link's email: %s %q", list[0].Status, list[0].LastError)
	}
}
