package account_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/testkit"
)

func names(list []*account.User) string {
	var out []string
	for _, u := range list {
		out = append(out, u.Name)
	}
	return strings.Join(out, ",")
}

func TestSearchPeopleByEachField(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	police := env.Org(t, "Bath Police", account.Police)
	school := env.Org(t, "Oldfield School", account.Education)
	add := func(name, email string, org int64) *account.User {
		u, err := env.Accounts.AddPerson(ctx, account.Person{Name: name, Email: email, OrganisationID: org,
			Roles: []account.Role{account.Practitioner}})
		if err != nil {
			t.Fatalf("add %s: %v", name, err)
		}
		return u
	}
	add("Sam Smith", "sam@police.example.org", police.ID)
	add("Alex Jones", "aj@school.example.org", school.ID)
	add("Seán Ó Briain", "sob@police.example.org", police.ID)
	gone := add("Sam Gone", "gone@school.example.org", school.ID)
	if err := env.Accounts.SetActive(ctx, gone.ID, false); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q    account.PeopleQuery
		want string
	}{
		{account.PeopleQuery{Text: "smith"}, "Sam Smith"},      // name, any case
		{account.PeopleQuery{Text: "AJ@SCHOOL"}, "Alex Jones"}, // email
		{account.PeopleQuery{Text: "oldfield"}, "Alex Jones"},  // organisation; disabled left out
		{account.PeopleQuery{Text: "sam police"}, "Sam Smith"}, // every word somewhere
		{account.PeopleQuery{Text: "sam", IncludeDisabled: true}, "Sam Gone,Sam Smith"},
		{account.PeopleQuery{Text: "sam", OrganisationID: school.ID, IncludeDisabled: true}, "Sam Gone"},
		{account.PeopleQuery{Text: "%"}, ""},                          // no wildcard tricks
		{account.PeopleQuery{Text: "Seán Ó Briain"}, "Seán Ó Briain"}, // capitals beyond A to Z
		{account.PeopleQuery{Text: "ó BRIAIN"}, "Seán Ó Briain"},
	} {
		got, more, err := env.Accounts.SearchPeople(ctx, c.q)
		if err != nil {
			t.Fatal(err)
		}
		if names(got) != c.want || more {
			t.Errorf("%+v: got %q (more %v), want %q", c.q, names(got), more, c.want)
		}
	}
	got, more, err := env.Accounts.SearchPeople(ctx, account.PeopleQuery{Limit: 1})
	if err != nil || len(got) != 1 || !more {
		t.Errorf("capped search: %d people, more %v, %v", len(got), more, err)
	}
}

func TestAddPersonQueuesWelcomeLink(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Bath Police", account.Police)
	u, err := env.Accounts.AddPerson(ctx, account.Person{Name: " Kim Lee ", Email: "Kim@Example.org", JobTitle: "PC",
		Team: "Child protection", OrganisationID: org.ID, Roles: []account.Role{account.Trainer, account.Manager}})
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Kim Lee" || u.Email != "kim@example.org" || u.Team != "Child protection" || !u.Has(account.Trainer) ||
		!u.Has(account.Manager) || u.Has(account.Practitioner) {
		t.Errorf("stored %+v", u)
	}
	var kind, payload, expires string
	if err := env.DB.R.QueryRow(`SELECT kind, payload, expires_at FROM outbox WHERE user_id = ?`, u.ID).
		Scan(&kind, &payload, &expires); err != nil {
		t.Fatalf("no email queued: %v", err)
	}
	if kind != "password_reset" || !strings.Contains(payload, `"welcome":true`) {
		t.Errorf("queued %s %s", kind, payload)
	}
	if want := testkit.Start.Add(account.WelcomeLinkLifetime).Format("2006-01-02T15:04:05Z"); expires != want {
		t.Errorf("link expires %s, want %s", expires, want)
	}
	// No password: the person cannot sign in until they use the link.
	if _, err := env.Accounts.Authenticate(ctx, "kim@example.org", ""); err == nil {
		t.Error("signed in without a password")
	}
}

func TestPersonValidationReportsEveryField(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Bath Police", account.Police)
	env.User(t, "taken@example.org", org.ID, account.Practitioner)
	before := countUsers(t, env)
	_, err := env.Accounts.AddPerson(ctx, account.Person{Name: " ", Email: "TAKEN@example.org", Team: "a\nb",
		OrganisationID: 9999, Roles: []account.Role{"wizard"}})
	f := fieldErrors(t, err)
	for _, k := range []string{"name", "email", "team", "organisation_id", "roles"} {
		if f[k] == "" {
			t.Errorf("no message for %s: %v", k, f)
		}
	}
	if !strings.Contains(f["email"], "already uses") {
		t.Errorf("email message %q", f["email"])
	}
	if countUsers(t, env) != before {
		t.Error("a refused person was stored")
	}
}

func TestUpdatePersonRefusesDuplicateEmail(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Bath Police", account.Police)
	admin := env.User(t, "ada@example.org", org.ID, account.Admin)
	a := env.User(t, "a@example.org", org.ID, account.Practitioner)
	env.User(t, "b@example.org", org.ID, account.Practitioner)
	err := env.Accounts.UpdatePerson(ctx, admin.ID, a.ID, account.Person{Name: "A", Email: "B@example.org",
		OrganisationID: org.ID, Roles: []account.Role{account.Practitioner}})
	if f := fieldErrors(t, err); !strings.Contains(f["email"], "already uses") {
		t.Errorf("duplicate email: %v", f)
	}
	// A link sent to the old address stops working when the address changes, not before.
	if err := env.Accounts.SendPasswordLink(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	links := func() int {
		var n int
		_ = env.DB.R.QueryRow(`SELECT count(*) FROM password_resets WHERE user_id = ? AND used_at IS NULL`, a.ID).Scan(&n)
		return n
	}
	// Its own address, in another case, is fine.
	if err := env.Accounts.UpdatePerson(ctx, admin.ID, a.ID, account.Person{Name: "A New", Email: "A@EXAMPLE.ORG",
		OrganisationID: org.ID, Roles: []account.Role{account.Trainer}}); err != nil {
		t.Fatal(err)
	}
	got, _ := env.Accounts.User(ctx, a.ID)
	if got.Name != "A New" || got.Email != "a@example.org" || !got.Has(account.Trainer) || got.Has(account.Practitioner) {
		t.Errorf("after update: %+v", got)
	}
	if n := links(); n != 1 {
		t.Errorf("%d usable links after an edit that kept the address, want 1", n)
	}
	if err := env.Accounts.UpdatePerson(ctx, admin.ID, a.ID, account.Person{Name: "A New", Email: "a.new@example.org",
		OrganisationID: org.ID, Roles: []account.Role{account.Trainer}}); err != nil {
		t.Fatal(err)
	}
	if n := links(); n != 0 {
		t.Errorf("%d links still usable after the address changed", n)
	}
}

func TestLastAdminRules(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Bath Police", account.Police)
	ada := env.User(t, "ada@example.org", org.ID, account.Admin)
	bob := env.User(t, "bob@example.org", org.ID, account.Admin)
	practitioner := []account.Role{account.Practitioner}
	asPerson := func(u *account.User, roles []account.Role) account.Person {
		return account.Person{Name: u.Name, Email: u.Email, OrganisationID: org.ID, Roles: roles}
	}
	// Ada cannot drop her own admin role, nor disable herself.
	err := env.Accounts.UpdatePerson(ctx, ada.ID, ada.ID, asPerson(ada, practitioner))
	if f := fieldErrors(t, err); !strings.Contains(f["roles"], "your own admin role") {
		t.Errorf("own admin role: %v", f)
	}
	if _, err := env.Accounts.SetPersonActive(ctx, ada.ID, ada.ID, false); !errors.Is(err, account.ErrDisableSelf) {
		t.Errorf("disable self: %v", err)
	}
	// She can take it from Bob while she remains...
	if err := env.Accounts.UpdatePerson(ctx, ada.ID, bob.ID, asPerson(bob, practitioner)); err != nil {
		t.Fatal(err)
	}
	// ...and then Bob cannot take it from her, or disable her: she is the last admin.
	if err := env.Accounts.SetRoles(ctx, bob.ID, []account.Role{account.Admin}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Accounts.SetPersonActive(ctx, ada.ID, bob.ID, false); err != nil {
		t.Fatal(err)
	}
	// Bob is disabled: Ada is the only active admin. A disabled admin (Bob) acting through
	// some other path still cannot remove her.
	err = env.Accounts.UpdatePerson(ctx, bob.ID, ada.ID, asPerson(ada, practitioner))
	if f := fieldErrors(t, err); !strings.Contains(f["roles"], "only admin left") {
		t.Errorf("last admin's role: %v", f)
	}
	if _, err := env.Accounts.SetPersonActive(ctx, bob.ID, ada.ID, false); !errors.Is(err, account.ErrDisableLastAdmin) {
		t.Errorf("disable last admin: %v", err)
	}
	if got, _ := env.Accounts.User(ctx, ada.ID); !got.Active || !got.IsAdmin() {
		t.Errorf("Ada changed: %+v", got)
	}
}

// putSession stores a sign-in session as scs would for userID.
func putSession(t *testing.T, env *testkit.Env, token string, userID int64) {
	t.Helper()
	data, err := scs.GobCodec{}.Encode(time.Now().Add(time.Hour), map[string]any{"user_id": userID})
	if err != nil {
		t.Fatal(err)
	}
	if err := (account.SessionStore{DB: env.DB}).Commit(token, data, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
}

func TestDisableEndsSessionsTokensFeedAndLinks(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Bath Police", account.Police)
	ada := env.User(t, "ada@example.org", org.ID, account.Admin)
	pat := env.User(t, "pat@example.org", org.ID, account.Practitioner)
	other := env.User(t, "other@example.org", org.ID, account.Practitioner)
	putSession(t, env, "pat-session", pat.ID)
	putSession(t, env, "other-session", other.ID)
	tok, err := env.Accounts.CreateToken(ctx, pat.ID)
	if err != nil {
		t.Fatal(err)
	}
	feed, err := env.Accounts.ResetCalendarToken(ctx, pat.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Accounts.SendPasswordLink(ctx, pat.ID); err != nil {
		t.Fatal(err)
	}

	ended, err := env.Accounts.SetPersonActive(ctx, ada.ID, pat.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if ended.Sessions != 1 || ended.APITokens != 1 || !ended.Calendar || ended.PasswordLink != 1 {
		t.Errorf("ended %+v", ended)
	}
	store := account.SessionStore{DB: env.DB}
	if _, found, _ := store.Find("pat-session"); found {
		t.Error("the disabled person's session survived")
	}
	if _, found, _ := store.Find("other-session"); !found {
		t.Error("someone else's session was ended")
	}
	if _, err := env.Accounts.UserByToken(ctx, tok); err == nil {
		t.Error("API token still works")
	}
	if _, err := env.Accounts.UserByCalendarToken(ctx, feed); err == nil {
		t.Error("calendar feed still works")
	}
	// Enabling again brings none of them back.
	if _, err := env.Accounts.SetPersonActive(ctx, ada.ID, pat.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Accounts.UserByToken(ctx, tok); err == nil {
		t.Error("API token works again after enabling")
	}
	if _, err := env.Accounts.UserByCalendarToken(ctx, feed); err == nil {
		t.Error("old calendar feed works again after enabling")
	}
	var live int
	if err := env.DB.R.QueryRow(`SELECT count(*) FROM password_resets WHERE user_id = ? AND used_at IS NULL`, pat.ID).Scan(&live); err != nil || live != 0 {
		t.Errorf("%d links still usable (%v)", live, err)
	}
	if _, err := env.Accounts.SetPersonActive(ctx, ada.ID, 99999, false); err == nil {
		t.Error("disabled an unknown account")
	}
}

func TestSendPasswordLinkRefusals(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Bath Police", account.Police)
	pat := env.User(t, "pat@example.org", org.ID, account.Practitioner)
	for range 3 {
		if err := env.Accounts.SendPasswordLink(ctx, pat.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := env.Accounts.SendPasswordLink(ctx, pat.ID); !errors.Is(err, account.ErrTooManyLinks) {
		t.Errorf("fourth link: %v", err)
	}
	if err := env.Accounts.SetActive(ctx, pat.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := env.Accounts.SendPasswordLink(ctx, pat.ID); !errors.Is(err, account.ErrLinkDisabled) {
		t.Errorf("disabled: %v", err)
	}
	var n int
	_ = env.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE user_id = ?`, pat.ID).Scan(&n)
	if n != 3 {
		t.Errorf("%d emails queued, want 3", n)
	}
}
