package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/course"
)

func evaluationForm(rating, useful, different, comments string) url.Values {
	return url.Values{"rating": {rating}, "usefulness": {useful}, "do_differently": {different}, "comments": {comments}}
}

func TestEvaluationReleasesTheCertificate(t *testing.T) {
	f := newFixture(t)
	sean := f.recPerson(t, "sean@example.org", "Seán Ó Briain", f.Police.ID)
	cid := f.recCourse(t, course.CourseInput{Title: "Neglect", RequiresEvaluation: true})
	sid := f.Session(t, cid, 24*time.Hour, 10)
	later := f.Session(t, cid, 14*24*time.Hour, 10) // booked, not yet attended
	b := f.recAttend(t, sid, sean)[0]
	ctx := context.Background()

	// Attendance is recorded, but the certificate waits for the evaluation.
	if certs, _ := f.Attendance.ForUser(ctx, sean.ID); len(certs) != 0 {
		t.Fatalf("certificate issued before the evaluation: %+v", certs)
	}
	if n := f.recOutbox(t, "evaluation_requested", b); n != 1 {
		t.Errorf("evaluation_requested messages: %d, want 1", n)
	}
	c := f.signedIn(t, "sean@example.org")
	page := f.get(t, c, "/my/record")
	mustContain(t, page.Body, `<a href="/evaluations/`+id(b)+`">Send your evaluation to get your certificate`)
	mustNotContain(t, page.Body, "/certificates/")

	form := f.get(t, c, "/evaluations/"+id(b))
	if form.Status != http.StatusOK {
		t.Fatalf("form: %d %.300s", form.Status, form.Body)
	}
	mustContain(t, form.Body, "Evaluate your training", "Neglect", `name="rating"`, `id="rating"`, `name="usefulness"`,
		"5 – Excellent", `name="do_differently"`, `name="comments"`, "ready as soon as you send your evaluation")

	// Mistakes are shown beside the fields and change nothing.
	r := f.post(t, c, "/evaluations/"+id(b), evaluationForm("", "9", "Check records", ""))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("no rating: %d", r.Status)
	}
	mustContain(t, r.Body, "There is a problem", `href="#rating"`, "Choose an overall rating from 1 to 5",
		`href="#usefulness"`, "Check records")
	if f.count(t, "evaluations") != 0 {
		t.Fatal("a bad form stored an evaluation")
	}

	r = f.post(t, c, "/evaluations/"+id(b), evaluationForm("4", "5", "Ask about neglect sooner", "Good examples"))
	if r.Status != http.StatusSeeOther || r.Location != "/my/record" {
		t.Fatalf("send: %d %q %.500s", r.Status, r.Location, r.Body)
	}
	page = f.follow(t, c, r)
	mustContain(t, page.Body, "Thank you. Your certificate is ready to download")
	code := f.recCode(t, sean.ID, cid)
	mustContain(t, page.Body, `href="/certificates/`+code+`.pdf"`)
	mustNotContain(t, page.Body, "Send your evaluation to get your certificate")
	if n := f.recOutbox(t, "certificate_issued", b); n != 1 {
		t.Errorf("certificate_issued messages: %d, want 1", n)
	}

	// A second evaluation is refused, clearly.
	r = f.post(t, c, "/evaluations/"+id(b), evaluationForm("1", "1", "", ""))
	if r.Status != http.StatusConflict {
		t.Fatalf("second evaluation: %d, want 409", r.Status)
	}
	mustContain(t, r.Body, "You have already sent your evaluation for this session")
	mustNotContain(t, r.Body, `name="rating"`)
	if f.count(t, "evaluations") != 1 || f.recOutbox(t, "certificate_issued", b) != 1 {
		t.Error("the second evaluation changed something")
	}

	// A session not attended yet: no form, and a refusal if sent anyway.
	res := f.recBook(t, later, sean)
	form = f.get(t, c, "/evaluations/"+id(res))
	mustContain(t, form.Body, "Evaluations are for people recorded as attending")
	mustNotContain(t, form.Body, `name="rating"`)
	r = f.post(t, c, "/evaluations/"+id(res), evaluationForm("5", "5", "", ""))
	if r.Status != http.StatusUnprocessableEntity {
		t.Errorf("evaluating before attending: %d, want 422", r.Status)
	}
	mustContain(t, r.Body, "Evaluations are for people recorded as attending")

	// Someone else's booking does not exist.
	f.recPerson(t, "olu@example.org", "Olu Other", f.Police.ID)
	olu := f.signedIn(t, "olu@example.org")
	if r := f.get(t, olu, "/evaluations/"+id(b)); r.Status != http.StatusNotFound {
		t.Errorf("someone else's evaluation form: %d, want 404", r.Status)
	}
	if r := f.post(t, olu, "/evaluations/"+id(b), evaluationForm("1", "1", "", "")); r.Status != http.StatusNotFound {
		t.Errorf("someone else's evaluation: %d, want 404", r.Status)
	}
	if r := f.get(t, c, "/evaluations/999999"); r.Status != http.StatusNotFound {
		t.Errorf("unknown booking: %d", r.Status)
	}
}

func TestEvaluationWithoutRequirement(t *testing.T) {
	f := newFixture(t)
	sean := f.recPerson(t, "sean@example.org", "Seán Ó Briain", f.Police.ID)
	cid := f.recCourse(t, course.CourseInput{Title: "Neglect"})
	b := f.recAttend(t, f.Session(t, cid, time.Hour, 10), sean)[0]
	f.recCode(t, sean.ID, cid) // issued at once
	c := f.signedIn(t, "sean@example.org")
	r := f.post(t, c, "/evaluations/"+id(b), evaluationForm("3", "3", "", ""))
	mustContain(t, f.follow(t, c, r).Body, "Thank you for your evaluation")
}

func TestEvaluationSummaries(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	provider := f.Org(t, "Unseen UK", account.TrainingPartner)
	rival := f.Org(t, "Rival Training Ltd", account.TrainingPartner)
	f.recPerson(t, "pam@unseen.example.org", "Pam Partner", provider.ID, account.Partner)
	f.recPerson(t, "rob@rival.example.org", "Rob Rival", rival.ID, account.Partner)
	cid := f.recCourse(t, course.CourseInput{Title: "Modern slavery", ProviderID: provider.ID, RequiresEvaluation: true})
	people := []*account.User{
		f.recPerson(t, "aoife@example.org", "Aoife Attendee", f.Police.ID),
		f.recPerson(t, "bea@example.org", "Bea Attendee", f.Police.ID),
		f.recPerson(t, "cai@example.org", "Cai Attendee", f.Police.ID),
	}
	bookings := f.recAttend(t, f.Session(t, cid, time.Hour, 10), people...)
	for i, in := range []attendance.EvaluationInput{
		{Rating: 5, Usefulness: 4, DoDifferently: "Ask who holds the passport", Comments: "Brilliant trainer"},
		{Rating: 4, Usefulness: 4, Comments: "Room too cold"},
	} {
		if _, err := f.Attendance.SubmitEvaluation(ctx, bookings[i], people[i].ID, in); err != nil {
			t.Fatal(err)
		}
	}

	check := func(c *http.Client, path string) {
		t.Helper()
		page := f.get(t, c, path)
		if page.Status != http.StatusOK {
			t.Fatalf("%s: %d %.300s", path, page.Status, page.Body)
		}
		mustContain(t, page.Body, "Modern slavery", "2 responses from 3 people who attended (67%)",
			"<strong>4.5 out of 5</strong>", "<strong>4.0 out of 5</strong>", "5 – Excellent", "4 – Very good",
			"Ask who holds the passport", "Brilliant trainer", "Room too cold", "<svg", `width="240"`)
		// Anonymised: no attendee's name or email.
		mustNotContain(t, page.Body, "Aoife", "Bea Attendee", "aoife@example.org", "bea@example.org")
	}
	check(f.signedIn(t, "ada@example.org"), "/admin/courses/"+id(cid)+"/evaluations")
	check(f.signedIn(t, "ada@example.org"), "/partner/courses/"+id(cid)+"/evaluations")
	pam := f.signedIn(t, "pam@unseen.example.org")
	check(pam, "/partner/courses/"+id(cid)+"/evaluations")

	// The admin course page links to it.
	mustContain(t, f.get(t, f.signedIn(t, "ada@example.org"), "/admin/courses/"+id(cid)).Body,
		`href="/admin/courses/`+id(cid)+`/evaluations"`)

	// Another partner's course, or the partnership's own, does not exist for a partner.
	if r := f.get(t, pam, "/partner/courses/"+id(f.CourseID)+"/evaluations"); r.Status != http.StatusNotFound {
		t.Errorf("partner, partnership course: %d, want 404", r.Status)
	}
	rob := f.signedIn(t, "rob@rival.example.org")
	if r := f.get(t, rob, "/partner/courses/"+id(cid)+"/evaluations"); r.Status != http.StatusNotFound {
		t.Errorf("other partner: %d, want 404", r.Status)
	}
	if r := f.get(t, pam, "/admin/courses/"+id(cid)+"/evaluations"); r.Status != http.StatusForbidden {
		t.Errorf("partner on the admin page: %d, want 403", r.Status)
	}
	pat := f.signedIn(t, "pat@example.org")
	for _, path := range []string{"/admin/courses/" + id(cid) + "/evaluations", "/partner/courses/" + id(cid) + "/evaluations"} {
		if r := f.get(t, pat, path); r.Status != http.StatusForbidden {
			t.Errorf("practitioner %s: %d, want 403", path, r.Status)
		}
	}

	// A course without evaluations says so.
	page := f.get(t, f.signedIn(t, "ada@example.org"), "/admin/courses/"+id(f.CourseID)+"/evaluations")
	mustContain(t, page.Body, "No evaluations yet")
	if r := f.get(t, f.signedIn(t, "ada@example.org"), "/admin/courses/999999/evaluations"); r.Status != http.StatusNotFound {
		t.Errorf("unknown course: %d", r.Status)
	}
}

func TestCourseFormRequiresEvaluation(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, "ada@example.org")
	form := courseForm(map[string]string{"requires_evaluation": "yes"})
	r := f.post(t, admin, "/admin/courses/new", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d %.500s", r.Status, r.Body)
	}
	cid, _ := strings.CutPrefix(r.Location, "/admin/courses/")
	crs := f.recLoadCourse(t, cid)
	if !crs.RequiresEvaluation {
		t.Fatal("requires_evaluation not saved")
	}
	edit := f.get(t, admin, "/admin/courses/"+cid+"/edit")
	mustContain(t, edit.Body, `name="requires_evaluation" value="yes" aria-describedby="requires_evaluation-hint" checked`)

	form.Del("requires_evaluation") // an unticked box is not sent
	if r := f.post(t, admin, "/admin/courses/"+cid+"/edit", form); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d %.500s", r.Status, r.Body)
	}
	if f.recLoadCourse(t, cid).RequiresEvaluation {
		t.Error("unticking the box did not clear requires_evaluation")
	}
	mustNotContain(t, f.get(t, admin, "/admin/courses/"+cid+"/edit").Body, `aria-describedby="requires_evaluation-hint" checked`)
}
