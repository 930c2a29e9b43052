package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/attendance"
)

func TestRegisterIsOnlyForItsTrainersAndAdmins(t *testing.T) {
	f := newRegFixture(t)
	f.start()
	tom := f.signedIn(t, "tom@example.org")

	r := f.get(t, tom, f.registerURL(f.Mine))
	regWant(t, r, http.StatusOK, "own register")
	mustContain(t, r.Body, "Seán Ó Briain", "Person pat@example.org", `name="mark-`+id(f.PatB)+`"`)
	mustNotContain(t, r.Body, "Wendy Waite") // waiting, so not on the register

	// Another trainer's session answers exactly like one that does not exist.
	missing := f.get(t, tom, f.registerURL(999999))
	regWant(t, missing, http.StatusNotFound, "unknown session")
	theirs := "/trainer/sessions/" + id(f.Theirs)
	for _, p := range []string{"/register", "/register.csv", "/sign-in-sheet", "/sign-in-sheet.pdf"} {
		r := f.get(t, tom, theirs+p)
		if r.Status != http.StatusNotFound || r.Body != missing.Body {
			t.Errorf("GET %s%s as another trainer: %d, want the same 404 as an unknown id: %.300s", theirs, p, r.Status, r.Body)
		}
	}
	for p, form := range map[string]url.Values{
		"/register":          markForm(f.TheirB, "attended"),
		"/register/all":      {},
		"/register/walk-ins": {"email": {"olu@example.org"}, "name": {"Olu"}, "organisation_id": {id(f.Police.ID)}},
		"/register/submit":   {},
	} {
		if r := f.post(t, tom, theirs+p, form); r.Status != http.StatusNotFound {
			t.Errorf("POST %s%s as another trainer: %d, want 404", theirs, p, r.Status)
		}
	}
	// Naming their booking in a form for Tom's own register does not reach it either.
	r = f.post(t, tom, f.registerURL(f.Mine), markForm(f.TheirB, "attended"))
	regWant(t, r, http.StatusUnprocessableEntity, "their booking in my form")
	if m := f.mark(t, f.TheirB); m != "" {
		t.Fatalf("another trainer's booking was marked %q", m)
	}
	if n := f.countWhere(t, `SELECT count(*) FROM users WHERE email = 'olu@example.org'`); n != 0 {
		t.Fatal("a refused walk-in created an account")
	}

	// "My sessions" lists Tom's session only, and the nav links to it.
	r = f.get(t, tom, "/trainer/sessions")
	regWant(t, r, http.StatusOK, "my sessions")
	mustContain(t, r.Body, `href="/trainer/sessions"`, `href="`+f.registerURL(f.Mine)+`"`, "3 to mark", "Happening now")
	mustNotContain(t, r.Body, f.registerURL(f.Theirs))

	// Admins reach every register, and see the window of everyone's sessions.
	admin := f.signedIn(t, "ada@example.org")
	regWant(t, f.get(t, admin, f.registerURL(f.Theirs)), http.StatusOK, "admin on any register")
	r = f.get(t, admin, "/trainer/sessions")
	mustContain(t, r.Body, "every trainer", f.registerURL(f.Mine), f.registerURL(f.Theirs))
	mustNotContain(t, r.Body, `href="/trainer/sessions">My sessions`) // not a trainer
	mustContain(t, f.get(t, admin, "/admin/sessions/"+id(f.Mine)).Body, `href="`+f.registerURL(f.Mine)+`"`)

	// A practitioner is refused everywhere, before anything is looked up.
	pat := f.signedIn(t, "pat@example.org")
	mine := "/trainer/sessions/" + id(f.Mine)
	for _, p := range []string{"/trainer/sessions", mine + "/register", mine + "/register.csv", mine + "/sign-in-sheet", mine + "/sign-in-sheet.pdf"} {
		if r := f.get(t, pat, p); r.Status != http.StatusForbidden {
			t.Errorf("practitioner GET %s: %d, want 403", p, r.Status)
		}
	}
	for _, p := range []string{mine + "/register", mine + "/register/all", mine + "/register/walk-ins", mine + "/register/submit",
		"/admin/sessions/" + id(f.Mine) + "/register/reopen"} {
		if r := f.post(t, pat, p, markForm(f.PatB, "attended")); r.Status != http.StatusForbidden {
			t.Errorf("practitioner POST %s: %d, want 403", p, r.Status)
		}
	}
	mustNotContain(t, f.get(t, pat, "/my/training").Body, `href="/trainer/sessions"`)
	// Trainers cannot reopen registers.
	if r := f.post(t, tom, "/admin/sessions/"+id(f.Mine)+"/register/reopen", url.Values{"reason": {"x"}}); r.Status != http.StatusForbidden {
		t.Errorf("trainer reopen: %d, want 403", r.Status)
	}
	if m := f.mark(t, f.PatB); m != "" {
		t.Fatalf("a refused request marked Pat %q", m)
	}
}

func TestRegisterBeforeTheSessionStartsIsReadOnly(t *testing.T) {
	f := newRegFixture(t)
	tom := f.signedIn(t, "tom@example.org")
	r := f.get(t, tom, f.registerURL(f.Mine))
	regWant(t, r, http.StatusOK, "register before start")
	mustContain(t, r.Body, "You can record attendance once the session starts at 10:00am on Friday 27 November 2026",
		"Seán Ó Briain", "Health visitor")
	mustNotContain(t, r.Body, `name="mark-`, "Submit register", "/register/walk-ins")
	mustContain(t, f.get(t, tom, "/trainer/sessions").Body, "Not started")

	users := f.count(t, "users")
	for p, form := range map[string]url.Values{
		"":          markForm(f.PatB, "attended"),
		"/all":      {},
		"/walk-ins": {"email": {"nia@example.org"}, "name": {"Nia New"}, "organisation_id": {id(f.Police.ID)}},
		"/submit":   {},
	} {
		r := f.post(t, tom, f.registerURL(f.Mine)+p, form)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Attendance can be recorded once the session has started") {
			t.Errorf("POST register%s before the start: %d: %.500s", p, r.Status, r.Body)
		}
	}
	if f.mark(t, f.PatB) != "" || f.count(t, "users") != users || f.count(t, "registers") != 0 {
		t.Fatal("a refused change before the start changed something")
	}
}

func TestRegisterMarksAreSavedWithHistory(t *testing.T) {
	f := newRegFixture(t)
	f.start()
	tom := f.signedIn(t, "tom@example.org")
	reg := f.registerURL(f.Mine)

	page := f.follow(t, tom, f.post(t, tom, reg, markForm(f.PatB, "attended", f.SeanB, "partial", f.FormulaB, "")))
	mustContain(t, page.Body, "Attendance saved for 2 people",
		`id="mark-`+id(f.PatB)+`" name="mark-`+id(f.PatB)+`" value="attended" checked`,
		`id="mark-`+id(f.SeanB)+`-partial" name="mark-`+id(f.SeanB)+`" value="partial" checked`)
	if f.mark(t, f.PatB) != "attended" || f.mark(t, f.SeanB) != "partial" || f.mark(t, f.FormulaB) != "" {
		t.Fatalf("marks: %q %q %q", f.mark(t, f.PatB), f.mark(t, f.SeanB), f.mark(t, f.FormulaB))
	}
	patHistory := f.historyOf(t, f.PatB)
	if last := patHistory[len(patHistory)-1]; last != (regHistoryRow{From: "", To: "attended", Reason: attendance.ReasonMarked, ActorID: f.Trainer.ID}) {
		t.Fatalf("Pat's history: %+v", patHistory)
	}

	// Unchanged marks are not written again; a change is kept from -> to.
	page = f.follow(t, tom, f.post(t, tom, reg, markForm(f.PatB, "attended", f.SeanB, "absent")))
	mustContain(t, page.Body, "Attendance saved for 1 person")
	if got := f.historyOf(t, f.PatB); len(got) != len(patHistory) {
		t.Fatalf("an unchanged mark was written again: %+v", got)
	}
	seanHistory := f.historyOf(t, f.SeanB)
	if last := seanHistory[len(seanHistory)-1]; last != (regHistoryRow{From: "partial", To: "absent", Reason: attendance.ReasonMarked, ActorID: f.Trainer.ID}) {
		t.Fatalf("Sean's history: %+v", seanHistory)
	}
	mustContain(t, f.follow(t, tom, f.post(t, tom, reg, markForm(f.PatB, "attended"))).Body, "There were no changes to save")
	mustContain(t, f.get(t, tom, "/trainer/sessions").Body, "1 to mark")

	// Bad input is explained, never a 500, and changes nothing, not even the good part.
	historyRows := f.count(t, "booking_history") + f.count(t, "attendance_history")
	bad := map[string]url.Values{
		"unknown mark":            markForm(f.FormulaB, "attended", f.PatB, "present"),
		"non-numeric booking id":  {"mark-abc": {"attended"}, "mark-" + id(f.FormulaB): {"attended"}},
		"booking of another form": markForm(f.TheirB, "attended", f.FormulaB, "attended"),
		"unknown booking":         markForm(int64(999999), "attended"),
		"two values for one":      {"mark-" + id(f.PatB): {"attended", "absent"}},
	}
	for name, form := range bad {
		r := f.post(t, tom, reg, form)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "There is a problem") {
			t.Errorf("%s: %d: %.500s", name, r.Status, r.Body)
		}
	}
	r := f.post(t, tom, reg, markForm(f.FormulaB, "partial", f.PatB, "present"))
	mustContain(t, r.Body, `href="#mark-`+id(f.PatB)+`"`, "for Person pat@example.org",
		`name="mark-`+id(f.FormulaB)+`" value="partial" checked`) // what was typed is kept
	if f.mark(t, f.PatB) != "attended" || f.mark(t, f.SeanB) != "absent" || f.mark(t, f.FormulaB) != "" ||
		f.mark(t, f.TheirB) != "" || f.count(t, "booking_history")+f.count(t, "attendance_history") != historyRows {
		t.Fatal("a refused form changed the register")
	}
	for _, p := range []string{"/trainer/sessions/abc/register", "/trainer/sessions/0/register", "/trainer/sessions/-1/register/all"} {
		if r := f.post(t, tom, p, markForm(f.PatB, "absent")); r.Status != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", p, r.Status)
		}
	}
	if r := f.get(t, tom, "/trainer/sessions/1e3/register"); r.Status != http.StatusNotFound {
		t.Errorf("GET with a non-numeric id: %d", r.Status)
	}
}

func TestRegisterMarkAllSubmitAndReopen(t *testing.T) {
	f := newRegFixture(t)
	f.start()
	tom := f.signedIn(t, "tom@example.org")
	admin := f.signedIn(t, "ada@example.org")
	reg := f.registerURL(f.Mine)

	r := f.post(t, tom, reg+"/submit", nil)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Mark everyone before submitting the register: 3 people are not marked yet") {
		t.Fatalf("submit with nobody marked: %d %.800s", r.Status, r.Body)
	}
	f.follow(t, tom, f.post(t, tom, reg, markForm(f.SeanB, "absent")))
	mustContain(t, f.follow(t, tom, f.post(t, tom, reg+"/all", nil)).Body, "2 people marked as attended")
	if f.mark(t, f.PatB) != "attended" || f.mark(t, f.FormulaB) != "attended" || f.mark(t, f.SeanB) != "absent" {
		t.Fatal("mark all changed the wrong people")
	}
	mustContain(t, f.follow(t, tom, f.post(t, tom, reg+"/all", nil)).Body, "Everyone was already marked")

	page := f.follow(t, tom, f.post(t, tom, reg+"/submit", nil))
	mustContain(t, page.Body, "Register submitted and locked. 2 certificates issued by email",
		"This register was submitted by Person tom@example.org on Friday 27 November 2026 at 11:00am", "Submitted")
	mustNotContain(t, page.Body, `name="mark-`, "Reopen register", "/register/walk-ins")
	if n := f.count(t, "certificates"); n != 2 {
		t.Fatalf("%d certificates, want 2", n)
	}
	mustContain(t, f.get(t, tom, "/trainer/sessions").Body, "Submitted")

	// Locked: every change is refused and nothing moves.
	historyRows, users := f.count(t, "booking_history")+f.count(t, "attendance_history"), f.count(t, "users")
	for p, form := range map[string]url.Values{
		"":          markForm(f.SeanB, "attended"),
		"/all":      {},
		"/walk-ins": {"email": {"nia@example.org"}, "name": {"Nia New"}, "organisation_id": {id(f.Police.ID)}},
		"/submit":   {},
	} {
		r := f.post(t, tom, reg+p, form)
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "This register has been submitted") {
			t.Errorf("POST register%s when locked: %d %.300s", p, r.Status, r.Body)
		}
	}
	if f.mark(t, f.SeanB) != "absent" || f.count(t, "booking_history")+f.count(t, "attendance_history") != historyRows || f.count(t, "users") != users {
		t.Fatal("a locked register changed")
	}

	// Only admins reopen, and only with a reason.
	mustContain(t, f.get(t, admin, reg).Body, "Reopen register")
	r = f.post(t, admin, "/admin/sessions/"+id(f.Mine)+"/register/reopen", oneField("reason", "  "))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Say why the register is being reopened") {
		t.Fatalf("reopen without a reason: %d %.500s", r.Status, r.Body)
	}
	r = f.post(t, admin, "/admin/sessions/abc/register/reopen", oneField("reason", "x"))
	regWant(t, r, http.StatusNotFound, "reopen a non-numeric id")
	page = f.follow(t, admin, f.post(t, admin, "/admin/sessions/"+id(f.Mine)+"/register/reopen", oneField("reason", "Seán came after lunch")))
	mustContain(t, page.Body, "Register reopened", "Reopened", "Seán came after lunch", "Person ada@example.org", `name="mark-`)
	r = f.post(t, admin, "/admin/sessions/"+id(f.Mine)+"/register/reopen", oneField("reason", "again"))
	regWant(t, r, http.StatusConflict, "reopen an open register")

	// The trainer corrects it; the history keeps who changed what from what.
	f.follow(t, tom, f.post(t, tom, reg, markForm(f.SeanB, "attended")))
	h := f.historyOf(t, f.SeanB)
	if last := h[len(h)-1]; last != (regHistoryRow{From: "absent", To: "attended", Reason: attendance.ReasonMarked, ActorID: f.Trainer.ID}) {
		t.Fatalf("Sean's history after the correction: %+v", h)
	}
	page = f.follow(t, tom, f.post(t, tom, reg+"/submit", nil))
	mustContain(t, page.Body, "1 certificate issued")
	if n := strings.Count(page.Body, "<td>Submitted</td>"); n != 2 {
		t.Errorf("history shows %d submissions, want 2", n)
	}
}

func oneField(k, v string) url.Values { return url.Values{k: {v}} }

func TestRegisterWalkIns(t *testing.T) {
	f := newRegFixture(t)
	f.start()
	tom := f.signedIn(t, "tom@example.org")
	walk := func(form url.Values) response { return f.post(t, tom, f.registerURL(f.Mine)+"/walk-ins", form) }
	ctx := context.Background()
	org := id(f.Police.ID)

	users := f.count(t, "users")
	for name, c := range map[string]struct {
		form url.Values
		want string
	}{
		"no email":        {url.Values{"email": {" "}}, "Enter the email address of the person who came"},
		"bad email":       {url.Values{"email": {"nia at example"}}, "Enter the person&#39;s email address"},
		"no organisation": {url.Values{"email": {"nia@example.org"}, "name": {"Nia New"}}, "Choose their organisation"},
		"bad organisation": {url.Values{"email": {"nia@example.org"}, "name": {"Nia New"}, "organisation_id": {"abc"}},
			"Choose their organisation from the list"},
		"unknown organisation": {url.Values{"email": {"nia@example.org"}, "name": {"Nia New"}, "organisation_id": {"999999"}},
			"Choose their organisation"},
		"no name": {url.Values{"email": {"nia@example.org"}, "organisation_id": {org}}, "Enter their full name"},
	} {
		r := walk(c.form)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, c.want) {
			t.Errorf("%s: %d, want 422 with %q: %.1500s", name, r.Status, c.want, r.Body)
		}
	}
	if f.count(t, "users") != users || f.countWhere(t, `SELECT count(*) FROM bookings WHERE walk_in = 1`) != 0 {
		t.Fatal("a refused walk-in changed something")
	}

	// Someone new: an account is made and they are on the register as attended.
	page := f.follow(t, tom, walk(url.Values{"email": {"Nia@Example.org "}, "name": {"Nia Newydd"},
		"organisation_id": {org}, "job_title": {"School nurse"}}))
	mustContain(t, page.Body, "We created an account for Nia Newydd", "Walk-in")
	nia, err := f.Accounts.UserByEmail(ctx, "nia@example.org")
	if err != nil || nia.Name != "Nia Newydd" || nia.JobTitle != "School nurse" || nia.OrganisationID != f.Police.ID {
		t.Fatalf("new account: %+v %v", nia, err)
	}
	var niaB int64
	if err := f.DB.R.QueryRow(`SELECT id FROM bookings WHERE session_id = ? AND user_id = ? AND status = 'confirmed' AND walk_in = 1`,
		f.Mine, nia.ID).Scan(&niaB); err != nil {
		t.Fatalf("walk-in booking: %v", err)
	}
	if f.mark(t, niaB) != "attended" {
		t.Fatal("walk-in not marked attended")
	}
	want := []regHistoryRow{{"", "confirmed", attendance.ReasonWalkIn, f.Trainer.ID}, {"", "attended", attendance.ReasonMarked, f.Trainer.ID}}
	if got := f.historyOf(t, niaB); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("walk-in history: %+v", got)
	}

	// Someone with an account: it is used as it is, whatever else the form says.
	olu := f.named(t, "Olu Adeyemi", "olu@example.org")
	users = f.count(t, "users")
	page = f.follow(t, tom, walk(url.Values{"email": {"olu@example.org"}, "name": {"Someone Else"}, "organisation_id": {""}}))
	mustContain(t, page.Body, "Olu Adeyemi is on the register as attended")
	if u, _ := f.Accounts.User(ctx, olu.ID); u.Name != "Olu Adeyemi" || f.count(t, "users") != users {
		t.Fatal("an existing account was changed or duplicated")
	}

	// Someone on the waiting list who came anyway.
	page = f.follow(t, tom, walk(url.Values{"email": {"wendy@example.org"}}))
	mustContain(t, page.Body, "Wendy Waite was on the waiting list and is now on the register as attended")
	if f.mark(t, f.WaiterB) != "attended" || f.countWhere(t, `SELECT count(*) FROM bookings WHERE id = ? AND status = 'confirmed' AND walk_in = 1`, f.WaiterB) != 1 {
		t.Fatal("the waiting person is not on the register")
	}
	h := f.historyOf(t, f.WaiterB)
	if len(h) < 2 || h[len(h)-2] != (regHistoryRow{"waitlisted", "confirmed", attendance.ReasonWalkIn, f.Trainer.ID}) {
		t.Fatalf("waiting-list walk-in history: %+v", h)
	}
	// Walk-ins do not take booked places.
	if s := f.session(t, f.Mine); s.Confirmed != 3 {
		t.Errorf("confirmed count %d after walk-ins, want 3", s.Confirmed)
	}

	// Someone already on the register.
	r := walk(url.Values{"email": {"pat@example.org"}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "That person is already on the register") {
		t.Fatalf("walk-in already on the register: %d %.500s", r.Status, r.Body)
	}
}
