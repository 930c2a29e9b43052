package account_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

func fieldErrors(t *testing.T, err error) map[string]string {
	t.Helper()
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Status != 422 {
		t.Fatalf("error = %v, want a 422 validation problem", err)
	}
	return pe.Fields
}

func countUsers(t *testing.T, env *testkit.Env) int {
	t.Helper()
	var n int
	if err := env.DB.R.QueryRow(`SELECT count(*) FROM users`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOrganisations(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	police := env.Org(t, "  Avon and Somerset Constabulary ", account.Police)
	if police.Name != "Avon and Somerset Constabulary" || police.Type != account.Police || police.ID == 0 {
		t.Errorf("created %+v", police)
	}
	env.Org(t, "barnardo's", account.Voluntary)

	// Names are unique whatever their case, on create and on rename.
	_, err := env.Accounts.CreateOrganisation(ctx, "AVON AND SOMERSET CONSTABULARY", account.Police)
	if !errors.Is(err, account.ErrOrgNameTaken) {
		t.Errorf("duplicate name = %v", err)
	}
	nhs := env.Org(t, "NHS Trust", account.Health)
	err = env.Accounts.UpdateOrganisation(ctx, account.Organisation{ID: nhs.ID, Name: "Barnardo's", Type: account.Health})
	if !errors.Is(err, account.ErrOrgNameTaken) {
		t.Errorf("rename onto another name = %v", err)
	}
	if err := env.Accounts.UpdateOrganisation(ctx, account.Organisation{ID: nhs.ID, Name: "Royal United Hospitals", Type: account.Health}); err != nil {
		t.Fatal(err)
	}
	if err := env.Accounts.UpdateOrganisation(ctx, account.Organisation{ID: 999, Name: "Ghost", Type: account.OtherOrg}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update unknown = %v", err)
	}

	for _, tc := range []struct {
		name  string
		typ   account.OrgType
		field string
	}{
		{"", account.Police, "name"},
		{"   ", account.Police, "name"},
		{strings.Repeat("n", 201), account.Police, "name"},
		{"Fine name", "", "type"},
		{"Fine name", "council", "type"},
	} {
		_, err := env.Accounts.CreateOrganisation(ctx, tc.name, tc.typ)
		if f := fieldErrors(t, err); f[tc.field] == "" {
			t.Errorf("CreateOrganisation(%q, %q) fields = %v, want %s", tc.name, tc.typ, f, tc.field)
		}
	}

	list, err := env.Accounts.Organisations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range list {
		names = append(names, o.Name)
	}
	if want := []string{"Avon and Somerset Constabulary", "barnardo's", "Royal United Hospitals"}; !slices.Equal(names, want) {
		t.Errorf("Organisations = %v, want %v", names, want)
	}
	o, err := env.Accounts.OrganisationByName(ctx, " BARNARDO'S ")
	if err != nil || o.Type != account.Voluntary {
		t.Errorf("OrganisationByName = %+v, %v", o, err)
	}
	if _, err := env.Accounts.Organisation(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Organisation(unknown) = %v", err)
	}

	// EnsureOrganisation finds, ignoring case, or creates.
	got, err := env.Accounts.EnsureOrganisation(ctx, "royal united hospitals", account.OtherOrg)
	if err != nil || got.ID != nhs.ID {
		t.Errorf("Ensure existing = %+v, %v", got, err)
	}
	got, err = env.Accounts.EnsureOrganisation(ctx, "New School", account.Education)
	if err != nil || got.ID == 0 || got.Type != account.Education {
		t.Errorf("Ensure new = %+v, %v", got, err)
	}
}

func TestOrgTypeLabels(t *testing.T) {
	seen := map[string]bool{}
	for _, typ := range account.OrgTypes {
		l := typ.Label()
		if l == "" || l == string(typ) || seen[l] {
			t.Errorf("label for %s = %q", typ, l)
		}
		seen[l] = true
	}
}

func TestCreateUser(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Council", account.SocialCare)
	u, err := env.Accounts.CreateUser(ctx, account.NewUser{Email: "  Sian.Jones@Example.ORG ", Name: " Siân Jones ",
		JobTitle: " Social worker ", OrganisationID: org.ID, Password: testkit.Password,
		Roles: []account.Role{account.Admin, account.Trainer, account.Admin}})
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "sian.jones@example.org" || u.Name != "Siân Jones" || u.JobTitle != "Social worker" ||
		u.OrganisationName != "Council" || !u.Active || !u.CreatedAt.Equal(testkit.Start) {
		t.Errorf("user = %+v", u)
	}
	if !slices.Equal(u.Roles, []account.Role{account.Trainer, account.Admin}) || !u.Has(account.Admin) || !u.IsAdmin() || u.Has(account.Manager) {
		t.Errorf("roles = %v", u.Roles)
	}
	var nilUser *account.User
	if nilUser.Has(account.Practitioner) || nilUser.IsAdmin() {
		t.Error("a nil user has roles")
	}
	// No roles means practitioner; no password means no sign-in yet.
	p, err := env.Accounts.CreateUser(ctx, account.NewUser{Email: "p@example.org", Name: "P", OrganisationID: org.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Roles, []account.Role{account.Practitioner}) {
		t.Errorf("default roles = %v", p.Roles)
	}
	if _, err := env.Accounts.Authenticate(ctx, "p@example.org", ""); !errors.Is(err, account.ErrBadCredentials) {
		t.Errorf("sign-in without a password = %v", err)
	}
	// The password is stored only as an argon2id hash.
	var hash string
	if err := env.DB.R.QueryRow(`SELECT password_hash FROM users WHERE id = ?`, u.ID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$") || strings.Contains(hash, testkit.Password) {
		t.Errorf("stored hash = %q", hash)
	}
}

func TestEmailUniqueRegardlessOfCase(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Council", account.SocialCare)
	first := env.User(t, "Ann.Lee@Example.org", org.ID)
	for _, email := range []string{"ann.lee@example.org", "ANN.LEE@EXAMPLE.ORG", " Ann.Lee@example.ORG "} {
		_, err := env.Accounts.CreateUser(ctx, account.NewUser{Email: email, Name: "Imposter", OrganisationID: org.ID})
		if !errors.Is(err, account.ErrEmailTaken) {
			t.Errorf("CreateUser(%q) = %v, want email taken", email, err)
		}
		var pe *problem.Error
		if errors.As(err, &pe) && (pe.Status != 409 || pe.Fields["email"] == "") {
			t.Errorf("problem = %+v", pe)
		}
		got, err := env.Accounts.UserByEmail(ctx, email)
		if err != nil || got.ID != first.ID {
			t.Errorf("UserByEmail(%q) = %v, %v", email, got, err)
		}
	}
	if n := countUsers(t, env); n != 1 {
		t.Errorf("%d users, want 1", n)
	}
	if _, err := env.Accounts.UserByEmail(ctx, "nobody@example.org"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UserByEmail(unknown) = %v", err)
	}
}

func TestCreateUserValidation(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*account.NewUser)
		field string
	}{
		{"no name", func(n *account.NewUser) { n.Name = "  " }, "name"},
		{"long name", func(n *account.NewUser) { n.Name = strings.Repeat("n", 201) }, "name"},
		{"no email", func(n *account.NewUser) { n.Email = "" }, "email"},
		{"no at sign", func(n *account.NewUser) { n.Email = "someone.example.org" }, "email"},
		{"no dot in domain", func(n *account.NewUser) { n.Email = "someone@localhost" }, "email"},
		{"display name form", func(n *account.NewUser) { n.Email = "Someone <someone@example.org>" }, "email"},
		{"two addresses", func(n *account.NewUser) { n.Email = "a@example.org,b@example.org" }, "email"},
		{"header injection", func(n *account.NewUser) { n.Email = "a@example.org\r\nBcc: x@example.org" }, "email"},
		{"long email", func(n *account.NewUser) { n.Email = strings.Repeat("a", 250) + "@example.org" }, "email"},
		{"long job title", func(n *account.NewUser) { n.JobTitle = strings.Repeat("j", 201) }, "job_title"},
		{"line break in name", func(n *account.NewUser) { n.Name = "A Person\r\nBcc: x@example.org" }, "name"},
		{"escape in name", func(n *account.NewUser) { n.Name = "A \x1b[31mPerson" }, "name"},
		{"line break in job title", func(n *account.NewUser) { n.JobTitle = "Nurse\nManager" }, "job_title"},
		{"no organisation", func(n *account.NewUser) { n.OrganisationID = 0 }, "organisation_id"},
		{"unknown organisation", func(n *account.NewUser) { n.OrganisationID = 999 }, "organisation_id"},
		{"short password", func(n *account.NewUser) { n.Password = "short" }, "password"},
		{"common password", func(n *account.NewUser) { n.Password = "Password123" }, "password"},
		{"password is the email", func(n *account.NewUser) { n.Password = "PERSON@example.org" }, "password"},
		{"unknown role", func(n *account.NewUser) { n.Roles = []account.Role{account.Practitioner, "superuser"} }, "role"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := testkit.New(t)
			org := env.Org(t, "Council", account.SocialCare)
			n := account.NewUser{Email: "person@example.org", Name: "A Person", OrganisationID: org.ID, Password: testkit.Password}
			tc.edit(&n)
			_, err := env.Accounts.CreateUser(context.Background(), n)
			if f := fieldErrors(t, err); f[tc.field] == "" {
				t.Errorf("fields = %v, want %s", f, tc.field)
			}
			if c := countUsers(t, env); c != 0 {
				t.Errorf("%d users after a refused create", c)
			}
		})
	}
}

// Name limits count characters, not bytes, so accented names get the same room.
func TestCreateUserLimitsCountCharacters(t *testing.T) {
	env := testkit.New(t)
	org := env.Org(t, "Council", account.SocialCare)
	n := account.NewUser{Email: "sean@example.org", Name: strings.Repeat("Ó", 200), JobTitle: strings.Repeat("é", 200),
		OrganisationID: org.ID, Password: testkit.Password}
	if _, err := env.Accounts.CreateUser(context.Background(), n); err != nil {
		t.Fatalf("200-character name and job title: %v", err)
	}
}

func TestValidEmail(t *testing.T) {
	for _, tc := range []struct {
		email string
		ok    bool
	}{
		{"a@example.org", true},
		{"first.last+tag@sub.example.co.uk", true},
		{"a@b", false},
		{"@example.org", false},
		{"a@", false},
		{"a b@example.org", false},
		{"<a@example.org>", false},
		{"a@example.org\n", false},
		{"", false},
	} {
		if got := account.ValidEmail(tc.email); got != tc.ok {
			t.Errorf("ValidEmail(%q) = %v", tc.email, got)
		}
	}
	if got := account.NormaliseEmail("  MiXeD@Example.ORG\t"); got != "mixed@example.org" {
		t.Errorf("NormaliseEmail = %q", got)
	}
}

func TestRolesActiveAndPassword(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Council", account.SocialCare)
	u := env.User(t, "u@example.org", org.ID, account.Practitioner)

	if err := env.Accounts.SetRoles(ctx, u.ID, []account.Role{account.Manager, account.Practitioner}); err != nil {
		t.Fatal(err)
	}
	got, _ := env.Accounts.User(ctx, u.ID)
	if !slices.Equal(got.Roles, []account.Role{account.Practitioner, account.Manager}) {
		t.Errorf("roles = %v", got.Roles)
	}
	if f := fieldErrors(t, env.Accounts.SetRoles(ctx, u.ID, []account.Role{"root"})); f["role"] == "" {
		t.Errorf("fields = %v", f)
	}
	if got, _ := env.Accounts.User(ctx, u.ID); len(got.Roles) != 2 {
		t.Errorf("a refused SetRoles changed roles to %v", got.Roles)
	}

	if err := env.Accounts.SetActive(ctx, u.ID, false); err != nil {
		t.Fatal(err)
	}
	if got, _ := env.Accounts.User(ctx, u.ID); got.Active {
		t.Error("still active")
	}
	if err := env.Accounts.SetActive(ctx, 999, false); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetActive(unknown) = %v", err)
	}
	if err := env.Accounts.SetActive(ctx, u.ID, true); err != nil {
		t.Fatal(err)
	}

	for _, bad := range []string{"short", "letmein1", "U@EXAMPLE.ORG"} {
		if f := fieldErrors(t, env.Accounts.SetPassword(ctx, u.ID, bad)); f["password"] == "" {
			t.Errorf("SetPassword(%q) fields = %v", bad, f)
		}
	}
	if _, err := env.Accounts.Authenticate(ctx, "u@example.org", testkit.Password); err != nil {
		t.Errorf("old password stopped working after refused changes: %v", err)
	}
	if err := env.Accounts.SetPassword(ctx, u.ID, "a much better passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Accounts.Authenticate(ctx, "u@example.org", testkit.Password); !errors.Is(err, account.ErrBadCredentials) {
		t.Errorf("old password after change = %v", err)
	}
	if _, err := env.Accounts.Authenticate(ctx, "u@example.org", "a much better passphrase"); err != nil {
		t.Errorf("new password = %v", err)
	}
	if err := env.Accounts.SetPassword(ctx, 999, "a much better passphrase"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetPassword(unknown) = %v", err)
	}
}

func TestUsersSearch(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Council", account.SocialCare)
	for _, e := range []string{"zed@example.org", "amy@school.example.org", "bob@example.org"} {
		env.User(t, e, org.ID)
	}
	all, err := env.Accounts.Users(ctx, "", 10)
	if err != nil || len(all) != 3 || all[0].Email != "amy@school.example.org" {
		t.Errorf("Users('') = %v, %v", all, err)
	}
	some, err := env.Accounts.Users(ctx, "school", 10)
	if err != nil || len(some) != 1 {
		t.Errorf("Users(school) = %v, %v", some, err)
	}
	few, err := env.Accounts.Users(ctx, "", 2)
	if err != nil || len(few) != 2 {
		t.Errorf("Users limit 2 = %d, %v", len(few), err)
	}
}

func TestAuthenticate(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Council", account.SocialCare)
	u := env.User(t, "worker@example.org", org.ID, account.Practitioner)
	off := env.User(t, "left@example.org", org.ID, account.Practitioner)
	if err := env.Accounts.SetActive(ctx, off.ID, false); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		email    string
		password string
		wantID   int64
	}{
		{"good", "worker@example.org", testkit.Password, u.ID},
		{"email in another case", "  Worker@EXAMPLE.org ", testkit.Password, u.ID},
		{"wrong password", "worker@example.org", "correct horse battery!", 0},
		{"password in another case", "worker@example.org", strings.ToUpper(testkit.Password), 0},
		{"empty password", "worker@example.org", "", 0},
		{"unknown email", "nobody@example.org", testkit.Password, 0},
		{"empty email", "", testkit.Password, 0},
		{"inactive, right password", "left@example.org", testkit.Password, 0},
		{"inactive, wrong password", "left@example.org", "nope nope nope", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := env.Accounts.Authenticate(ctx, tc.email, tc.password)
			if tc.wantID != 0 {
				if err != nil || got.ID != tc.wantID || got.OrganisationName != "Council" || len(got.Roles) == 0 {
					t.Errorf("Authenticate = %+v, %v", got, err)
				}
				return
			}
			// Every failure looks the same, so it reveals nothing about the account.
			if err != account.ErrBadCredentials || got != nil {
				t.Errorf("Authenticate = %+v, %v; want exactly ErrBadCredentials", got, err)
			}
			if pe, _ := problem.From(err); pe.Status != 401 {
				t.Errorf("status = %d", pe.Status)
			}
		})
	}
}

func TestTokens(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Council", account.SocialCare)
	u := env.User(t, "api@example.org", org.ID, account.Admin)
	other := env.User(t, "other@example.org", org.ID)

	tok, err := env.Accounts.CreateToken(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	tok2, err := env.Accounts.CreateToken(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	otherTok, err := env.Accounts.CreateToken(ctx, other.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, account.TokenPrefix) || len(tok) < len(account.TokenPrefix)+40 || tok == tok2 {
		t.Errorf("tokens %q %q", tok, tok2)
	}
	// Only a hash is stored.
	var n int
	if err := env.DB.R.QueryRow(`SELECT count(*) FROM api_tokens WHERE token_hash = ? OR token_hash LIKE ?`, tok, "%"+tok[5:15]+"%").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Error("the token itself is stored")
	}

	for _, tc := range []struct {
		token string
		want  int64
	}{{tok, u.ID}, {tok2, u.ID}, {otherTok, other.ID}} {
		got, err := env.Accounts.UserByToken(ctx, tc.token)
		if err != nil || got.ID != tc.want || !got.Active {
			t.Errorf("UserByToken = %+v, %v; want user %d", got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "thub_", tok + "x", tok[:len(tok)-1], strings.ToUpper(tok)} {
		if got, err := env.Accounts.UserByToken(ctx, bad); !errors.Is(err, store.ErrNotFound) || got != nil {
			t.Errorf("UserByToken(%q) = %v, %v", bad, got, err)
		}
	}

	// Disabling the account stops its tokens, and only its tokens; enabling restores them.
	if err := env.Accounts.SetActive(ctx, u.ID, false); err != nil {
		t.Fatal(err)
	}
	for _, t2 := range []string{tok, tok2} {
		if _, err := env.Accounts.UserByToken(ctx, t2); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("inactive user's token = %v", err)
		}
	}
	if _, err := env.Accounts.UserByToken(ctx, otherTok); err != nil {
		t.Errorf("other user's token = %v", err)
	}
	if err := env.Accounts.SetActive(ctx, u.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Accounts.UserByToken(ctx, tok); err != nil {
		t.Errorf("re-enabled user's token = %v", err)
	}
}

func TestRegistrationSetting(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	for i, want := range []bool{true, false, false, true} {
		if i > 0 {
			if err := env.Accounts.SetRegistrationOpen(ctx, want); err != nil {
				t.Fatal(err)
			}
		}
		got, err := env.Accounts.RegistrationOpen(ctx)
		if err != nil || got != want {
			t.Errorf("step %d: RegistrationOpen = %v, %v; want %v", i, got, err, want)
		}
	}
}

func TestSessionStore(t *testing.T) {
	env := testkit.New(t)
	// Expiry is judged by the injected clock, so the test moves time on instead of waiting.
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	ss := account.SessionStore{DB: env.DB, Now: func() time.Time { return now }}

	if _, found, err := ss.Find("missing"); err != nil || found {
		t.Errorf("Find(missing) = %v, %v", found, err)
	}
	if err := ss.Commit("tok-a", []byte("alpha"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	data, found, err := ss.Find("tok-a")
	if err != nil || !found || string(data) != "alpha" {
		t.Errorf("Find = %q, %v, %v", data, found, err)
	}
	// Commit again replaces data and expiry.
	if err := ss.Commit("tok-a", []byte("beta"), now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if data, found, _ := ss.Find("tok-a"); !found || string(data) != "beta" {
		t.Errorf("after recommit Find = %q, %v", data, found)
	}
	// Expiry: a session that has expired is not found, even before it is cleared.
	if err := ss.Commit("tok-old", []byte("old"), now.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, found, err := ss.Find("tok-old"); err != nil || found {
		t.Errorf("expired session found = %v, %v", found, err)
	}
	// A session expiring in a moment is found now, and not once the moment passes.
	if err := ss.Commit("tok-brief", []byte("brief"), now.Add(1500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := ss.Find("tok-brief"); !found {
		t.Error("brief session not found before expiry")
	}
	now = now.Add(1600 * time.Millisecond)
	if _, found, _ := ss.Find("tok-brief"); found {
		t.Error("brief session still found after expiry")
	}
	// An expiry in another zone means the same instant.
	if err := ss.Commit("tok-zone", []byte("z"), now.Add(time.Hour).In(time.FixedZone("UTC+10", 10*3600))); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := ss.Find("tok-zone"); !found {
		t.Error("session with a non-UTC expiry not found")
	}

	if err := ss.DeleteExpired(context.Background()); err != nil {
		t.Fatal(err)
	}
	var tokens []string
	rows, err := env.DB.R.Query(`SELECT token FROM web_sessions ORDER BY token`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		tokens = append(tokens, s)
	}
	rows.Close()
	// The table holds hashes of the tokens, never the tokens: two rows, both still found.
	if len(tokens) != 2 || slices.Contains(tokens, "tok-a") || slices.Contains(tokens, "tok-zone") {
		t.Errorf("after DeleteExpired: %v, want the hashes of tok-a and tok-zone", tokens)
	}
	for _, tok := range []string{"tok-a", "tok-zone"} {
		if _, found, _ := ss.Find(tok); !found {
			t.Errorf("after DeleteExpired: %s not found", tok)
		}
	}

	if err := ss.Delete("tok-a"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := ss.Find("tok-a"); found {
		t.Error("deleted session found")
	}
	if err := ss.Delete("never-existed"); err != nil {
		t.Errorf("Delete(missing) = %v", err)
	}
}
