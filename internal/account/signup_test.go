package account_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/testkit"
)

func confirmToken(t *testing.T, env *testkit.Env, email string) string {
	t.Helper()
	return testkit.ConfirmLink(t, env.DB, env.Clock.Now, email)
}

func register(t *testing.T, env *testkit.Env, email string, orgID int64) *account.User {
	t.Helper()
	ctx := context.Background()
	if err := env.Accounts.Register(ctx, account.Registration{Name: "N " + email, Email: email, Password: "plum tree lane", OrganisationID: orgID}); err != nil {
		t.Fatal(err)
	}
	u, err := env.Accounts.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Every way of making an account except the register page counts as confirmed and a
// member; a self-registered one is neither until it confirms (and, off-domain, is approved).
func TestWhoCountsAsConfirmed(t *testing.T) {
	env := testkit.New(t)
	org := env.Org(t, "Council", account.SocialCare)
	made := env.User(t, "admin.made@example.org", org.ID)
	if !made.EmailConfirmed || made.Membership != account.Member || made.MayBook() != nil {
		t.Errorf("an account made with CreateUser: %+v", made)
	}
	self := register(t, env, "self@example.org", org.ID)
	if self.EmailConfirmed || self.Membership != account.Requested || !errors.Is(self.MayBook(), account.ErrEmailUnconfirmed) {
		t.Errorf("a self-registered account: confirmed %v membership %s", self.EmailConfirmed, self.Membership)
	}
	if _, err := env.Accounts.ConfirmEmail(context.Background(), confirmToken(t, env, "self@example.org")); err != nil {
		t.Fatal(err)
	}
	self, _ = env.Accounts.User(context.Background(), self.ID)
	if !errors.Is(self.MayBook(), account.ErrMembershipRequested) {
		t.Errorf("confirmed but not approved: %v", self.MayBook())
	}
}

// Unconfirmed accounts go after a week; confirmed ones, and those still inside the week,
// stay; an account something refers to is kept rather than rewriting history.
func TestSweepRemovesAccountsUnconfirmedForAWeek(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Council", account.SocialCare)
	stale := register(t, env, "stale@example.org", org.ID)
	confirmed := register(t, env, "confirmed@example.org", org.ID)
	if _, err := env.Accounts.ConfirmEmail(ctx, confirmToken(t, env, "confirmed@example.org")); err != nil {
		t.Fatal(err)
	}
	kept := register(t, env, "kept@example.org", org.ID)
	courseID := env.Course(t, "C")
	sessionID := env.Session(t, courseID, 30*24*time.Hour, 5)
	// A booking from before the rule (written directly) keeps its account.
	if _, err := env.DB.Exec(context.Background(), `INSERT INTO bookings (session_id, user_id, status, created_at, updated_at) VALUES (?, ?, 'confirmed', ?, ?)`,
		sessionID, kept.ID, "2026-11-25T10:00:00Z", "2026-11-25T10:00:00Z"); err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(6 * 24 * time.Hour)
	recent := register(t, env, "recent@example.org", org.ID)
	if n, err := env.Accounts.SweepUnconfirmed(ctx); err != nil || n != 0 {
		t.Fatalf("after 6 days: removed %d, %v", n, err)
	}
	env.Clock.Advance(24*time.Hour + time.Second)
	n, err := env.Accounts.SweepUnconfirmed(ctx)
	if err != nil || n != 1 {
		t.Fatalf("after a week: removed %d, %v; want 1", n, err)
	}
	if _, err := env.Accounts.User(ctx, stale.ID); err == nil {
		t.Error("the stale account is still there")
	}
	for _, u := range []*account.User{confirmed, kept, recent} {
		if _, err := env.Accounts.User(ctx, u.ID); err != nil {
			t.Errorf("%s was removed: %v", u.Email, err)
		}
	}
	// Its confirmation email stays in the log, no longer tied to the account.
	var mails int
	env.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE recipient_email = 'stale@example.org' AND user_id IS NULL`).Scan(&mails)
	if mails != 1 {
		t.Errorf("stale account's emails in the log: %d, want 1", mails)
	}
}

// A join request reaches the organisation's managers once the address is confirmed, or
// the admins when the organisation has no manager; a declined account goes a week later.
func TestJoinRequestsReachManagersOrAdminsAndDeclinedAccountsGo(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	withMgr := env.Org(t, "Has a manager", account.Voluntary)
	noMgr := env.Org(t, "No manager", account.Voluntary)
	env.User(t, "mgr@example.org", withMgr.ID, account.Manager)
	env.User(t, "admin@example.org", withMgr.ID, account.Admin)
	mails := func(kind outbox.Kind, to string) int {
		var n int
		env.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE kind = ? AND recipient_email = ?`, kind, to).Scan(&n)
		return n
	}
	a := register(t, env, "a@elsewhere.example", withMgr.ID)
	b := register(t, env, "b@elsewhere.example", noMgr.ID)
	if mails(account.KindJoinRequested, "mgr@example.org")+mails(account.KindJoinRequested, "admin@example.org") != 0 {
		t.Fatal("asked before the address was confirmed")
	}
	for _, e := range []string{"a@elsewhere.example", "b@elsewhere.example"} {
		if _, err := env.Accounts.ConfirmEmail(ctx, confirmToken(t, env, e)); err != nil {
			t.Fatal(err)
		}
	}
	if mails(account.KindJoinRequested, "mgr@example.org") != 1 || mails(account.KindJoinRequested, "admin@example.org") != 1 {
		t.Fatalf("manager got %d, admin got %d; want 1 each", mails(account.KindJoinRequested, "mgr@example.org"), mails(account.KindJoinRequested, "admin@example.org"))
	}
	waiting, err := env.Accounts.WaitingJoinRequests(ctx, withMgr.ID)
	if err != nil || len(waiting) != 1 || waiting[0].UserID != a.ID {
		t.Fatalf("waiting for the manager's organisation: %+v %v", waiting, err)
	}
	all, _ := env.Accounts.WaitingJoinRequests(ctx, 0)
	if len(all) != 2 {
		t.Fatalf("an admin sees %d requests, want 2", len(all))
	}
	// A manager's scope cannot reach another organisation's request.
	var bReq int64
	for _, j := range all {
		if j.UserID == b.ID {
			bReq = j.ID
		}
	}
	if err := env.Accounts.DecideJoinRequest(ctx, bReq, withMgr.ID, 1, true); err == nil {
		t.Fatal("decided another organisation's request")
	}
	if err := env.Accounts.DecideJoinRequest(ctx, bReq, 0, 1, false); err != nil {
		t.Fatal(err)
	}
	if mails(account.KindJoinDeclined, "b@elsewhere.example") != 1 {
		t.Error("the person was not told")
	}
	env.Clock.Advance(account.UnconfirmedLifetime + time.Minute)
	if n, err := env.Accounts.SweepUnconfirmed(ctx); err != nil || n != 1 {
		t.Fatalf("sweep: %d %v, want the declined account", n, err)
	}
	if _, err := env.Accounts.User(ctx, a.ID); err != nil {
		t.Error("a confirmed account waiting for approval was removed")
	}
}

// A password reset link also comes through the mailbox, so using one confirms the
// address (and sends a waiting join request on to the managers).
func TestPasswordResetConfirmsTheAddress(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Council", account.SocialCare)
	env.User(t, "mgr@example.org", org.ID, account.Manager)
	u := register(t, env, "forgetful@elsewhere.example", org.ID)
	if err := env.Accounts.RequestPasswordReset(ctx, u.Email); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	if err := env.DB.R.QueryRow(`SELECT payload FROM outbox WHERE kind = ? AND recipient_email = ?`, outbox.PasswordReset, u.Email).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	var p outbox.Payload
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	token, err := account.EmailLinks{DB: env.DB, Now: env.Clock.Now}.MintLink(ctx, outbox.PasswordReset, p.Reset.LinkID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Accounts.ResetPassword(ctx, token, "a new plum tree"); err != nil {
		t.Fatal(err)
	}
	u, _ = env.Accounts.User(ctx, u.ID)
	if !u.EmailConfirmed {
		t.Fatal("a used reset link did not confirm the address")
	}
	var asked int
	env.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE kind = ? AND recipient_email = 'mgr@example.org'`, account.KindJoinRequested).Scan(&asked)
	if asked != 1 {
		t.Errorf("manager asked %d times, want 1", asked)
	}
	// The confirmation email still queued is not sent: its link was spent with the rest.
	links := account.EmailLinks{DB: env.DB, Now: env.Clock.Now}
	if _, err := links.MintLink(ctx, account.KindEmailConfirmation, testkit.ConfirmLinkID(t, env.DB, u.Email)); !errors.Is(err, account.ErrLinkGone) {
		t.Errorf("minting the confirmation link after the reset confirmed the address: %v, want ErrLinkGone", err)
	}
}

// Signing in through single sign-on, whose provider verified the address, confirms a
// self-registered account's address.
func TestSingleSignOnConfirmsTheAddress(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Council", account.SocialCare)
	u := register(t, env, "sso.person@elsewhere.example", org.ID)
	other := register(t, env, "other@elsewhere.example", org.ID)
	if err := env.Accounts.RecordSSOSignIn(ctx, u.ID, account.SSOIdentity{Issuer: "https://idp.example", Subject: "s1", Email: "SSO.Person@elsewhere.example"}); err != nil {
		t.Fatal(err)
	}
	// An identity whose address is not the account's confirms nothing.
	if err := env.Accounts.RecordSSOSignIn(ctx, other.ID, account.SSOIdentity{Issuer: "https://idp.example", Subject: "s2", Email: "someone.else@elsewhere.example"}); err != nil {
		t.Fatal(err)
	}
	if u, _ = env.Accounts.User(ctx, u.ID); !u.EmailConfirmed {
		t.Error("a provider-verified address is still unconfirmed")
	}
	if other, _ = env.Accounts.User(ctx, other.ID); other.EmailConfirmed {
		t.Error("another address's identity confirmed the account")
	}
}
