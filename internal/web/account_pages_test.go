package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/testkit"
)

func login(email, password, next string) url.Values {
	return url.Values{"email": {email}, "password": {password}, "next": {next}}
}

func TestLoginSucceedsAndHonoursOnlyLocalNext(t *testing.T) {
	f := newFixture(t)
	cases := []struct{ next, want string }{
		{"/my/training", "/my/training"},
		{"/courses?q=abuse", "/courses?q=abuse"},
		{"", "/"},
		{"//evil.example/phish", "/"},
		{"https://evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"javascript:alert(1)", "/"},
	}
	for _, tc := range cases {
		c := f.Browser(t)
		r := f.post(t, c, "/login", login("PAT@example.org ", testkit.Password, tc.next))
		if r.Status != http.StatusSeeOther || r.Location != tc.want {
			t.Errorf("next %q: got %d %q, want 303 %q", tc.next, r.Status, r.Location, tc.want)
		}
		if got := f.get(t, c, "/my/training"); got.Status != http.StatusOK {
			t.Errorf("after sign-in, /my/training: %d", got.Status)
		}
	}
}

func TestLoginFailureNeverSaysWhichFieldOrWhetherTheAccountExists(t *testing.T) {
	f := newFixture(t)
	c := f.Browser(t)
	wrongPassword := f.post(t, c, "/login", login("pat@example.org", "not the password", ""))
	noAccount := f.post(t, c, "/login", login("nobody@example.org", "not the password", ""))
	for _, r := range []response{wrongPassword, noAccount} {
		if r.Status != http.StatusUnauthorized {
			t.Errorf("status %d, want 401", r.Status)
		}
		mustContain(t, r.Body, "There is a problem", "The email address or password is not right")
		mustNotContain(t, r.Body, "form-group--error", "not the password", "no account")
	}
	// Apart from the address typed back, the two answers are the same page.
	a := wrongPassword.Body
	b := noAccount.Body
	if len(a)-len("pat@example.org") != len(b)-len("nobody@example.org") {
		t.Errorf("the answers differ beyond the email address")
	}
	if got := f.get(t, c, "/my/training"); got.Status != http.StatusSeeOther {
		t.Errorf("a failed sign-in signed someone in: %d", got.Status)
	}
	// Empty fields are explained field by field, without counting as an attempt.
	r := f.post(t, c, "/login", login("", "", ""))
	if r.Status != http.StatusUnprocessableEntity {
		t.Errorf("empty form: %d", r.Status)
	}
	mustContain(t, r.Body, `href="#email"`, "Enter your email address", `href="#password"`, "Enter your password", `id="email"`, `id="password"`)
}

func TestLogoutEndsTheSession(t *testing.T) {
	f := newFixture(t)
	c := f.signedIn(t, "pat@example.org")
	u, _ := url.Parse(f.URL)
	var old *http.Cookie
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "th_session" {
			old = ck
		}
	}
	if old == nil {
		t.Fatal("no session cookie after sign-in")
	}
	r := f.post(t, c, "/logout", nil)
	if r.Status != http.StatusSeeOther || r.Location != "/courses" {
		t.Fatalf("logout: %d %q", r.Status, r.Location)
	}
	mustContain(t, f.follow(t, c, r).Body, "You have signed out", `href="/login"`)

	// Someone holding the old cookie is not signed in any more.
	replay := f.Browser(t)
	replay.Jar.SetCookies(u, []*http.Cookie{{Name: old.Name, Value: old.Value, Path: "/"}})
	if got := f.get(t, replay, "/my/training"); got.Status != http.StatusSeeOther || got.Location != "/login?next=%2Fmy%2Ftraining" {
		t.Fatalf("old cookie after logout: %d %q", got.Status, got.Location)
	}
}

func TestLoginRenewsTheSessionToken(t *testing.T) {
	f := newFixture(t)
	c := f.Browser(t)
	u, _ := url.Parse(f.URL)
	f.post(t, c, "/logout", nil) // leaves an anonymous session with a flash
	var before string
	for _, ck := range c.Jar.Cookies(u) {
		before = ck.Value
	}
	if before == "" {
		t.Fatal("no anonymous session cookie to compare with")
	}
	f.SignIn(t, c, "pat@example.org")
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Value == before {
			t.Fatal("the session token was not renewed at sign-in")
		}
	}
}

func register(name, email, org, password, confirm string) url.Values {
	return url.Values{"name": {name}, "email": {email}, "job_title": {"School nurse"},
		"organisation_id": {org}, "password": {password}, "password_confirm": {confirm}}
}

func TestRegistration(t *testing.T) {
	f := newFixture(t)
	health := f.Org(t, "Royal United Hospitals", account.Health)
	c := f.Browser(t)
	r := f.get(t, c, "/register")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /register: %d", r.Status)
	}
	mustContain(t, r.Body, "Royal United Hospitals", "Bath Police", `id="organisation_id"`, `id="password_confirm"`)

	users := f.count(t, "users")
	r = f.post(t, c, "/register", register("Sam Jones", "Sam.Jones@Example.org", id(health.ID), "plum tree lane", "plum tree lane"))
	if r.Status != http.StatusOK {
		t.Fatalf("register: %d %q %.500s", r.Status, r.Location, r.Body)
	}
	// Nobody is signed in yet: the address must be confirmed first.
	mustContain(t, r.Body, "Check your email", "sam.jones@example.org")
	if got := f.get(t, c, "/my/training"); got.Status != http.StatusSeeOther {
		t.Errorf("registering signed someone in: %d", got.Status)
	}
	u, err := f.Accounts.UserByEmail(context.Background(), "sam.jones@example.org")
	if err != nil || !u.Has(account.Practitioner) || u.Has(account.Admin) || u.OrganisationID != health.ID || u.JobTitle != "School nurse" {
		t.Fatalf("registered user: %+v %v", u, err)
	}
	// example.org is not the hospital's domain: Sam asks to join it.
	if u.EmailConfirmed || u.Membership != account.Requested {
		t.Fatalf("registered user: confirmed %v membership %s", u.EmailConfirmed, u.Membership)
	}
	if f.count(t, "users") != users+1 {
		t.Fatal("want exactly one new user")
	}

	// The same address in another case gets the same answer and creates nothing.
	r = f.post(t, f.Browser(t), "/register", register("Sam Again", "SAM.JONES@example.ORG", id(health.ID), "plum tree lane", "plum tree lane"))
	if r.Status != http.StatusOK {
		t.Fatalf("duplicate: %d", r.Status)
	}
	mustContain(t, r.Body, "Check your email")
	mustNotContain(t, r.Body, "An account already uses that email address", "form-group--error")
	if f.count(t, "users") != users+1 {
		t.Fatal("a duplicate registration created a user")
	}

	bad := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"passwords differ", register("A B", "ab@example.org", id(health.ID), "plum tree lane", "plum tree lain"), "password_confirm"},
		{"short password", register("A B", "ab@example.org", id(health.ID), "short", "short"), "password"},
		{"common password", register("A B", "ab@example.org", id(health.ID), "password123", "password123"), "password"},
		{"no organisation", register("A B", "ab@example.org", "", "plum tree lane", "plum tree lane"), "organisation_id"},
		{"made-up organisation", register("A B", "ab@example.org", "99999", "plum tree lane", "plum tree lane"), "organisation_id"},
		{"bad email", register("A B", "not an email", id(health.ID), "plum tree lane", "plum tree lane"), "email"},
		{"no name", register("", "ab@example.org", id(health.ID), "plum tree lane", "plum tree lane"), "name"},
	}
	users = f.count(t, "users")
	for _, tc := range bad {
		r := f.post(t, f.Browser(t), "/register", tc.form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d", tc.name, r.Status)
		}
		mustContain(t, r.Body, `href="#`+tc.field+`"`, `id="`+tc.field+`"`)
		mustNotContain(t, r.Body, "plum tree")
	}
	// Every problem shows at once, including the account package's own checks.
	r = f.post(t, f.Browser(t), "/register", register("", "not an email", "", "short", "different"))
	if r.Status != http.StatusUnprocessableEntity {
		t.Errorf("several problems: %d", r.Status)
	}
	for _, field := range []string{"name", "email", "organisation_id", "password_confirm"} {
		mustContain(t, r.Body, `href="#`+field+`"`)
	}
	if f.count(t, "users") != users {
		t.Error("bad registrations created users")
	}

	// Switched off: a clear page, and nothing is created.
	if err := f.Accounts.SetRegistrationOpen(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	r = f.get(t, f.Browser(t), "/register")
	if r.Status != http.StatusForbidden {
		t.Errorf("closed GET: %d", r.Status)
	}
	mustContain(t, r.Body, "Registration is closed")
	mustNotContain(t, r.Body, `name="password"`)
	r = f.post(t, f.Browser(t), "/register", register("Late Comer", "late@example.org", id(health.ID), "plum tree lane", "plum tree lane"))
	if r.Status != http.StatusForbidden {
		t.Errorf("closed POST: %d", r.Status)
	}
	if f.count(t, "users") != users {
		t.Error("registration while closed created a user")
	}
}
