package web_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestAdminSessionFormMinimum: the admin's form offers the minimum, keeps it, shows it
// filled in when editing and on the session page, and blank clears it.
func TestAdminSessionFormMinimum(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, "ada@example.org")
	mustContain(t, f.get(t, admin, "/admin/courses/"+id(f.CourseID)+"/sessions/new").Body,
		`<label class="label" for="min_places">Minimum number of people (optional)</label>`, `name="min_places"`)

	r := f.post(t, admin, "/admin/courses/"+id(f.CourseID)+"/sessions/new", sessionForm(map[string]string{"min_places": " 8 "}))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add session: %d %.1000s", r.Status, r.Body)
	}
	var sid int64
	if err := f.DB.R.QueryRow(`SELECT id FROM course_sessions WHERE min_places = 8`).Scan(&sid); err != nil {
		t.Fatalf("no session with a minimum of 8: %v", err)
	}
	mustContain(t, f.follow(t, admin, r).Body, "Minimum", "8 people: 8 more needed")
	edit := "/admin/sessions/" + id(sid) + "/edit"
	mustContain(t, f.get(t, admin, edit).Body, `id="min_places" name="min_places" type="text" inputmode="numeric" value="8"`)

	// Above the places: the error summary names the box, the value is kept, nothing changes.
	r = f.post(t, admin, edit, sessionForm(map[string]string{"min_places": "30"}))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("minimum above places: %d", r.Status)
	}
	mustContain(t, r.Body, "There is a problem", `href="#min_places"`, "The minimum number of people cannot be more than the 20 places", `value="30"`)
	if s := f.session(t, sid); s.MinPlaces != 8 {
		t.Fatalf("refused edit left minimum %d, want 8", s.MinPlaces)
	}

	r = f.post(t, admin, edit, sessionForm(map[string]string{"min_places": ""}))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("clear minimum: %d %.1000s", r.Status, r.Body)
	}
	if s := f.session(t, sid); s.MinPlaces != 0 {
		t.Fatalf("blank left minimum %d, want none", s.MinPlaces)
	}
	mustNotContain(t, f.follow(t, admin, r).Body, "more needed")
}

// TestPartnerSessionFormsMinimum: the partner's "add dates" and "change" forms carry the
// minimum too, with the same errors.
func TestPartnerSessionFormsMinimum(t *testing.T) {
	f := newPartnerFixture(t)
	cid := f.addCourse(t, f.a, "Course with a minimum")
	path := "/partner/courses/" + id(cid) + "/sessions/new"
	mustContain(t, f.get(t, f.a, path).Body, `name="min_places"`)

	bad := datesForm(f.londonDate(14), f.londonDate(21))
	bad.Set("min_places", "16")
	r := f.post(t, f.a, path, bad)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("minimum above places: %d", r.Status)
	}
	mustContain(t, r.Body, `href="#min_places"`, "The minimum number of people cannot be more than the 15 places")
	bad.Set("min_places", "none")
	mustContain(t, f.post(t, f.a, path, bad).Body, `href="#min_places"`, "Enter the minimum number of people as a whole number from 1")

	good := datesForm(f.londonDate(14))
	good.Set("min_places", "5")
	if r := f.post(t, f.a, path, good); r.Status != http.StatusSeeOther {
		t.Fatalf("add date: %d %.1000s", r.Status, r.Body)
	}
	var sid int64
	if err := f.DB.R.QueryRow(`SELECT id FROM course_sessions WHERE course_id = ?`, cid).Scan(&sid); err != nil {
		t.Fatal(err)
	}
	if s := f.session(t, sid); s.MinPlaces != 5 {
		t.Fatalf("partner's date has minimum %d, want 5", s.MinPlaces)
	}
	mustContain(t, f.get(t, f.a, "/partner/sessions/"+id(sid)).Body, "5 people: 5 more needed")
	edit := "/partner/sessions/" + id(sid) + "/edit"
	mustContain(t, f.get(t, f.a, edit).Body, `name="min_places" type="text" inputmode="numeric" value="5"`)
	change := url.Values{"date": {f.londonDate(14)}, "start_time": {"09:30"}, "end_time": {"12:30"}, "capacity": {"15"},
		"min_places": {"7"}, "delivery": {"in_person"}, "venue": {"Guildhall, Bath"}}
	if r := f.post(t, f.a, edit, change); r.Status != http.StatusSeeOther {
		t.Fatalf("change minimum: %d %.1000s", r.Status, r.Body)
	}
	if s := f.session(t, sid); s.MinPlaces != 7 {
		t.Fatalf("changed minimum %d, want 7", s.MinPlaces)
	}
}
