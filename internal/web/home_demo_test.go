package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/demo"
	"github.com/traininghub/traininghub/internal/home"
	"github.com/traininghub/traininghub/internal/server/servertest"
)

// demoFixture is a running server over the demo partnership, with its sign-ins.
type demoFixture struct {
	*fixture
	logins map[account.Role]demo.Login
}

func newDemoFixture(t *testing.T) *demoFixture {
	t.Helper()
	s := servertest.New(t)
	logins, err := demo.Seed(context.Background(), s.Accounts, s.Courses, s.Bookings, s.Clock.Now())
	if err != nil {
		t.Fatalf("demo.Seed: %v", err)
	}
	d := &demoFixture{fixture: &fixture{Server: s}, logins: map[account.Role]demo.Login{}}
	for _, l := range logins {
		d.logins[l.Role] = l
	}
	return d
}

// as signs a browser in with the demo sign-in of role.
func (d *demoFixture) as(t *testing.T, role account.Role) *http.Client {
	t.Helper()
	l := d.logins[role]
	c := d.Browser(t)
	if r := d.post(t, c, "/login", url.Values{"email": {l.Email}, "password": {l.Password}}); r.Status != http.StatusSeeOther {
		t.Fatalf("demo sign-in as %s: %d", l.Email, r.Status)
	}
	return c
}

var registerNowRE = regexp.MustCompile(`<a class="button" href="/trainer/sessions/(\d+)/register">Take the register`)

// TestDemoTrainerTakesTheRegisterNow: in the demo, the trainer's session that started 20
// minutes before the demo began leads their home as "Take the register now", linking
// straight to its register; the admin's to-do does not count it as overdue.
func TestDemoTrainerTakesTheRegisterNow(t *testing.T) {
	d := newDemoFixture(t)
	ctx := context.Background()
	now := d.Clock.Now()
	trainer, err := d.Accounts.UserByEmail(ctx, "trainer@example.org")
	if err != nil {
		t.Fatal(err)
	}
	regs, err := home.RegistersWaiting(ctx, d.DB, trainer.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	var underWay []home.RegisterDue
	for _, r := range regs {
		if r.UnderWay {
			underWay = append(underWay, r)
		}
	}
	if len(underWay) != 1 || now.Sub(underWay[0].StartsAt) < 20*60e9 || now.Sub(underWay[0].StartsAt) >= 25*60e9 {
		t.Fatalf("the demo trainer's sessions under way: %+v; want one that started 20 to 25 minutes ago", underWay)
	}
	started := underWay[0].SessionID

	body := d.get(t, d.as(t, account.Trainer), "/").Body
	m := registerNowRE.FindAllStringSubmatch(body, -1)
	if len(m) != 1 || m[0][1] != id(started) {
		t.Fatalf("the trainer's home offers %q to take now, want session %d", m, started)
	}
	// It comes straight after the greeting: the first heading after the h1.
	h1 := strings.Index(body, "<h1>")
	if top := strings.Index(body, `<h2 id="register-now">Take the register now</h2>`); h1 < 0 || top < 0 ||
		strings.Index(body[h1:], "<h2") != top-h1 || strings.Contains(body[h1:top], "<nav") {
		t.Error("Take the register now is not the first thing after the greeting on the trainer's home")
	}
	if r := d.get(t, d.as(t, account.Trainer), "/trainer/sessions/"+id(started)+"/register"); r.Status != http.StatusOK {
		t.Errorf("the link to take the register answers %d", r.Status)
	}

	// The admin's to-do: the session under way is not overdue, on the count or the list.
	admin := d.as(t, account.Admin)
	overdue := d.get(t, admin, "/admin/registers/overdue").Body
	if strings.Contains(overdue, `/trainer/sessions/`+id(started)+`/register"`) {
		t.Error("the session under way is listed as overdue")
	}
	listed, err := home.OverdueRegisters(ctx, d.DB, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range listed {
		if r.SessionID == started {
			t.Error("OverdueRegisters counts the session under way")
		}
	}
	if strings.Count(overdue, `<li class="home-card">`) != len(listed) {
		t.Errorf("the overdue page shows %d registers, the to-do counts %d", strings.Count(overdue, `<li class="home-card">`), len(listed))
	}
}
