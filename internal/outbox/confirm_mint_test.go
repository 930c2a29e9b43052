package outbox_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/mail/mailtest"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/testkit"
)

var confirmLinkRE = regexp.MustCompile(`https://` + regexp.QuoteMeta(host) + `/register/confirm/([A-Za-z0-9_-]{43})`)

// TestConfirmationLinkIsMintedWhenSent: registering queues a confirmation email that
// holds no secret; the worker mints it as it sends through a real SMTP server; the
// emailed link works and is stored nowhere, not even in the admins' email log; a second
// link asked for works too, and once the address is confirmed every link is refused and
// a link still queued is not sent.
func TestConfirmationLinkIsMintedWhenSent(t *testing.T) {
	r := newRig(t)
	smtp := mailtest.Start(t, mailtest.Options{})
	w := r.worker(t, r.env.DB, smtp.Addr())
	ctx := context.Background()
	const address = "newcomer@elsewhere.example"
	if err := r.env.Accounts.Register(ctx, account.Registration{Name: "Nia Newcomer", Email: address,
		JobTitle: "Youth worker", Password: "plum tree lane", OrganisationID: r.orgID}); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, r.env.DB.R, `SELECT count(*) FROM outbox WHERE CAST(payload AS TEXT) LIKE '%token%'`); n != 0 {
		t.Fatal("a queued confirmation email holds a token")
	}
	first := sendAndReadLink(t, r, w, smtp, 1)
	if found := testkit.PlainTextSecrets(t, r.env.DB, first); len(found) > 0 {
		t.Fatalf("the confirmation secret is stored in plain text in %v", found)
	}
	var logged string
	if err := r.env.DB.R.QueryRow(`SELECT body_text FROM outbox WHERE kind = ?`, account.KindEmailConfirmation).Scan(&logged); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logged, "/register/confirm/[hidden]") {
		t.Errorf("the email log does not hide the link:\n%s", logged)
	}
	if err := r.env.Accounts.CheckConfirmLink(ctx, first); err != nil {
		t.Fatalf("the emailed link does not work: %v", err)
	}

	// Asking again sends a second working link, minted as it is sent too.
	u := userByEmail(t, r, address)
	if err := r.env.Accounts.ResendConfirmation(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	second := sendAndReadLink(t, r, w, smtp, 2)
	if second == first {
		t.Fatal("the second email carries the first link's secret")
	}
	if found := testkit.PlainTextSecrets(t, r.env.DB, first, second); len(found) > 0 {
		t.Fatalf("a confirmation secret is stored in plain text in %v", found)
	}
	if _, err := r.env.Accounts.ConfirmEmail(ctx, second); err != nil {
		t.Fatalf("the second link does not confirm: %v", err)
	}
	for _, old := range []string{first, second} {
		if err := r.env.Accounts.CheckConfirmLink(ctx, old); !errors.Is(err, account.ErrConfirmLinkInvalid) {
			t.Errorf("a link works after the address was confirmed: %v", err)
		}
	}

	// A link queued but spent before its turn (the address got confirmed) is not sent.
	if err := r.env.Accounts.Register(ctx, account.Registration{Name: "Sam Second", Email: "second@elsewhere.example",
		JobTitle: "Nurse", Password: "plum tree lane", OrganisationID: r.orgID}); err != nil {
		t.Fatal(err)
	}
	sam := userByEmail(t, r, "second@elsewhere.example")
	if err := r.env.Accounts.ResendConfirmation(ctx, sam.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := r.env.Accounts.ConfirmEmail(ctx, testkit.ConfirmLink(t, r.env.DB, r.env.Clock.Now, sam.Email)); err != nil {
		t.Fatal(err)
	}
	drain(t, w)
	if got := len(smtp.Messages()); got != 2 {
		t.Fatalf("%d emails after Sam's links were spent, want still 2", got)
	}
	list, err := r.log.List(ctx, outbox.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list[:2] {
		if m.Status != outbox.Failed || !strings.Contains(m.LastError, "already used or has expired") {
			t.Errorf("spent link's email: %s %q", m.Status, m.LastError)
		}
	}
}

// sendAndReadLink runs the worker and reads the confirmation link from the want-th email.
func sendAndReadLink(t *testing.T, r *rig, w *outbox.Worker, smtp *mailtest.Server, want int) string {
	t.Helper()
	drain(t, w)
	msgs := smtp.WaitFor(want, 5*time.Second)
	if len(msgs) != want {
		t.Fatalf("%d emails, want %d", len(msgs), want)
	}
	_, root := mailtest.ParseMessage(t, msgs[want-1].Data)
	text := root.Find("text/plain")
	if text == nil {
		t.Fatalf("no plain-text part: %s", root.Shape())
	}
	m := confirmLinkRE.FindStringSubmatch(string(text.Body))
	if m == nil {
		t.Fatalf("no confirmation link in the email:\n%s", text.Body)
	}
	return m[1]
}

func userByEmail(t *testing.T, r *rig, email string) *account.User {
	t.Helper()
	var id int64
	if err := r.env.DB.R.QueryRow(`SELECT id FROM users WHERE email = ?`, email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	u, err := r.env.Accounts.User(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
