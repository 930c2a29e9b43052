package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/server"
	"github.com/traininghub/traininghub/internal/testkit"
)

// signupPagePaths gives the self-registration pages an address: a waiting join request
// and a working confirmation link.
func (f *fixture) signupPagePaths(t *testing.T) map[string]string {
	t.Helper()
	f.registerDirect(t, "joiner@elsewhere.example", f.Police.ID)
	f.confirmDirect(t, "joiner@elsewhere.example")
	f.registerDirect(t, "fresh@elsewhere.example", f.Police.ID)
	return map[string]string{
		"/account/email":           "/account/email",
		"/join-requests":           "/join-requests",
		"/join-requests/:id":       "/join-requests/" + id(f.joinRequestID(t, "joiner@elsewhere.example")),
		"/register/confirm/:token": "/register/confirm/" + f.confirmToken(t, "fresh@elsewhere.example"),
	}
}

func (f *fixture) registerDirect(t *testing.T, email string, orgID int64) {
	t.Helper()
	if err := f.Accounts.Register(context.Background(), account.Registration{Name: "Person " + email, Email: email,
		JobTitle: "Social worker", Password: "plum tree lane", OrganisationID: orgID}); err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
}

func (f *fixture) confirmDirect(t *testing.T, email string) {
	t.Helper()
	if _, err := f.Accounts.ConfirmEmail(context.Background(), f.confirmToken(t, email)); err != nil {
		t.Fatalf("confirm %s: %v", email, err)
	}
}

// confirmToken mints the newest confirmation email's link to email, as the worker does
// when it sends it, and returns what the person would read in their inbox.
func (f *fixture) confirmToken(t *testing.T, email string) string {
	t.Helper()
	return testkit.ConfirmLink(t, f.DB, f.Clock.Now, email)
}

func (f *fixture) lastSignupMail(t *testing.T, kind outbox.Kind, email string) account.SignupMessage {
	t.Helper()
	var raw []byte
	if err := f.DB.R.QueryRow(`SELECT payload FROM outbox WHERE kind = ? AND recipient_email = ? ORDER BY id DESC LIMIT 1`,
		kind, email).Scan(&raw); err != nil {
		t.Fatalf("no %s email to %s: %v", kind, email, err)
	}
	var p outbox.Payload
	var m account.SignupMessage
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(p.Data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func (f *fixture) mails(t *testing.T, kind outbox.Kind, email string) int {
	t.Helper()
	var n int
	if err := f.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE kind = ? AND recipient_email = ?`, kind, email).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) joinRequestID(t *testing.T, email string) int64 {
	t.Helper()
	var n int64
	if err := f.DB.R.QueryRow(`SELECT j.id FROM join_requests j JOIN users u ON u.id = j.user_id WHERE u.email = ?`, email).Scan(&n); err != nil {
		t.Fatalf("join request of %s: %v", email, err)
	}
	return n
}

func signup(name, email, org string) url.Values {
	return url.Values{"name": {name}, "email": {email}, "job_title": {"Constable"},
		"organisation_id": {org}, "password": {"plum tree lane"}, "password_confirm": {"plum tree lane"}}
}

// signInAs signs a browser in with the registration password.
func (f *fixture) signInAs(t *testing.T, email string) *http.Client {
	t.Helper()
	c := f.Browser(t)
	if r := f.post(t, c, "/login", login(email, "plum tree lane", "")); r.Status != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d %.300s", email, r.Status, r.Body)
	}
	return c
}

func (f *fixture) apiBook(t *testing.T, token string, sessionID int64) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.URL+"/api/v1/sessions/"+id(sessionID)+"/bookings", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	return do(t, f.Browser(t), req)
}

func (f *fixture) withDomains(t *testing.T, name string, typ account.OrgType, domains ...string) account.Organisation {
	t.Helper()
	o, err := f.Accounts.AddOrganisation(context.Background(), account.Organisation{Name: name, Type: typ, Domains: domains})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// The attack: four made-up accounts claim the police force and take the last
// places of a session. Now none of them can book, the real practitioner keeps her place,
// and the force's manager is only asked about the ones who confirm an address.
func TestFourFakePoliceAccountsCannotTakePlaces(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	force := f.withDomains(t, "Avon and Somerset Police", account.Police, "avonandsomerset.police.uk")
	f.User(t, "inspector@avonandsomerset.police.uk", force.ID, account.Manager)
	real := f.User(t, "real@avonandsomerset.police.uk", force.ID, account.Practitioner)
	sessionID := f.Session(t, f.CourseID, 5*24*time.Hour, 2)
	if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: sessionID, UserID: f.Pract.ID}); err != nil {
		t.Fatal(err)
	}

	for i, email := range []string{"fake1@mailinator.example", "fake2@mailinator.example", "fake3@avonandsomerset.police.uk", "fake4@mailinator.example"} {
		org := id(force.ID)
		if i == 2 {
			org = "" // found from the (made-up) police address
		}
		r := f.post(t, f.Browser(t), "/register", signup("Fake "+id(int64(i)), email, org))
		if r.Status != http.StatusOK {
			t.Fatalf("register %s: %d %.300s", email, r.Status, r.Body)
		}
		mustContain(t, r.Body, "Check your email")
		c := f.signInAs(t, email)
		page := f.get(t, c, "/sessions/"+id(sessionID)+"/book")
		if page.Status != http.StatusForbidden {
			t.Fatalf("%s book page: %d", email, page.Status)
		}
		mustContain(t, page.Body, "Confirm your email address before you book", `action="/account/email"`, "Send the link again")
		mustNotContain(t, page.Body, "Confirm booking")
		// Posting the booking form anyway changes nothing.
		if r := f.post(t, c, "/sessions/"+id(sessionID)+"/book", url.Values{"token": {strings.Repeat("a", 32)}}); r.Status != http.StatusForbidden {
			t.Errorf("%s POST book: %d", email, r.Status)
		}
		// Nor does the API, which says why and what to do.
		u, _ := f.Accounts.UserByEmail(ctx, email)
		token := f.Token(t, u)
		api := f.apiBook(t, token, sessionID)
		if api.Status != http.StatusForbidden || !strings.Contains(api.Body, "email_unconfirmed") || !strings.Contains(api.Body, "/api/v1/me/email-confirmation") {
			t.Errorf("%s API book: %d %s", email, api.Status, api.Body)
		}
		if i == 0 { // the API's "send the link again"
			before := f.mails(t, account.KindEmailConfirmation, email)
			req, _ := http.NewRequest(http.MethodPost, f.URL+"/api/v1/me/email-confirmation", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			if r := do(t, f.Browser(t), req); r.Status != http.StatusAccepted || f.mails(t, account.KindEmailConfirmation, email) != before+1 {
				t.Errorf("API resend: %d %s", r.Status, r.Body)
			}
		}
	}
	// A fake who can read the made-up outside address confirms it: that only asks the
	// force to approve, and still cannot book.
	c := f.signInAs(t, "fake1@mailinator.example")
	f.post(t, f.Browser(t), "/register/confirm/"+f.confirmToken(t, "fake1@mailinator.example"), nil)
	page := f.get(t, c, "/sessions/"+id(sessionID)+"/book")
	if page.Status != http.StatusForbidden {
		t.Fatalf("confirmed outsider book page: %d", page.Status)
	}
	mustContain(t, page.Body, "You cannot book until Avon and Somerset Police approves your account")
	if n := f.mails(t, account.KindJoinRequested, "inspector@avonandsomerset.police.uk"); n != 1 {
		t.Errorf("the force's manager got %d join requests, want 1 (only the confirmed one)", n)
	}

	// The real practitioner takes the last place.
	if res, err := f.Bookings.Book(ctx, booking.Request{SessionID: sessionID, UserID: real.ID}); err != nil || res.Booking.Status != booking.Confirmed {
		t.Fatalf("real practitioner: %+v %v", res, err)
	}
	var fakes int
	f.DB.R.QueryRow(`SELECT count(*) FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email LIKE 'fake%'`).Scan(&fakes)
	if fakes != 0 {
		t.Errorf("fake accounts hold %d bookings", fakes)
	}
}

// A confirmation link works once and for 24 hours; a new one can be asked for.
func TestConfirmationLinkIsSingleUseAndExpires(t *testing.T) {
	f := newFixture(t)
	nhs := f.withDomains(t, "Royal United Hospitals", account.Health, "ruh.nhs.uk")
	r := f.post(t, f.Browser(t), "/register", signup("Nia Nurse", "Nia@RUH.nhs.uk", ""))
	if r.Status != http.StatusOK {
		t.Fatalf("register: %d %.500s", r.Status, r.Body)
	}
	mustContain(t, r.Body, "Check your email", "nia@ruh.nhs.uk")
	u, err := f.Accounts.UserByEmail(context.Background(), "nia@ruh.nhs.uk")
	if err != nil || u.EmailConfirmed || u.OrganisationID != nhs.ID || u.Membership != account.Member {
		t.Fatalf("new account: %+v %v", u, err)
	}
	token := f.confirmToken(t, "nia@ruh.nhs.uk")

	// Opening the link changes nothing (mail scanners); the button confirms.
	anon := f.Browser(t)
	if g := f.get(t, anon, "/register/confirm/"+token); g.Status != http.StatusOK || !strings.Contains(g.Body, "Confirm my email address") {
		t.Fatalf("GET link: %d", g.Status)
	}
	if u, _ := f.Accounts.User(context.Background(), u.ID); u.EmailConfirmed {
		t.Fatal("opening the link confirmed the address")
	}
	p := f.post(t, anon, "/register/confirm/"+token, nil)
	if p.Status != http.StatusSeeOther || p.Location != "/login" {
		t.Fatalf("POST link: %d %q", p.Status, p.Location)
	}
	mustContain(t, f.follow(t, anon, p).Body, "Your email address is confirmed")
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		var again response
		if method == http.MethodGet {
			again = f.get(t, anon, "/register/confirm/"+token)
		} else {
			again = f.post(t, anon, "/register/confirm/"+token, nil)
		}
		if again.Status != http.StatusGone {
			t.Errorf("%s spent link: %d, want 410", method, again.Status)
		}
		mustContain(t, again.Body, "This link has expired or has already been used")
	}
	// Confirmed and on the hospital's domain: she books.
	c := f.signInAs(t, "nia@ruh.nhs.uk")
	if _, b := f.bookThroughPage(t, c, f.SessionID); b.Status != http.StatusSeeOther {
		t.Fatalf("confirmed member cannot book: %d %.300s", b.Status, b.Body)
	}

	// Another account lets its link lapse: after 24 hours it is dead; "send the link
	// again" mails a new one that works.
	f.post(t, f.Browser(t), "/register", signup("Late Larry", "larry@ruh.nhs.uk", ""))
	old := f.confirmToken(t, "larry@ruh.nhs.uk")
	f.Clock.Advance(24*time.Hour + time.Second)
	if r := f.post(t, f.Browser(t), "/register/confirm/"+old, nil); r.Status != http.StatusGone {
		t.Fatalf("expired link: %d", r.Status)
	}
	c = f.signInAs(t, "larry@ruh.nhs.uk")
	mustContain(t, f.get(t, c, "/my/training").Body, "Confirm your email address before you book", `href="/account/email"`)
	mustContain(t, f.get(t, c, "/account/email").Body, "Send the link again")
	if r := f.post(t, c, "/account/email", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("resend: %d", r.Status)
	}
	fresh := f.confirmToken(t, "larry@ruh.nhs.uk")
	if fresh == old {
		t.Fatal("no new link was sent")
	}
	if r := f.post(t, f.Browser(t), "/register/confirm/"+fresh, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("fresh link: %d", r.Status)
	}
	mustContain(t, f.get(t, c, "/account/email").Body, "Your email address is confirmed")
	mustNotContain(t, f.get(t, c, "/my/training").Body, "Confirm your email address", "You cannot book yet")
}

// An address on a shared domain (nhs.net) chooses among the organisations that use it;
// choosing one of them joins it, with no approval needed.
func TestSharedDomainChoosesAmongItsOrganisations(t *testing.T) {
	f := newFixture(t)
	a := f.withDomains(t, "Sirona Care and Health", account.Health, "nhs.net")
	b := f.withDomains(t, "Avon and Wiltshire Mental Health", account.Health, "nhs.net", "awp.nhs.uk")
	r := f.post(t, f.Browser(t), "/register", signup("Sam Shared", "sam.shared@nhs.net", ""))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("shared domain without a choice: %d", r.Status)
	}
	mustContain(t, r.Body, "Several organisations use your email address", `<optgroup label="Organisations using @nhs.net">`,
		"Sirona Care and Health", "Avon and Wiltshire Mental Health", `href="#organisation_id"`)
	if f.count(t, "users") != 2 {
		t.Fatal("an account was created without a choice")
	}
	if r := f.post(t, f.Browser(t), "/register", signup("Sam Shared", "sam.shared@nhs.net", id(b.ID))); r.Status != http.StatusOK {
		t.Fatalf("with a choice: %d", r.Status)
	}
	u, _ := f.Accounts.UserByEmail(context.Background(), "sam.shared@nhs.net")
	if u.OrganisationID != b.ID || u.Membership != account.Member {
		t.Fatalf("shared-domain member: org %d membership %s", u.OrganisationID, u.Membership)
	}
	_ = a
	// Every field's problem shows at once, the organisation's among them.
	r = f.post(t, f.Browser(t), "/register", url.Values{"email": {"x@nowhere.example"}, "password": {"short"}, "password_confirm": {"other"}})
	for _, field := range []string{"name", "organisation_id", "password", "password_confirm"} {
		mustContain(t, r.Body, `href="#`+field+`"`)
	}
	mustContain(t, r.Body, "No organisation uses your email address")
}

// An outside address asks to join; the organisation's manager approves it (another
// organisation's manager gets a 404), and only then does the person book and appear in
// the manager's matrix.
func TestJoinRequestApprovedByTheOrganisationsManager(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	charity := f.withDomains(t, "Barnardo's", account.Voluntary, "barnardos.org.uk")
	mgr := f.User(t, "boss@barnardos.org.uk", charity.ID, account.Manager)
	f.User(t, "other.boss@example.org", f.Police.ID, account.Manager)
	if r := f.post(t, f.Browser(t), "/register", signup("Vic Volunteer", "vic@gmail.example", id(charity.ID))); r.Status != http.StatusOK {
		t.Fatalf("register: %d", r.Status)
	}
	if f.count(t, "outbox WHERE kind = 'join_requested'") != 0 {
		t.Fatal("managers were asked before the address was confirmed")
	}
	f.post(t, f.Browser(t), "/register/confirm/"+f.confirmToken(t, "vic@gmail.example"), nil)
	m := f.lastSignupMail(t, account.KindJoinRequested, "boss@barnardos.org.uk")
	if m.PersonEmail != "vic@gmail.example" || m.Organisation != "Barnardo's" || m.RequestID == 0 {
		t.Fatalf("join request email: %+v", m)
	}
	reqPath := "/join-requests/" + id(m.RequestID)
	vic, _ := f.Accounts.UserByEmail(ctx, "vic@gmail.example")

	matrix := compliance.NewService(f.DB, f.Clock.Now)
	inMatrix := func() bool {
		mx, err := matrix.Matrix(ctx, charity.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range mx.People {
			if p.ID == vic.ID {
				return true
			}
		}
		return false
	}
	if inMatrix() {
		t.Fatal("an unapproved person is in the manager's matrix")
	}

	other := f.signedIn(t, "other.boss@example.org")
	if r := f.get(t, other, reqPath); r.Status != http.StatusNotFound {
		t.Errorf("another organisation's manager GET: %d, want 404", r.Status)
	}
	if r := f.post(t, other, reqPath, url.Values{"decision": {"approve"}}); r.Status != http.StatusNotFound {
		t.Errorf("another organisation's manager POST: %d, want 404", r.Status)
	}
	mustNotContain(t, f.get(t, other, "/join-requests").Body, "Vic Volunteer")

	boss := f.signedIn(t, mgr.Email)
	mustContain(t, f.get(t, boss, "/manager").Body, `href="/join-requests"`)
	mustContain(t, f.get(t, boss, "/join-requests").Body, "Vic Volunteer", `href="`+reqPath+`"`)
	r := f.post(t, boss, reqPath, url.Values{})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("no decision: %d", r.Status)
	}
	mustContain(t, r.Body, `href="#decision"`)
	r = f.post(t, boss, reqPath, url.Values{"decision": {"approve"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d %.300s", r.Status, r.Body)
	}
	mustContain(t, f.follow(t, boss, r).Body, "Vic Volunteer has joined Barnardo&#39;s")
	if f.mails(t, account.KindJoinApproved, "vic@gmail.example") != 1 {
		t.Error("no approval email")
	}
	if !inMatrix() {
		t.Error("an approved member is missing from the matrix")
	}
	if r := f.post(t, boss, reqPath, url.Values{"decision": {"decline"}}); r.Status != http.StatusSeeOther || r.Location != "/join-requests" {
		t.Errorf("second decision: %d %q", r.Status, r.Location)
	} else {
		mustContain(t, f.follow(t, boss, r).Body, "Someone has already decided that request")
	}
	if u, _ := f.Accounts.User(ctx, vic.ID); u.Membership != account.Member {
		t.Fatal("a second decision overturned the first")
	}
	c := f.signInAs(t, "vic@gmail.example")
	if _, b := f.bookThroughPage(t, c, f.SessionID); b.Status != http.StatusSeeOther {
		t.Fatalf("approved member cannot book: %d", b.Status)
	}
}

// Registering an address that already has an account looks exactly like a new
// registration and mails the owner instead.
func TestExistingAddressRegistrationIsIndistinguishable(t *testing.T) {
	f := newFixture(t)
	f.withDomains(t, "Bath College", account.Education, "bathcollege.example")
	fresh := f.post(t, f.Browser(t), "/register", signup("Abe Anyone", "abe@bathcollege.example", ""))
	taken := f.post(t, f.Browser(t), "/register", signup("Abe Anyone", "PAT@example.org", id(f.Police.ID)))
	if fresh.Status != http.StatusOK || taken.Status != http.StatusOK {
		t.Fatalf("statuses %d and %d, want 200 both", fresh.Status, taken.Status)
	}
	norm := func(s, email string) string { return strings.ReplaceAll(s, email, "EMAIL") }
	if norm(fresh.Body, "abe@bathcollege.example") != norm(taken.Body, "pat@example.org") {
		t.Error("the answers differ beyond the address")
	}
	mustNotContain(t, taken.Body, "already uses", "An account already", "form-group--error")
	if f.mails(t, account.KindAccountExists, "pat@example.org") != 1 {
		t.Fatal("the owner was not told")
	}
	if f.mails(t, account.KindEmailConfirmation, "pat@example.org") != 0 {
		t.Fatal("an existing account got a confirmation link")
	}
	// The owner's account is untouched, and cannot be flooded with warnings.
	u, _ := f.Accounts.UserByEmail(context.Background(), "pat@example.org")
	if u.Name == "Abe Anyone" || !u.EmailConfirmed {
		t.Fatalf("existing account changed: %+v", u)
	}
	for range 4 {
		f.post(t, f.Browser(t), "/register", signup("Abe Anyone", "pat@example.org", id(f.Police.ID)))
	}
	if n := f.mails(t, account.KindAccountExists, "pat@example.org"); n != 2 {
		t.Errorf("%d warnings in a day, want 2", n)
	}
}

// restart starts a second server over the same database file, as after a restart.
func restart(t *testing.T, f *fixture) string {
	t.Helper()
	db := testkit.DBAt(t, f.Path)
	accounts := testkit.Accounts(t, db, f.Clock.Now)
	app, err := server.New(server.Config{SiteName: "Restarted"}, server.Deps{
		DB: db, Accounts: accounts, Courses: course.NewService(db, f.Clock.Now), Bookings: booking.NewService(db, f.Clock.Now),
		Attendance: attendance.NewService(db, accounts, f.Clock.Now), Now: f.Clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(app.Handler)
	t.Cleanup(ts.Close)
	return ts.URL
}

// Registration is limited per client network, and the count survives a restart; the
// 429 page says when to try again.
func TestRegistrationLimitSurvivesARestart(t *testing.T) {
	f := newFixture(t)
	for i := range account.RegisterPerAddress {
		if r := f.post(t, f.Browser(t), "/register", signup("P", "p"+id(int64(i))+"@example.org", id(f.Police.ID))); r.Status != http.StatusOK {
			t.Fatalf("registration %d: %d", i+1, r.Status)
		}
	}
	f.HTTP.Close()
	f.URL = restart(t, f)
	r := f.post(t, f.Browser(t), "/register", signup("P", "one.more@example.org", id(f.Police.ID)))
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("after a restart: %d, want 429", r.Status)
	}
	// Started at 10:00 UTC on 25 November (GMT): the window ends at 11:00.
	mustContain(t, r.Body, "Too many requests", "Try again after 11:00am on Wednesday 25 November 2026", "in about 60 minutes")
	if _, err := f.Accounts.UserByEmail(context.Background(), "one.more@example.org"); err == nil {
		t.Fatal("a refused registration made an account")
	}
	// Password reset requests are limited the same way, and separately.
	for i := range account.ResetPerAddress {
		if r := f.post(t, f.Browser(t), "/password/forgot", url.Values{"email": {"r" + id(int64(i)) + "@example.org"}}); r.Status != http.StatusOK {
			t.Fatalf("reset request %d: %d", i+1, r.Status)
		}
	}
	f.URL = restart(t, f)
	if r := f.post(t, f.Browser(t), "/password/forgot", url.Values{"email": {"pat@example.org"}}); r.Status != http.StatusTooManyRequests {
		t.Fatalf("reset after a restart: %d, want 429", r.Status)
	}
	f.Clock.Advance(time.Hour)
	if r := f.post(t, f.Browser(t), "/register", signup("P", "one.more@example.org", id(f.Police.ID))); r.Status != http.StatusOK {
		t.Fatalf("an hour later: %d", r.Status)
	}
}
