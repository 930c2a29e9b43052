package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// walkInButton is the register's marks form as the "Add someone who came without booking"
// button sends it.
func walkInButton(marks url.Values) url.Values {
	marks.Set("action", "walk-in")
	return marks
}

func TestWalkInButtonSavesMarksFirst(t *testing.T) {
	f := newRegFixture(t)
	f.start()
	tom := f.signedIn(t, "tom@example.org")
	reg := f.registerURL(f.Mine)
	walkInPage := reg + "/walk-ins/new"

	// The button is in the marks form, after Save: pressing Enter in the form (its first
	// submit button) saves, it never leaves for the walk-in page.
	page := f.get(t, tom, reg)
	regWant(t, page, http.StatusOK, "register")
	form := page.Body[strings.Index(page.Body, `<form method="post" action="`+reg+`" id="marks"`):]
	form = form[:strings.Index(form, "</form>")]
	buttons := regexp.MustCompile(`<button[^>]*type="submit"[^>]*value="([^"]+)"`).FindAllStringSubmatch(form, -1)
	if len(buttons) < 3 || buttons[0][1] != "save" || buttons[len(buttons)-1][1] != "walk-in" {
		t.Fatalf("marks form buttons %v: want Save first and the walk-in button among them, after it", buttons)
	}
	mustContain(t, form, ">Add someone who came without booking</button>")
	mustNotContain(t, page.Body, `name="email"`) // the walk-in form is on its own page now

	// Marks chosen but not saved survive pressing the walk-in button.
	r := f.post(t, tom, reg, walkInButton(markForm(f.PatB, "attended", f.SeanB, "absent")))
	if r.Status != http.StatusSeeOther || r.Location != walkInPage {
		t.Fatalf("walk-in button: %d to %q, want 303 to %s", r.Status, r.Location, walkInPage)
	}
	if f.mark(t, f.PatB) != "attended" || f.mark(t, f.SeanB) != "absent" {
		t.Fatalf("marks after the walk-in button: %q %q", f.mark(t, f.PatB), f.mark(t, f.SeanB))
	}
	page = f.follow(t, tom, r)
	mustContain(t, page.Body, "Attendance saved for 2 people", "<h1>Add someone who came without booking</h1>",
		`action="`+reg+`/walk-ins"`, `id="email" name="email"`, `id="organisation_id" name="organisation_id"`)

	// Adding someone returns to the register, with the saved marks still chosen.
	r = f.post(t, tom, reg+"/walk-ins", url.Values{"email": {"nia@example.org"}, "name": {"Nia Newydd"},
		"organisation_id": {id(f.Police.ID)}})
	if r.Status != http.StatusSeeOther || r.Location != reg {
		t.Fatalf("add a walk-in: %d to %q", r.Status, r.Location)
	}
	page = f.follow(t, tom, r)
	mustContain(t, page.Body, "We created an account for Nia Newydd", "Walk-in",
		`id="mark-`+id(f.PatB)+`" name="mark-`+id(f.PatB)+`" value="attended" checked`,
		`id="mark-`+id(f.SeanB)+`-absent" name="mark-`+id(f.SeanB)+`" value="absent" checked`)

	// With nothing new to save the button just goes to the page, without a message.
	r = f.post(t, tom, reg, walkInButton(markForm(f.PatB, "attended")))
	if r.Status != http.StatusSeeOther || r.Location != walkInPage {
		t.Fatalf("walk-in button, no changes: %d to %q", r.Status, r.Location)
	}
	mustNotContain(t, f.follow(t, tom, r).Body, "Attendance saved", "There were no changes")

	// A mark that cannot be saved keeps the trainer on the register, with what they chose.
	r = f.post(t, tom, reg, walkInButton(markForm(f.FormulaB, "partial", f.PatB, "present")))
	regWant(t, r, http.StatusUnprocessableEntity, "walk-in button with a bad mark")
	mustContain(t, r.Body, `href="#mark-`+id(f.PatB)+`"`, `name="mark-`+id(f.FormulaB)+`" value="partial" checked`)
	if f.mark(t, f.FormulaB) != "" {
		t.Fatal("a refused form saved a mark")
	}

	// Admins reach the page as they reach the register; other trainers find nothing.
	admin := f.signedIn(t, "ada@example.org")
	page = f.get(t, admin, walkInPage)
	regWant(t, page, http.StatusOK, "admin on the walk-in page")
	mustContain(t, page.Body, `href="/admin/sessions/`+id(f.Mine)+`"`, `id="email"`)
	tia := f.signedIn(t, "tia@example.org")
	missing := f.get(t, tia, "/trainer/sessions/999999/register/walk-ins/new")
	regWant(t, missing, http.StatusNotFound, "unknown session")
	if r := f.get(t, tia, walkInPage); r.Status != http.StatusNotFound || r.Body != missing.Body {
		t.Errorf("another trainer: %d, want the unknown id's 404", r.Status)
	}
	if r := f.get(t, f.signedIn(t, "pat@example.org"), walkInPage); r.Status != http.StatusForbidden {
		t.Errorf("practitioner: %d, want 403", r.Status)
	}
}

func TestWalkInPageWhenNobodyCanBeAdded(t *testing.T) {
	f := newRegFixture(t)
	tom := f.signedIn(t, "tom@example.org")
	walkInPage := f.registerURL(f.Mine) + "/walk-ins/new"
	empty := f.trainedSession(t, f.Trainer.ID, 4)

	page := f.get(t, tom, walkInPage)
	regWant(t, page, http.StatusOK, "walk-in page before the start")
	mustContain(t, page.Body, "Attendance can be recorded once the session has started", "Go back to the register")
	mustNotContain(t, page.Body, `name="email"`)

	// A register with nobody booked still offers the walk-in page, from a link.
	f.start()
	page = f.get(t, tom, f.registerURL(empty))
	mustContain(t, page.Body, `href="`+f.registerURL(empty)+`/walk-ins/new"`)

	// Once submitted, the page says so and a late form is refused the same way.
	mustContain(t, f.follow(t, tom, f.post(t, tom, f.registerURL(f.Mine)+"/all", nil)).Body, "3 people marked as attended")
	f.follow(t, tom, f.post(t, tom, f.registerURL(f.Mine)+"/submit", nil))
	page = f.get(t, tom, walkInPage)
	mustContain(t, page.Body, "This register has been submitted")
	mustNotContain(t, page.Body, `name="email"`)
	r := f.post(t, tom, f.registerURL(f.Mine)+"/walk-ins", url.Values{"email": {"nia@example.org"}, "name": {"Nia"},
		"organisation_id": {id(f.Police.ID)}})
	if r.Status != http.StatusConflict || strings.Count(r.Body, "This register has been submitted") != 1 {
		t.Errorf("walk-in after submitting: %d, want 409 saying so once: %.800s", r.Status, r.Body)
	}
}

func TestWalkInFormShowsEveryErrorAtOnce(t *testing.T) {
	f := newRegFixture(t)
	f.start()
	tom := f.signedIn(t, "tom@example.org")
	walk := func(form url.Values) response { return f.post(t, tom, f.registerURL(f.Mine)+"/walk-ins", form) }
	users := f.count(t, "users")
	longTitle := strings.Repeat("Nurse ", 40)

	// Someone new (no account for the email): every missing or bad detail in one go,
	// listed in the order of the form, with what was typed kept.
	r := walk(url.Values{"email": {"Nia@Example.org"}, "name": {" "}, "organisation_id": {""}, "job_title": {longTitle}})
	regWant(t, r, http.StatusUnprocessableEntity, "new person, details missing")
	summary := []string{`href="#name">Enter their full name`, `href="#organisation_id">Choose their organisation`,
		`href="#job_title">Job title must be 200 characters or fewer`}
	mustInOrder(t, r.Body, summary...)
	mustContain(t, r.Body, `value="Nia@Example.org"`, `value="`+longTitle+`"`,
		`id="name" name="name" type="text" spellcheck="false" autocomplete="off" value=" " aria-describedby="name-error" aria-invalid="true"`,
		`id="organisation_id" name="organisation_id" aria-describedby="organisation_id-error" aria-invalid="true"`,
		`aria-describedby="job_title-error" aria-invalid="true"`,
		`<p class="field-error" id="name-error">`, `<p class="field-error" id="organisation_id-error">`,
		`<p class="field-error" id="job_title-error">`,
		`id="email" name="email" type="email" spellcheck="false" autocomplete="off" value="Nia@Example.org" aria-describedby="email-hint">`)
	mustNotContain(t, r.Body, `id="email-error"`)

	// A bad address, a name on two lines and an organisation not on the list: all three
	// are reported, and the organisation chosen stays chosen when it is a real one.
	r = walk(url.Values{"email": {"nia at example"}, "name": {"Nia\nNewydd"}, "organisation_id": {"999999"}})
	regWant(t, r, http.StatusUnprocessableEntity, "three mistakes")
	mustInOrder(t, r.Body, `href="#email">Enter the person&#39;s email address`,
		`href="#name">Name must be on one line`, `href="#organisation_id">Choose their organisation from the list`)
	mustContain(t, r.Body, `value="nia at example" aria-describedby="email-hint email-error" aria-invalid="true"`)
	r = walk(url.Values{"email": {""}, "organisation_id": {id(f.Police.ID)}, "job_title": {"School nurse"}})
	regWant(t, r, http.StatusUnprocessableEntity, "no email")
	mustContain(t, r.Body, "Enter the email address of the person who came",
		`<option value="`+id(f.Police.ID)+`" selected>`, `value="School nurse"`)
	mustNotContain(t, r.Body, "Enter their full name") // they may have an account: not asked for yet

	if f.count(t, "users") != users || f.countWhere(t, `SELECT count(*) FROM bookings WHERE walk_in = 1`) != 0 {
		t.Fatal("a refused walk-in changed something")
	}
}

// mustInOrder fails unless each string is in body, each after the one before.
func mustInOrder(t *testing.T, body string, parts ...string) {
	t.Helper()
	at := 0
	for _, p := range parts {
		i := strings.Index(body[at:], p)
		if i < 0 {
			t.Fatalf("%q is not in the page after %q: %.3000s", p, body[:at], body)
		}
		at += i + len(p)
	}
}
