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
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/testkit"
)

// The sections of the home page, by the id of their heading.
const (
	secTodo     = `id="todo"`
	secTeaching = `id="teaching"`
	secPartner  = `id="partner"`
	secStaff    = `id="staff"`
	secOwn      = `id="training"`
)

var allSections = []string{secTodo, secTeaching, secPartner, secStaff, secOwn}

// homeHas checks that the home shows exactly the sections in want, in that order.
func homeHas(t *testing.T, who, body string, want ...string) {
	t.Helper()
	last := -1
	for _, s := range want {
		i := strings.Index(body, s)
		if i < 0 {
			t.Errorf("%s: home lacks section %s", who, s)
			continue
		}
		if i < last {
			t.Errorf("%s: section %s is out of order", who, s)
		}
		last = i
	}
	for _, s := range allSections {
		wanted := false
		for _, w := range want {
			wanted = wanted || w == s
		}
		if !wanted && strings.Contains(body, s) {
			t.Errorf("%s: home shows section %s, which is not theirs", who, s)
		}
	}
}

func TestHomeForAnonymousIsTheCourseList(t *testing.T) {
	f := newFixture(t)
	if r := f.get(t, f.Browser(t), "/"); r.Status != http.StatusSeeOther || r.Location != "/courses" {
		t.Fatalf("anonymous GET /: %d %q", r.Status, r.Location)
	}
}

func TestSignInLandsOnHome(t *testing.T) {
	f := newFixture(t)
	c := f.Browser(t)
	r := f.post(t, c, "/login", login("pat@example.org", testkit.Password, ""))
	if r.Status != http.StatusSeeOther || r.Location != "/" {
		t.Fatalf("sign-in without next: %d %q", r.Status, r.Location)
	}
	home := f.get(t, c, "/")
	if home.Status != http.StatusOK {
		t.Fatalf("GET /: %d", home.Status)
	}
	mustContain(t, home.Body, "<h1>Hello, Person pat@example.org</h1>", `<a href="/">Home</a>`)
	// A safe next still wins; an unsafe one lands on the home.
	if r := f.post(t, f.Browser(t), "/login", login("pat@example.org", testkit.Password, "/my/record")); r.Location != "/my/record" {
		t.Errorf("safe next: %q", r.Location)
	}
	if r := f.post(t, f.Browser(t), "/login", login("pat@example.org", testkit.Password, "https://evil.example/")); r.Location != "/" {
		t.Errorf("unsafe next: %q", r.Location)
	}
}

// TestHomePractitioner: next sessions with London times, waiting lists with position,
// the training required of them with due dates and a Book button that goes straight to
// the next session with places.
func TestHomePractitioner(t *testing.T) {
	f := newMgrFixture(t)
	ctx := context.Background()
	// Ben (social care) must do CSE and has nothing. A CSE session with places on
	// 1 December (GMT); another course's session that is full, where Ben waits second.
	cse := f.Session(t, f.CSE, 6*24*time.Hour, 5)
	other := f.recCourse(t, course.CourseInput{Title: "Neglect"})
	full := f.Session(t, other, 3*24*time.Hour, 1)
	for _, u := range []*account.User{f.Ann, f.Fred, f.Ben} {
		if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: full, UserID: u.ID}); err != nil {
			t.Fatal(err)
		}
	}
	// Ann has a place on a summer session: its time shows in British Summer Time.
	summer := f.Session(t, other, 200*24*time.Hour, 5)
	if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: summer, UserID: f.Ann.ID}); err != nil {
		t.Fatal(err)
	}

	ben := f.signedIn(t, "ben@example.org")
	r := f.get(t, ben, "/")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /: %d", r.Status)
	}
	homeHas(t, "practitioner", r.Body, secOwn)
	mustContain(t, r.Body, "Training required of you", "Child sexual exploitation awareness", "<p>Due now: not done yet</p>",
		`<a class="button" href="/sessions/`+id(cse)+`/book">Book<span class="visually-hidden"> Child sexual exploitation awareness</span></a>`,
		"Waiting lists", "number 2 on the waiting list", "You have no sessions booked")
	mustNotContain(t, r.Body, "On this page")

	ann := f.signedIn(t, "ann@example.org")
	r = f.get(t, ann, "/")
	// Ann's CSE is current: no Book button for it. Her summer session, at 12:00 UTC like
	// the clock, shows in British Summer Time.
	mustContain(t, r.Body, "<strong class=\"tag tag--green\">Done</strong>", "Renew by ", "Neglect</strong><br>", "Sunday 13 June 2027, 1:00pm to 4:00pm")
	mustNotContain(t, r.Body, `href="/sessions/`+id(cse)+`/book"`)
}

// TestHomeShowsEachRoleItsOwnSections signs in one person per role, and one with several.
func TestHomeShowsEachRoleItsOwnSections(t *testing.T) {
	f := newMgrFixture(t)
	ctx := context.Background()

	// Admin: the to-do list and their own training.
	r := f.get(t, f.AdminC, "/")
	homeHas(t, "admin", r.Body, secTodo, secOwn)
	mustContain(t, r.Body, "On this page", "registers overdue", "failed emails")

	// Manager: their staff, not other organisations'.
	r = f.get(t, f.Mgr, "/")
	homeHas(t, "manager", r.Body, secStaff, secOwn)
	mustContain(t, r.Body, "Ben Baker", `href="/manager/people/`+id(f.Ben.ID)+`/book"`,
		`action="/manager/people/`+id(f.Ben.ID)+`/remind"`, "Each person is counted once")
	mustNotContain(t, r.Body, "Gus Grant", "Ann Archer") // another organisation; up to date

	// Trainer: a session under way with its register open, and the upcoming/past filter.
	tom := f.User(t, "tom@example.org", f.Police.ID, account.Trainer)
	start := f.Clock.Now().Add(-time.Hour)
	past, err := f.Courses.CreateSession(ctx, course.SessionInput{CourseID: f.CourseID, StartsAt: f.Clock.Now().Add(time.Minute),
		EndsAt: f.Clock.Now().Add(3 * time.Hour), Venue: "Keynsham", Capacity: 4, TrainerIDs: []int64{tom.ID}})
	if err != nil {
		t.Fatal(err)
	}
	later, err := f.Courses.CreateSession(ctx, course.SessionInput{CourseID: f.CourseID, StartsAt: start.Add(72 * time.Hour),
		EndsAt: start.Add(75 * time.Hour), Venue: "Bath", Capacity: 4, TrainerIDs: []int64{tom.ID}})
	if err != nil {
		t.Fatal(err)
	}
	f.Clock.Advance(2 * time.Hour) // the first session is under way
	tc := f.signedIn(t, "tom@example.org")
	r = f.get(t, tc, "/")
	homeHas(t, "trainer", r.Body, secTeaching, secOwn)
	mustContain(t, r.Body, `<h2 id="register-now">Take the register now</h2>`, `<a class="button" href="/trainer/sessions/`+id(past)+`/register">Take the register`,
		"Other registers to take or submit", "<caption>Your coming sessions</caption>",
		`href="/trainer/sessions/`+id(later)+`/register">Safeguarding level 2</a>`)
	if strings.Index(r.Body, "Take the register now") > strings.Index(r.Body, secTeaching) {
		t.Error("the session under way is not at the top of the trainer's home")
	}
	f.Clock.Advance(2 * time.Hour) // it has ended: its register is still to submit, no longer "now"
	r = f.get(t, tc, "/?sessions=past")
	mustNotContain(t, r.Body, "Take the register now")
	mustContain(t, r.Body, "Registers to take or submit", `<li><a href="/trainer/sessions/`+id(past)+`/register">`)
	mustContain(t, r.Body, "<caption>Your past sessions, newest first</caption>", `<span aria-current="true">Past</span>`)
	if strings.Count(r.Body, `href="/trainer/sessions/`+id(later)+`/register"`) != 0 {
		t.Error("the past filter shows a coming session")
	}

	// Partner: their coming sessions with fill, and courses waiting for approval.
	pat := f.User(t, "partner@example.org", f.Police.ID, account.Practitioner)
	f.partnerPageData(t, pat)
	pc := f.signedIn(t, "partner@example.org")
	r = f.get(t, pc, "/")
	homeHas(t, "partner", r.Body, secPartner, secOwn)
	mustContain(t, r.Body, "Waiting for the partnership", "Partner pages: pending", `<td class="numeric">1 of 1</td>`,
		`<td class="numeric">1</td>`)

	// Someone holding several roles gets them stacked: trainer, manager, then their own.
	if err := f.Accounts.SetRoles(ctx, f.Mia.ID, []account.Role{account.Manager, account.Trainer, account.Practitioner}); err != nil {
		t.Fatal(err)
	}
	r = f.get(t, f.Mgr, "/")
	homeHas(t, "trainer and manager", r.Body, secTeaching, secStaff, secOwn)
}

// outboxRow is one queued message, for the action tests.
type outboxRow struct {
	Kind      string
	UserID    int64
	SessionID int64
	BookingID int64
	Payload   string
}

func (f *fixture) outboxFor(t *testing.T, userID int64) []outboxRow {
	t.Helper()
	rows, err := f.DB.R.Query(`SELECT kind, user_id, COALESCE(session_id, 0), COALESCE(booking_id, 0), payload
		FROM outbox WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.Kind, &r.UserID, &r.SessionID, &r.BookingID, &r.Payload); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestManagerActionsRefuseOtherOrganisationsStaff(t *testing.T) {
	f := newMgrFixture(t)
	sid := f.Session(t, f.CourseID, 3*24*time.Hour, 5)
	before := f.count(t, "outbox")
	gus := "/manager/people/" + id(f.Gus.ID)
	if r := f.get(t, f.Mgr, gus+"/book"); r.Status != http.StatusNotFound {
		t.Errorf("GET %s/book by another organisation's manager: %d", gus, r.Status)
	}
	for _, action := range []string{"book", "nominate"} {
		if r := f.post(t, f.Mgr, gus+"/book", url.Values{"session_id": {id(sid)}, "action": {action}}); r.Status != http.StatusNotFound {
			t.Errorf("POST %s/book (%s): %d", gus, action, r.Status)
		}
	}
	if r := f.post(t, f.Mgr, gus+"/remind", nil); r.Status != http.StatusNotFound {
		t.Errorf("POST %s/remind: %d", gus, r.Status)
	}
	if r := f.post(t, f.Mgr, "/manager/people/999999/remind", nil); r.Status != http.StatusNotFound {
		t.Errorf("remind nobody: %d", r.Status)
	}
	if f.count(t, "outbox") != before || len(f.bookingsOf(t, f.Gus.ID)) != 0 {
		t.Fatal("a refused manager action queued mail or booked a place")
	}
	// Their own manager may.
	if r := f.get(t, f.MaxC, gus+"/book"); r.Status != http.StatusOK {
		t.Errorf("GET %s/book by their own manager: %d", gus, r.Status)
	}
	// A practitioner may not at all.
	if r := f.post(t, f.signedIn(t, "ben@example.org"), "/manager/people/"+id(f.Ann.ID)+"/remind", nil); r.Status != http.StatusForbidden {
		t.Errorf("practitioner reminding: %d", r.Status)
	}
}

func TestManagerRemindsOnceADay(t *testing.T) {
	f := newMgrFixture(t)
	ben := "/manager/people/" + id(f.Ben.ID) + "/remind"
	r := f.post(t, f.Mgr, ben, nil)
	mustContain(t, f.follow(t, f.Mgr, r).Body, "We have emailed Ben Baker a reminder")
	msgs := f.outboxFor(t, f.Ben.ID)
	if len(msgs) != 1 || msgs[0].Kind != string(compliance.TrainingDueKind) {
		t.Fatalf("outbox for Ben after a reminder: %+v", msgs)
	}
	var due compliance.TrainingDue
	if err := json.Unmarshal([]byte(payloadData(t, msgs[0].Payload)), &due); err != nil {
		t.Fatal(err)
	}
	if due.ManagerName != "Mia Manager" || len(due.Items) != 1 || due.Items[0].CourseID != f.CSE || due.Items[0].State != compliance.NotBooked {
		t.Errorf("reminder names %+v", due)
	}

	// A second click the same day sends nothing, and the home says he was reminded.
	r = f.post(t, f.Mgr, ben, nil)
	home := f.follow(t, f.Mgr, r).Body
	mustContain(t, home, "Ben Baker has already had a reminder today", "Reminded today")
	if n := len(f.outboxFor(t, f.Ben.ID)); n != 1 {
		t.Fatalf("%d messages for Ben after two clicks in a day, want 1", n)
	}
	// Ann is up to date: nothing to remind her of.
	r = f.post(t, f.Mgr, "/manager/people/"+id(f.Ann.ID)+"/remind", nil)
	mustContain(t, f.follow(t, f.Mgr, r).Body, "Nothing required of Ann Archer is due")
	for _, m := range f.outboxFor(t, f.Ann.ID) {
		if m.Kind == string(compliance.TrainingDueKind) {
			t.Fatal("Ann, who is up to date, got a reminder")
		}
	}
	// The next day another may go.
	f.Clock.Advance(24 * time.Hour)
	f.post(t, f.Mgr, ben, nil)
	if n := len(f.outboxFor(t, f.Ben.ID)); n != 2 {
		t.Fatalf("%d messages for Ben after a reminder the next day, want 2", n)
	}
}

// payloadData is the kind's own data in an outbox payload.
func payloadData(t *testing.T, payload string) string {
	t.Helper()
	var p struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		t.Fatal(err)
	}
	return string(p.Data)
}

func TestManagerNominates(t *testing.T) {
	f := newMgrFixture(t)
	sid := f.Session(t, f.CSE, 4*24*time.Hour, 5)
	page := "/manager/people/" + id(f.Ben.ID) + "/book"
	r := f.get(t, f.Mgr, page)
	mustContain(t, r.Body, `name="session_id" value="`+id(sid)+`"`, "5 places left", "Child sexual exploitation awareness: not done yet")
	// The fixture's police course is not required of Ben: not offered, and refused.
	mustNotContain(t, r.Body, `value="`+id(f.SessionID)+`"`)
	r = f.post(t, f.Mgr, page, url.Values{"session_id": {id(f.SessionID)}, "action": {"nominate"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("nominating for a session not offered: %d", r.Status)
	}
	mustContain(t, r.Body, "Choose a session", `aria-describedby="session_id-error"`)
	r = f.post(t, f.Mgr, page, url.Values{"action": {"sideways"}})
	mustContain(t, r.Body, "Choose a session", "Choose whether to book a place or send a nomination")
	if n := len(f.outboxFor(t, f.Ben.ID)); n != 0 {
		t.Fatalf("refused nominations queued %d messages", n)
	}

	r = f.post(t, f.Mgr, page, url.Values{"session_id": {id(sid)}, "action": {"nominate"}})
	mustContain(t, f.follow(t, f.Mgr, r).Body, "We have emailed Ben Baker asking them to book Child sexual exploitation awareness")
	msgs := f.outboxFor(t, f.Ben.ID)
	if len(msgs) != 1 || msgs[0].Kind != string(compliance.NominationKind) || msgs[0].SessionID != sid {
		t.Fatalf("outbox after nominating: %+v", msgs)
	}
	var n compliance.Nomination
	if err := json.Unmarshal([]byte(payloadData(t, msgs[0].Payload)), &n); err != nil {
		t.Fatal(err)
	}
	if n.SessionID != sid || n.CourseID != f.CSE || n.ManagerName != "Mia Manager" || n.PersonName != "Ben Baker" {
		t.Errorf("nomination says %+v", n)
	}
	if len(f.bookingsOf(t, f.Ben.ID)) != 0 {
		t.Error("a nomination booked a place")
	}

	// A second click the same day sends nothing (nor would another manager's: see the
	// compliance test); the page marks the session.
	mustContain(t, f.get(t, f.Mgr, page).Body, "(5 places left; already nominated today)")
	r = f.post(t, f.Mgr, page, url.Values{"session_id": {id(sid)}, "action": {"nominate"}})
	mustContain(t, f.follow(t, f.Mgr, r).Body, "Already nominated today: we emailed Ben Baker about Child sexual exploitation awareness")
	if n := len(f.outboxFor(t, f.Ben.ID)); n != 1 {
		t.Fatalf("%d messages for Ben after two nominations in a day, want 1", n)
	}
	// The next day another may go.
	f.Clock.Advance(24 * time.Hour)
	r = f.post(t, f.Mgr, page, url.Values{"session_id": {id(sid)}, "action": {"nominate"}})
	mustContain(t, f.follow(t, f.Mgr, r).Body, "We have emailed Ben Baker asking them to book")
	if n := len(f.outboxFor(t, f.Ben.ID)); n != 2 {
		t.Fatalf("%d messages for Ben after a nomination the next day, want 2", n)
	}
}

func TestManagerBooksStaffOntoASession(t *testing.T) {
	f := newMgrFixture(t)
	sid := f.Session(t, f.CSE, 4*24*time.Hour, 5)
	page := "/manager/people/" + id(f.Ben.ID) + "/book"
	token := pageToken(t, f.get(t, f.Mgr, page).Body)
	form := url.Values{"session_id": {id(sid)}, "action": {"book"}, "token": {token}}
	r := f.post(t, f.Mgr, page, form)
	mustContain(t, f.follow(t, f.Mgr, r).Body, "Ben Baker has a place on Child sexual exploitation awareness")
	list := f.bookingsOf(t, f.Ben.ID)
	if len(list) != 1 || list[0].SessionID != sid || list[0].Status != booking.Confirmed {
		t.Fatalf("Ben's bookings: %+v", list)
	}
	msgs := f.outboxFor(t, f.Ben.ID)
	if len(msgs) != 1 || msgs[0].Kind != "booking_confirmed" || msgs[0].BookingID != list[0].ID {
		t.Fatalf("outbox after booking: %+v", msgs)
	}
	if !strings.Contains(msgs[0].Payload, `"by_organiser":true`) {
		t.Errorf("the confirmation does not say someone else booked: %s", msgs[0].Payload)
	}
	// The same form again books nothing more.
	f.post(t, f.Mgr, page, form)
	if n := len(f.bookingsOf(t, f.Ben.ID)); n != 1 {
		t.Fatalf("a repeated form made %d bookings", n)
	}
	// Ben is now booked, so he no longer needs attention on the manager's home.
	home := f.get(t, f.Mgr, "/").Body
	if strings.Contains(home, `href="/manager/people/`+id(f.Ben.ID)+`/book"`) {
		t.Error("a booked member of staff still shows as needing attention")
	}
}

// TestAdminTodoOnHome: the admin's home and dashboard show the to-do counts with links.
func TestAdminTodoOnHome(t *testing.T) {
	f := newFixture(t)
	if _, err := f.DB.Exec(context.Background(), `INSERT INTO outbox (kind, recipient_email, payload, status, next_attempt_at, created_at, updated_at)
		VALUES ('reminder', 'x@example.org', '{}', 'failed', '2026-11-25T10:00:00Z', '2026-11-25T10:00:00Z', '2026-11-25T10:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	admin := f.signedIn(t, "ada@example.org")
	// The fixture's session exactly a week ahead has 0 of 10 places taken, and so does a
	// second one in three days; one in eight days does not count yet.
	thin := f.Session(t, f.CourseID, 3*24*time.Hour, 10)
	f.Session(t, f.CourseID, 8*24*time.Hour, 10)
	for _, page := range []string{"/", "/admin"} {
		body := f.get(t, admin, page).Body
		mustContain(t, body, `<a href="/admin/emails?status=failed"><span class="todo-list__n">1</span> failed emails</a>`,
			`<a href="/#thin-sessions"><span class="todo-list__n">2</span> sessions short of numbers</a>`,
			`<span class="todo-list__n">0</span> registers overdue`)
	}
	mustContain(t, f.get(t, admin, "/").Body, `href="/admin/sessions/`+id(thin)+`"`)
}

// TestManagerSummarySaysCountsOverlap: the matrix's counts keep a person under each kind of
// status among their courses (so the filters they link to agree with them); the page says
// they can overlap rather than letting them pass for a breakdown of the staff.
func TestManagerSummarySaysCountsOverlap(t *testing.T) {
	f := newMgrFixture(t)
	body := f.get(t, f.Mgr, "/manager").Body
	mustContain(t, body, "These counts overlap", "need not add up to the number of staff")
}
