package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/course"
)

func TestRequiredTrainingPages(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, "ada@example.org")
	cse := f.recCourse(t, course.CourseInput{Title: "CSE awareness", ValidityMonths: 36})
	old := f.recCourse(t, course.CourseInput{Title: "Old course"})
	if err := f.DB.Write(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE courses SET status = 'archived' WHERE id = ?`, old)
		return err
	}); err != nil {
		t.Fatal(err)
	}

	r := f.get(t, admin, "/admin/required-training")
	mustContain(t, r.Body, "<h1>Required training</h1>", "No training is required of anyone yet", `href="/admin/required-training/new"`)
	mustContain(t, f.get(t, admin, "/admin").Body, `href="/admin/required-training"`)

	r = f.get(t, admin, "/admin/required-training/new")
	mustContain(t, r.Body, `<option value="`+id(cse)+`">CSE awareness (expires after 36 months)</option>`,
		`<option value="all" selected>All types of organisation</option>`, `<option value="social_care">Children&#39;s social care</option>`)
	mustNotContain(t, r.Body, "Old course")
	// Every field's id is its name, so the error summary can link to it.
	for _, tag := range regexp.MustCompile(`<(?:input|select)\b[^>]*>`).FindAllString(r.Body, -1) {
		name := regexp.MustCompile(`\bname="([^"]+)"`).FindStringSubmatch(tag)
		if name != nil && !strings.Contains(tag, `id="`+name[1]+`"`) {
			t.Errorf("field %s: id is not its name: %s", name[1], tag)
		}
	}

	// Everything wrong at once: each mistake listed, linked to its field, nothing stored.
	bad := []struct {
		form   url.Values
		fields map[string]string
	}{
		{url.Values{"course_id": {""}, "org_type": {"council"}, "job_title_keyword": {"social\x01worker"}, "renew_months": {"three years"}},
			map[string]string{"course_id": "Choose the course that is required", "org_type": "Choose a type of organisation, or all types",
				"job_title_keyword": "The job title words must be on one line", "renew_months": "Enter the number of months as a whole number, like 36"}},
		{url.Values{"course_id": {"99999"}, "org_type": {"all"}, "renew_months": {"0"}},
			map[string]string{"renew_months": "Renewal must be every 1 month or more"}},
		{url.Values{"course_id": {"99999"}, "org_type": {"all"}},
			map[string]string{"course_id": "Choose the course that is required"}},
		{url.Values{"course_id": {id(cse)}, "renew_months": {"601"}},
			map[string]string{"renew_months": "Renewal must be every 600 months (50 years) or fewer"}},
		{url.Values{"course_id": {id(cse)}, "job_title_keyword": {strings.Repeat("x", 101)}},
			map[string]string{"job_title_keyword": "The job title words must be 100 characters or fewer"}},
	}
	for _, tc := range bad {
		r := f.post(t, admin, "/admin/required-training/new", tc.form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d, want 422", tc.form, r.Status)
			continue
		}
		mustContain(t, r.Body, "<title>Error: Add required training")
		for field, msg := range tc.fields {
			mustContain(t, r.Body, `<li><a href="#`+field+`">`+strings.ReplaceAll(msg, "'", "&#39;"), `id="`+field+`-error"`)
		}
		if v := tc.form.Get("renew_months"); v != "" {
			mustContain(t, r.Body, `value="`+v+`"`) // typed values come back
		}
	}
	if n := f.count(t, "required_training"); n != 0 {
		t.Fatalf("%d rules stored from bad forms", n)
	}

	// A good rule, then the same again.
	good := url.Values{"course_id": {id(cse)}, "org_type": {"social_care"}, "job_title_keyword": {" social  worker "}, "renew_months": {""}}
	r = f.follow(t, admin, f.post(t, admin, "/admin/required-training/new", good))
	mustContain(t, r.Body, "Required training added", "CSE awareness",
		"Children&#39;s social care staff whose job title contains “social worker”", "Every 36 months (the course&#39;s own period)")
	r = f.post(t, admin, "/admin/required-training/new", good)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate: %d", r.Status)
	}
	mustContain(t, r.Body, "already required of these people")
	r = f.follow(t, admin, f.post(t, admin, "/admin/required-training/new",
		url.Values{"course_id": {id(f.CourseID)}, "org_type": {"all"}, "renew_months": {"12"}}))
	mustContain(t, r.Body, "Staff of every type of organisation", "Every 12 months")
	if n := f.count(t, "required_training"); n != 2 {
		t.Fatalf("%d rules, want 2", n)
	}

	// Only admins: practitioners and managers are refused, and change nothing.
	f.User(t, "mo@example.org", f.Police.ID, account.Manager)
	var ruleID string
	if err := f.DB.R.QueryRow(`SELECT id FROM required_training WHERE course_id = ?`, cse).Scan(&ruleID); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"pat@example.org", "mo@example.org"} {
		c := f.signedIn(t, who)
		for _, p := range []string{"/admin/required-training", "/admin/required-training/new"} {
			if r := f.get(t, c, p); r.Status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d", who, p, r.Status)
			}
		}
		if r := f.post(t, c, "/admin/required-training/new", good); r.Status != http.StatusForbidden {
			t.Errorf("%s POST new: %d", who, r.Status)
		}
		if r := f.post(t, c, "/admin/required-training/"+ruleID+"/delete", nil); r.Status != http.StatusForbidden {
			t.Errorf("%s POST delete: %d", who, r.Status)
		}
	}
	if n := f.count(t, "required_training"); n != 2 {
		t.Fatalf("refused requests changed the rules: %d", n)
	}

	// Delete.
	r = f.follow(t, admin, f.post(t, admin, "/admin/required-training/"+ruleID+"/delete", nil))
	mustContain(t, r.Body, "Removed: CSE awareness is no longer required of children&#39;s social care staff whose job title contains “social worker”")
	if n := f.count(t, "required_training"); n != 1 {
		t.Fatalf("%d rules after delete", n)
	}
	for _, p := range []string{"/admin/required-training/" + ruleID + "/delete", "/admin/required-training/abc/delete"} {
		if r := f.post(t, admin, p, nil); r.Status != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", p, r.Status)
		}
	}
}
