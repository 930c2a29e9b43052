package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// submitForm is the marks form sent with its "Submit register" button.
func submitForm(pairs ...any) url.Values {
	v := markForm(pairs...)
	v.Set("action", "submit")
	return v
}

// liveCertificates counts a booking's certificates that are not revoked.
func (f *regFixture) liveCertificates(t *testing.T, bookingID int64) int {
	t.Helper()
	return f.countWhere(t, `SELECT count(*) FROM certificates WHERE booking_id = ? AND revoked_at IS NULL`, bookingID)
}

// The bug this fixes: a trainer changed someone to Attended and pressed Submit without
// saving; the mark was lost, the register locked and the certificate blocked.
func TestRegisterSubmitKeepsTheMarksOnThePage(t *testing.T) {
	f := newRegFixture(t)
	f.start()
	tom := f.signedIn(t, "tom@example.org")
	reg := f.registerURL(f.Mine)

	// Pat was saved as not attending earlier.
	f.follow(t, tom, f.post(t, tom, reg, markForm(f.PatB, "absent")))
	page := f.get(t, tom, reg)
	mustContain(t, page.Body, `name="action" value="save"`, `name="action" value="submit"`, "Submit register…",
		`<legend class="attendance-mark__person">`, "> Attended</label>", "> Partly attended</label>", "> Did not attend</label>")
	mustNotContain(t, page.Body, `action="`+reg+`/submit"`) // no separate submit form that would drop the marks

	// The trainer corrects Pat to attended and presses Submit without saving; the formula
	// person is still unmarked.
	r := f.post(t, tom, reg, submitForm(f.PatB, "attended", f.SeanB, "absent", f.FormulaB, ""))
	if r.Status != http.StatusSeeOther || r.Location != reg+"/confirm" {
		t.Fatalf("submit: %d to %q, want 303 to the confirmation: %.500s", r.Status, r.Location, r.Body)
	}
	if f.mark(t, f.PatB) != "attended" || f.mark(t, f.SeanB) != "absent" || f.mark(t, f.FormulaB) != "" {
		t.Fatalf("marks after submit: %q %q %q", f.mark(t, f.PatB), f.mark(t, f.SeanB), f.mark(t, f.FormulaB))
	}
	page = f.follow(t, tom, r)
	regWant(t, page, http.StatusOK, "confirmation with someone unmarked")
	mustContain(t, page.Body, "Attendance saved for 2 people", "The register cannot be submitted yet",
		"1 person is not marked yet", "The register cannot be submitted until everyone is marked",
		html.EscapeString(f.Formula.Name), "Go back and mark them")
	mustNotContain(t, page.Body, "Submit and lock the register", "Seán Ó Briain")
	if f.count(t, "registers") != 0 {
		t.Fatal("the confirmation step locked the register")
	}
	// What the page says is so: submitting now is refused and locks nothing.
	r = f.post(t, tom, reg+"/submit", nil)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "1 person is not marked yet") {
		t.Fatalf("submit with someone unmarked: %d %.500s", r.Status, r.Body)
	}

	// Marked and submitted again: the confirmation counts what will happen.
	page = f.follow(t, tom, f.post(t, tom, reg, submitForm(f.PatB, "attended", f.SeanB, "absent", f.FormulaB, "partial")))
	mustContain(t, page.Body, "Attendance saved for 1 person", "Check and submit the register",
		"3 people are on the register: 1 attended, 1 partly attended, 1 did not attend.",
		"<strong>1 person gets a certificate</strong> now, by email.",
		"1 person marked partly attended does not get a certificate.",
		"1 person marked did not attend does not get a certificate.",
		"Submit and lock the register", `href="`+reg+`#marks">Go back and change</a>`)
	mustNotContain(t, page.Body, "not marked yet", "waits for an evaluation", "loses a certificate")
	// Submitting again with nothing changed says nothing was saved, and still confirms.
	page = f.follow(t, tom, f.post(t, tom, reg, submitForm(f.PatB, "attended")))
	mustNotContain(t, page.Body, "Attendance saved")
	mustContain(t, page.Body, "Submit and lock the register")

	page = f.follow(t, tom, f.post(t, tom, reg+"/submit", nil))
	mustContain(t, page.Body, "Register submitted and locked. 1 certificate issued by email")
	if f.liveCertificates(t, f.PatB) != 1 || f.count(t, "certificates") != 1 {
		t.Fatalf("certificates: Pat %d, all %d; want Pat's only", f.liveCertificates(t, f.PatB), f.count(t, "certificates"))
	}
	// The read-only register's table scrolls only as a focusable, named region.
	mustContain(t, page.Body, `class="table-wrap" tabindex="0" role="region" aria-label="People on the register"`)
	mustNotContain(t, page.Body, `class="table-wrap">`)

	// A locked register's confirmation says so and offers nothing to press.
	page = f.get(t, tom, reg+"/confirm")
	regWant(t, page, http.StatusOK, "confirmation of a locked register")
	mustContain(t, page.Body, "The register cannot be submitted", "This register has been submitted")
	mustNotContain(t, page.Body, "Submit and lock the register")
	// Another trainer's confirmation page does not exist for Tom.
	regWant(t, f.get(t, tom, f.registerURL(f.Theirs)+"/confirm"), http.StatusNotFound, "another trainer's confirmation")
}

func TestRegisterRefusedSubmitKeepsTheMarks(t *testing.T) {
	f := newRegFixture(t)
	f.start()
	tom := f.signedIn(t, "tom@example.org")
	reg := f.registerURL(f.Mine)

	r := f.post(t, tom, reg, submitForm(f.PatB, "attended", f.SeanB, "present", f.FormulaB, "partial"))
	regWant(t, r, http.StatusUnprocessableEntity, "submit with a bad mark")
	mustContain(t, r.Body, "There is a problem", `href="#mark-`+id(f.SeanB)+`"`,
		`id="mark-`+id(f.PatB)+`" name="mark-`+id(f.PatB)+`" value="attended" checked`,
		`id="mark-`+id(f.FormulaB)+`-partial" name="mark-`+id(f.FormulaB)+`" value="partial" checked`,
		`id="mark-`+id(f.SeanB)+`-error"`, `aria-describedby="mark-`+id(f.SeanB)+`-error"`)
	if f.mark(t, f.PatB) != "" || f.mark(t, f.FormulaB) != "" || f.count(t, "registers") != 0 {
		t.Fatal("a refused form saved or submitted something")
	}
	// Before the start, the submit button is refused with the reason and the marks kept.
	f2 := newRegFixture(t)
	tom2 := f2.signedIn(t, "tom@example.org")
	r = f2.post(t, tom2, f2.registerURL(f2.Mine), submitForm(f2.PatB, "attended"))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Attendance can be recorded once the session has started") {
		t.Fatalf("submit before the start: %d %.500s", r.Status, r.Body)
	}
}

// "Mark everyone not yet marked as attended" is a button of the marks form: the marks on
// the page are saved first, never overwritten.
func TestRegisterMarkAllKeepsTheMarksOnThePage(t *testing.T) {
	f := newRegFixture(t)
	f.start()
	tom := f.signedIn(t, "tom@example.org")
	reg := f.registerURL(f.Mine)
	form := markForm(f.SeanB, "absent")
	form.Set("action", "all")
	page := f.follow(t, tom, f.post(t, tom, reg, form))
	mustContain(t, page.Body, "Attendance saved for 1 person. 2 people marked as attended")
	if f.mark(t, f.SeanB) != "absent" || f.mark(t, f.PatB) != "attended" || f.mark(t, f.FormulaB) != "attended" {
		t.Fatalf("marks: Sean %q, Pat %q, Formula %q", f.mark(t, f.SeanB), f.mark(t, f.PatB), f.mark(t, f.FormulaB))
	}
	mustNotContain(t, page.Body, `value="all"`) // nobody is left to mark
}

func TestRegisterConfirmationAfterReopening(t *testing.T) {
	f := newRegFixture(t)
	f.start()
	tom := f.signedIn(t, "tom@example.org")
	admin := f.signedIn(t, "ada@example.org")
	reg := f.registerURL(f.Mine)

	f.follow(t, tom, f.post(t, tom, reg, submitForm(f.PatB, "attended", f.SeanB, "attended", f.FormulaB, "absent")))
	f.follow(t, tom, f.post(t, tom, reg+"/submit", nil))
	f.follow(t, admin, f.post(t, admin, "/admin/sessions/"+id(f.Mine)+"/register/reopen", oneField("reason", "Seán left at 10")))

	// Seán is corrected to did not attend, the formula person to attended.
	page := f.follow(t, tom, f.post(t, tom, reg, submitForm(f.PatB, "attended", f.SeanB, "absent", f.FormulaB, "attended")))
	mustContain(t, page.Body, "<strong>1 person gets a certificate</strong> now",
		"1 person already has a certificate and keeps it.",
		"1 person loses a certificate", "Seán Ó Briain (now: Did not attend)", "Submit and lock the register")
	if f.liveCertificates(t, f.SeanB) != 1 {
		t.Fatal("the confirmation step withdrew a certificate")
	}
	page = f.follow(t, tom, f.post(t, tom, reg+"/submit", nil))
	mustContain(t, page.Body, "1 certificate issued", "1 certificate withdrawn")
	if f.liveCertificates(t, f.SeanB) != 0 || f.liveCertificates(t, f.FormulaB) != 1 || f.liveCertificates(t, f.PatB) != 1 {
		t.Fatal("certificates do not match the confirmation")
	}
}

func TestRegisterConfirmationCountsEvaluations(t *testing.T) {
	f := newRegFixture(t)
	if _, err := f.DB.Exec(context.Background(), `UPDATE courses SET requires_evaluation = 1 WHERE id = ?`, f.CourseID); err != nil {
		t.Fatal(err)
	}
	f.start()
	tom := f.signedIn(t, "tom@example.org")
	reg := f.registerURL(f.Mine)
	page := f.follow(t, tom, f.post(t, tom, reg, submitForm(f.PatB, "attended", f.SeanB, "attended", f.FormulaB, "absent")))
	mustContain(t, page.Body, "Nobody gets a new certificate now.", "<strong>2 certificates wait for an evaluation:</strong>",
		"these people get their certificates once they send it")
	page = f.follow(t, tom, f.post(t, tom, reg+"/submit", nil))
	mustContain(t, page.Body, "2 people have been asked for their evaluation first")
	if n := f.count(t, "certificates"); n != 0 {
		t.Fatalf("%d certificates before any evaluation", n)
	}
}

var checkedRE = regexp.MustCompile(`name="checked" value="([0-9a-f]+)"`)

// A register that changed after its confirmation page was shown is not submitted unseen.
func TestRegisterConfirmationNoticesLaterChanges(t *testing.T) {
	f := newRegFixture(t)
	f.start()
	tom := f.signedIn(t, "tom@example.org")
	admin := f.signedIn(t, "ada@example.org")
	reg := f.registerURL(f.Mine)

	page := f.follow(t, tom, f.post(t, tom, reg, submitForm(f.PatB, "attended", f.SeanB, "attended", f.FormulaB, "absent")))
	m := checkedRE.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no fingerprint on the confirmation: %.1500s", page.Body)
	}
	// Meanwhile an admin marks Seán as not attending.
	f.follow(t, admin, f.post(t, admin, reg, markForm(f.SeanB, "absent")))
	r := f.post(t, tom, reg+"/submit", url.Values{"checked": {m[1]}})
	if r.Status != http.StatusSeeOther || r.Location != reg+"/confirm" {
		t.Fatalf("stale confirmation: %d to %q", r.Status, r.Location)
	}
	page = f.follow(t, tom, r)
	mustContain(t, page.Body, "The register changed after you opened this page", "2 people marked did not attend")
	if f.count(t, "registers") != 0 {
		t.Fatal("a stale confirmation submitted the register")
	}
	fresh := checkedRE.FindStringSubmatch(page.Body)
	if fresh == nil || fresh[1] == m[1] {
		t.Fatalf("the fingerprint did not change with the marks: %v", fresh)
	}
	page = f.follow(t, tom, f.post(t, tom, reg+"/submit", url.Values{"checked": {fresh[1]}}))
	mustContain(t, page.Body, "Register submitted and locked. 1 certificate issued by email")
}
