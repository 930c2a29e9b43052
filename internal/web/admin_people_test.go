package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/outbox"
)

func personForm(name, email, org string, roles ...string) url.Values {
	return url.Values{"name": {name}, "email": {email}, "job_title": {"Social worker"}, "team": {"Duty"},
		"organisation_id": {org}, "roles": roles}
}

func TestAdminPeopleSearch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	school := f.Org(t, "Oldfield School", account.Education)
	for _, p := range []account.Person{
		{Name: "Sam Smith", Email: "sam@school.example.org", OrganisationID: school.ID, Roles: []account.Role{account.Practitioner}},
		{Name: "Gone Person", Email: "gone@school.example.org", OrganisationID: school.ID, Roles: []account.Role{account.Practitioner}},
	} {
		if _, err := f.Accounts.AddPerson(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	gone, _ := f.Accounts.UserByEmail(ctx, "gone@school.example.org")
	if err := f.Accounts.SetActive(ctx, gone.ID, false); err != nil {
		t.Fatal(err)
	}
	admin := f.signedIn(t, "ada@example.org")
	mustContain(t, f.get(t, admin, "/admin").Body, `href="/admin/people"`)

	found := func(path string) string {
		t.Helper()
		r := f.get(t, admin, path)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d %.300s", path, r.Status, r.Body)
		}
		return r.Body
	}
	// By name, email address and organisation; disabled accounts only when asked.
	b := found("/admin/people?q=SMITH")
	mustContain(t, b, "Sam Smith", `role="region"`, `tabindex="0"`)
	mustNotContain(t, b, "Person pat@example.org")
	mustContain(t, found("/admin/people?q=pat%40example"), "Person pat@example.org")
	b = found("/admin/people?q=oldfield")
	mustContain(t, b, "Sam Smith")
	mustNotContain(t, b, "Gone Person", "Person pat@example.org")
	mustContain(t, found("/admin/people?q=oldfield&disabled=yes"), "Gone Person", "Disabled")
	b = found("/admin/people?q=&organisation=" + id(f.Police.ID))
	mustContain(t, b, "Person pat@example.org", "Person ada@example.org", `selected>Bath Police`)
	mustNotContain(t, b, "Sam Smith")
	mustContain(t, found("/admin/people?q=nobody-at-all"), "No one matches")
	// A filter that is not on the list is explained, not a 500.
	bad := f.get(t, admin, "/admin/people?organisation=abc&q="+strings.Repeat("x", 201))
	if bad.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad search: %d", bad.Status)
	}
	mustContain(t, bad.Body, "Choose an organisation from the list", "200 characters or fewer")

	// Past the cap, the page says so.
	for i := range 51 {
		if _, err := f.Accounts.AddPerson(ctx, account.Person{Name: "Many " + id(int64(i)), Email: "many" + id(int64(i)) + "@example.org",
			OrganisationID: school.ID, Roles: []account.Role{account.Practitioner}}); err != nil {
			t.Fatal(err)
		}
	}
	b = found("/admin/people?q=many")
	mustContain(t, b, "Showing the first 50 people", "Refine your search")
	if n := strings.Count(b, `<a href="/admin/people/`); n != 50 {
		t.Errorf("%d people shown, want 50", n)
	}
	// Only admins.
	pract := f.signedIn(t, "pat@example.org")
	if r := f.get(t, pract, "/admin/people"); r.Status != http.StatusForbidden {
		t.Errorf("practitioner: %d", r.Status)
	}
}

func TestAdminAddPersonEmailsASetPasswordLink(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, "ada@example.org")
	form := f.get(t, admin, "/admin/people/new")
	mustContain(t, form.Body, `name="roles" value="admin"`, `id="roles"`, "Bath Police")
	r := f.post(t, admin, "/admin/people/new", personForm("Kim Lee", "Kim@Example.org", id(f.Police.ID), "trainer", "manager"))
	page := f.follow(t, admin, r)
	mustContain(t, page.Body, "Kim Lee has been added", "kim@example.org", "trainer, manager", "Social worker", "Duty")
	kim, err := f.Accounts.UserByEmail(context.Background(), "kim@example.org")
	if err != nil {
		t.Fatal(err)
	}
	var raw string
	if err := f.DB.R.QueryRow(`SELECT payload FROM outbox WHERE kind = ? AND user_id = ?`, outbox.PasswordReset, kim.ID).Scan(&raw); err != nil {
		t.Fatalf("no set-password email in the outbox: %v", err)
	}
	var p outbox.Payload
	if err := json.Unmarshal([]byte(raw), &p); err != nil || p.Reset == nil || !p.Reset.Welcome {
		t.Fatalf("payload %s (%v)", raw, err)
	}
	// The link lets them choose a password and sign in.
	link := f.latestResetToken(t, kim.ID)
	anon := f.Browser(t)
	if r := f.get(t, anon, "/password/reset/"+link); r.Status != http.StatusOK {
		t.Fatalf("set-password link: %d", r.Status)
	}
	done := f.post(t, anon, "/password/reset/"+link, newPassword("a long new passphrase", "a long new passphrase"))
	if done.Status != http.StatusSeeOther {
		t.Fatalf("choosing a password: %d %.300s", done.Status, done.Body)
	}
	if _, err := f.Accounts.Authenticate(context.Background(), "kim@example.org", "a long new passphrase"); err != nil {
		t.Errorf("cannot sign in with the chosen password: %v", err)
	}
	// The same address again is refused.
	again := f.post(t, admin, "/admin/people/new", personForm("Kim Again", "KIM@example.org", id(f.Police.ID), "practitioner"))
	if again.Status != http.StatusUnprocessableEntity {
		t.Errorf("duplicate add: %d", again.Status)
	}
	mustContain(t, again.Body, "Another account already uses this email address", `value="Kim Again"`)
}

func TestAdminEditPersonShowsEveryErrorAtOnce(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, "ada@example.org")
	path := "/admin/people/" + id(f.Pract.ID) + "/edit"
	mustContain(t, f.get(t, admin, path).Body, `value="pat@example.org"`, `value="practitioner" aria-describedby="roles-hint" checked`)
	bad := url.Values{"name": {"  "}, "email": {"ADA@example.org"}, "job_title": {"x"}, "team": {strings.Repeat("t", 201)},
		"organisation_id": {"999999"}}
	r := f.post(t, admin, path, bad)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("edit with errors: %d", r.Status)
	}
	mustContain(t, r.Body, "There is a problem",
		"Enter the person&#39;s full name", "Another account already uses this email address",
		"Team must be 200 characters or fewer", "Choose an organisation from the list", "Choose at least one role",
		`href="#name"`, `href="#email"`, `href="#team"`, `href="#organisation_id"`, `href="#roles"`,
		`aria-invalid="true"`, `value="ADA@example.org"`)
	u, _ := f.Accounts.User(context.Background(), f.Pract.ID)
	if u.Email != "pat@example.org" || u.Name != f.Pract.Name || !u.Has(account.Practitioner) {
		t.Errorf("a refused edit changed the person: %+v", u)
	}
	// A good edit saves.
	ok := f.post(t, admin, path, personForm("Pat Jones", "pat.jones@example.org", id(f.Police.ID), "practitioner", "trainer"))
	mustContain(t, f.follow(t, admin, ok).Body, "Details saved", "Pat Jones", "pat.jones@example.org", "practitioner, trainer")
}

func TestAdminCannotRemoveOwnAdminRoleOrDisableThemselves(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, "ada@example.org")
	self := "/admin/people/" + id(f.Admin.ID)
	r := f.post(t, admin, self+"/edit", personForm("Ada", "ada@example.org", id(f.Police.ID), "practitioner"))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("removing own admin role: %d", r.Status)
	}
	mustContain(t, r.Body, "You cannot remove your own admin role")
	page := f.get(t, admin, self)
	mustNotContain(t, page.Body, self+"/disable")
	d := f.post(t, admin, self+"/disable", nil)
	if d.Status != http.StatusConflict {
		t.Errorf("disabling self: %d", d.Status)
	}
	mustContain(t, d.Body, "You cannot disable your own account")
	if u, _ := f.Accounts.User(context.Background(), f.Admin.ID); !u.Active || !u.IsAdmin() {
		t.Errorf("admin changed: %+v", u)
	}
	// A disabled admin loses the admin pages at once.
	other := f.User(t, "otto@example.org", f.Police.ID, account.Admin)
	ottoBrowser := f.signedIn(t, "otto@example.org")
	if _, err := f.Accounts.SetPersonActive(context.Background(), f.Admin.ID, other.ID, false); err != nil {
		t.Fatal(err)
	}
	if r := f.get(t, ottoBrowser, "/admin/people"); r.Status == http.StatusOK {
		t.Error("a disabled admin still sees admin pages")
	}
}

func TestAdminDisableEndsSessionsAndTokensAtOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pat := f.signedIn(t, "pat@example.org")
	if r := f.get(t, pat, "/my/training"); r.Status != http.StatusOK {
		t.Fatalf("pat signed in: %d", r.Status)
	}
	token := f.Token(t, f.Pract)
	api := func() int {
		req, _ := http.NewRequest(http.MethodGet, f.URL+"/api/v1/me/bookings", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		return do(t, http.DefaultClient, req).Status
	}
	if s := api(); s != http.StatusOK {
		t.Fatalf("token before: %d", s)
	}
	feed, err := f.Accounts.ResetCalendarToken(ctx, f.Pract.ID)
	if err != nil {
		t.Fatal(err)
	}

	admin := f.signedIn(t, "ada@example.org")
	person := "/admin/people/" + id(f.Pract.ID)
	mustContain(t, f.get(t, admin, person+"/disable").Body, "signed out", "API tokens")
	r := f.follow(t, admin, f.post(t, admin, person+"/disable", nil))
	mustContain(t, r.Body, "account is disabled", "1 sign-in session", "1 API token", "calendar feed", "Enable account")

	if s := api(); s != http.StatusUnauthorized {
		t.Errorf("a disabled person's API token: %d, want 401", s)
	}
	if r := f.get(t, pat, "/my/training"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Errorf("a disabled person's browser: %d %q", r.Status, r.Location)
	}
	var sessions int
	_ = f.DB.R.QueryRow(`SELECT count(*) FROM web_sessions`).Scan(&sessions)
	if sessions != 1 { // the admin's only
		t.Errorf("%d sign-in sessions left, want the admin's 1", sessions)
	}
	// Enabling brings back neither the token nor the old feed address.
	mustContain(t, f.follow(t, admin, f.post(t, admin, person+"/enable", nil)).Body, "account is enabled")
	if s := api(); s != http.StatusUnauthorized {
		t.Errorf("token after enabling: %d", s)
	}
	if _, err := f.Accounts.UserByCalendarToken(ctx, feed); err == nil {
		t.Error("old calendar feed works after enabling")
	}
}

func TestAdminSendsPasswordResetLink(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, "ada@example.org")
	person := "/admin/people/" + id(f.Pract.ID)
	r := f.follow(t, admin, f.post(t, admin, person+"/password-link", nil))
	mustContain(t, r.Body, "We have emailed pat@example.org a link")
	if tok := f.latestResetToken(t, f.Pract.ID); tok == "" {
		t.Error("no link")
	}
	for range 2 {
		f.post(t, admin, person+"/password-link", nil)
	}
	fourth := f.post(t, admin, person+"/password-link", nil)
	if fourth.Status != http.StatusConflict {
		t.Errorf("fourth link: %d", fourth.Status)
	}
	mustContain(t, fourth.Body, "already has 3 password links")
}

func TestAdminMergeThroughPages(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	dup := f.User(t, "pat.old@example.org", f.Police.ID, account.Practitioner)
	other := f.User(t, "olly@example.org", f.Police.ID, account.Practitioner)
	// A two-place session: both of Pat's accounts hold a place, Olly waits.
	two := f.Session(t, f.CourseID, 10*24*time.Hour, 2)
	var keptBooking, dupBooking int64
	for i, u := range []*account.User{f.Pract, dup, other} {
		res, err := f.Bookings.Book(ctx, booking.Request{SessionID: two, UserID: u.ID, ActorID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		switch i {
		case 0:
			keptBooking = res.Booking.ID
		case 1:
			dupBooking = res.Booking.ID
		}
	}
	// The duplicate alone on the fixture session.
	if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: f.SessionID, UserID: dup.ID, ActorID: dup.ID}); err != nil {
		t.Fatal(err)
	}
	admin := f.signedIn(t, "ada@example.org")
	keep := "/admin/people/" + id(f.Pract.ID)

	choose := f.get(t, admin, keep+"/merge?q=pat")
	mustContain(t, choose.Body, keep+"/merge/"+id(dup.ID), "The account to keep")
	confirm := f.get(t, admin, keep+"/merge/"+id(dup.ID))
	if confirm.Status != http.StatusOK {
		t.Fatalf("confirmation: %d %.500s", confirm.Status, confirm.Body)
	}
	mustContain(t, confirm.Body, "2 bookings", "Sessions both accounts are on", "Safeguarding level 2",
		"Merge these accounts", "pat.old@example.org")
	if b, _ := f.Bookings.Booking(ctx, dupBooking); b.Status != booking.Confirmed || b.UserID != dup.ID {
		t.Fatalf("the confirmation page changed a booking: %+v", b)
	}

	done := f.follow(t, admin, f.post(t, admin, keep+"/merge/"+id(dup.ID), nil))
	mustContain(t, done.Body, "Merged:", "Accounts merged into this one", "pat.old@example.org",
		"2 bookings moved", "Both accounts were on Safeguarding level 2")
	if b, _ := f.Bookings.Booking(ctx, keptBooking); b.Status != booking.Confirmed {
		t.Errorf("kept place: %s", b.Status)
	}
	if b, _ := f.Bookings.Booking(ctx, dupBooking); b.Status != booking.Cancelled || b.UserID != f.Pract.ID {
		t.Errorf("duplicate place: %+v", b)
	}
	s := f.session(t, two)
	if s.Confirmed != 2 {
		t.Errorf("confirmed count %d, want 2 (Pat and Olly, promoted)", s.Confirmed)
	}
	if len(f.bookingsOf(t, dup.ID)) != 0 || len(f.bookingsOf(t, f.Pract.ID)) != 3 {
		t.Errorf("bookings: duplicate %d, kept %d", len(f.bookingsOf(t, dup.ID)), len(f.bookingsOf(t, f.Pract.ID)))
	}
	d, _ := f.Accounts.User(ctx, dup.ID)
	if d.Active {
		t.Error("duplicate still active")
	}
	mustContain(t, f.get(t, admin, "/admin/people/"+id(dup.ID)).Body, "merged into another account")
}

func TestAdminMergeRefusesBadInput(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	dup := f.User(t, "pat.old@example.org", f.Police.ID, account.Practitioner)
	gone := f.User(t, "gone@example.org", f.Police.ID, account.Practitioner)
	if err := f.Accounts.SetActive(ctx, gone.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: f.SessionID, UserID: dup.ID, ActorID: dup.ID}); err != nil {
		t.Fatal(err)
	}
	admin := f.signedIn(t, "ada@example.org")
	for _, c := range []struct{ path, want string }{
		{"/admin/people/" + id(f.Pract.ID) + "/merge/" + id(f.Pract.ID), "an account cannot be merged into itself"},
		{"/admin/people/" + id(f.Pract.ID) + "/merge/999999", "There is no account with that number to merge"},
		{"/admin/people/" + id(gone.ID) + "/merge/" + id(dup.ID), "The account to keep is disabled"},
		{"/admin/people/" + id(f.Pract.ID) + "/merge/" + id(f.Admin.ID), "signed in with"},
	} {
		for _, r := range []response{f.get(t, admin, c.path), f.post(t, admin, c.path, nil)} {
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d", c.path, r.Status)
			}
			mustContain(t, r.Body, c.want, "Nothing has been changed")
		}
	}
	if n := f.count(t, "account_merges"); n != 0 {
		t.Errorf("%d merges recorded", n)
	}
	if len(f.bookingsOf(t, dup.ID)) != 1 {
		t.Error("a refused merge moved a booking")
	}
	if r := f.get(t, admin, "/admin/people/"+id(f.Pract.ID)+"/merge/abc"); r.Status != http.StatusNotFound {
		t.Errorf("bad id: %d", r.Status)
	}
}

// peoplePagePaths gives the people pages real addresses for TestEveryPageRenders.
func (f *fixture) peoplePagePaths(t *testing.T) map[string]string {
	dup := f.User(t, "pages.duplicate@example.org", f.Police.ID, account.Practitioner)
	p := "/admin/people/" + id(f.Pract.ID)
	return map[string]string{
		"/admin/people":                      "/admin/people?q=pat&organisation=" + id(f.Police.ID) + "&disabled=yes",
		"/admin/people/new":                  "/admin/people/new",
		"/admin/people/:id":                  p,
		"/admin/people/:id/edit":             p + "/edit",
		"/admin/people/:id/disable":          p + "/disable",
		"/admin/people/:id/merge":            p + "/merge?q=person",
		"/admin/people/:id/merge/:duplicate": p + "/merge/" + id(dup.ID),
	}
}
