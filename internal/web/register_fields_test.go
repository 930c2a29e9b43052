package web_test

import (
	"net/http"
	"net/url"
	"testing"
)

// The register's fields use the shared form helper: a field in error is tied to its hint
// and its error message, and the error summary links to it.
func TestRegisterFieldsTieErrorsToTheirFields(t *testing.T) {
	f := newRegFixture(t)
	f.start()
	tom := f.signedIn(t, "tom@example.org")
	reg := f.registerURL(f.Mine)
	pat, sean := "mark-"+id(f.PatB), "mark-"+id(f.SeanB)

	// A person's marks are a group: the fieldset names the error, the radios stay plain.
	page := f.get(t, tom, reg)
	mustContain(t, page.Body, `<fieldset class="attendance-mark"`)
	mustNotContain(t, page.Body, `aria-describedby="mark-`, `aria-invalid`)
	r := f.post(t, tom, reg, markForm(f.PatB, "present", f.SeanB, "absent"))
	regWant(t, r, http.StatusUnprocessableEntity, "bad mark")
	mustContain(t, r.Body, `<fieldset class="attendance-mark form-group--error" aria-describedby="`+pat+`-error">`,
		`<p class="field-error" id="`+pat+`-error"><span class="visually-hidden">Error:</span> Choose attended, partly attended or did not attend for Person pat@example.org</p>`,
		`<a href="#`+pat+`">`, `id="`+pat+`" name="`+pat+`" value="attended">`,
		`id="`+sean+`-absent" name="`+sean+`" value="absent" checked>`)
	mustNotContain(t, r.Body, `aria-describedby="`+sean+`-error"`, `id="`+sean+`-error"`)

	// The reopen reason: its hint always, its error when there is one.
	f.follow(t, tom, f.post(t, tom, reg+"/all", nil))
	f.follow(t, tom, f.post(t, tom, reg+"/submit", nil))
	admin := f.signedIn(t, "ada@example.org")
	mustContain(t, f.get(t, admin, reg).Body, `<span class="hint" id="reason-hint">`,
		`id="reason" name="reason" type="text" value="" aria-describedby="reason-hint">`)
	r = f.post(t, admin, "/admin/sessions/"+id(f.Mine)+"/register/reopen", url.Values{"reason": {" "}})
	regWant(t, r, http.StatusUnprocessableEntity, "reopen without a reason")
	mustContain(t, r.Body, `<div class="form-group form-group--error">`, `<p class="field-error" id="reason-error">`,
		`id="reason" name="reason" type="text" value=" " aria-describedby="reason-hint reason-error" aria-invalid="true">`,
		`<a href="#reason">Say why the register is being reopened`)
}
