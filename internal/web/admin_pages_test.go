package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
)

func courseForm(over map[string]string) url.Values {
	v := url.Values{
		"title": {"Children missing from home"}, "summary": {"Why children go missing"},
		"description": {"Para one.\n\nPara two."}, "audience": {"Everyone"}, "duration_minutes": {"150"},
		"provider_id": {""}, "validity_months": {"36"}, "status": {"published"}, "topics": {"Missing, Exploitation"},
	}
	for k, val := range over {
		v.Set(k, val)
	}
	return v
}

// sessionForm is a valid in-person session on a winter date after the fixture's now.
func sessionForm(over map[string]string) url.Values {
	v := url.Values{
		"date": {"2027-01-14"}, "start_time": {"09:30"}, "end_time": {"12:30"}, "capacity": {"20"},
		"delivery": {"in_person"}, "venue": {"Guildhall, Bath"}, "online_url": {""},
		"booking_closes_at": {""}, "cancel_cutoff_at": {""},
	}
	for k, val := range over {
		if val == "<unset>" {
			v.Del(k)
			continue
		}
		v.Set(k, val)
	}
	return v
}

func TestAdminCreatesCourseAndSession(t *testing.T) {
	f := newFixture(t)
	trainer := f.User(t, "tom@example.org", f.Police.ID, account.Trainer)
	admin := f.signedIn(t, "ada@example.org")

	r := f.post(t, admin, "/admin/courses/new", courseForm(nil))
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/admin/courses/") {
		t.Fatalf("create course: %d %q %.800s", r.Status, r.Location, r.Body)
	}
	coursePath := r.Location
	page := f.follow(t, admin, r)
	mustContain(t, page.Body, "Course added", "Children missing from home", "Every 36 months", "Exploitation, Missing", "Published")

	form := sessionForm(nil)
	form.Add("trainer_ids", id(trainer.ID))
	r = f.post(t, admin, coursePath+"/sessions/new", form)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/admin/sessions/") {
		t.Fatalf("create session: %d %q %.1500s", r.Status, r.Location, r.Body)
	}
	page = f.follow(t, admin, r)
	mustContain(t, page.Body, "Session added", "Thursday 14 January 2027, 9:30am to 12:30pm", "Person tom@example.org", "Guildhall, Bath", "0 booked of 20")

	sessions, err := f.Courses.Sessions(context.Background(), f.sessionFilterForTitle(t, "Children missing from home"))
	if err != nil || len(sessions) != 1 {
		t.Fatalf("sessions: %v %v", sessions, err)
	}
	s := sessions[0]
	if want := time.Date(2027, 1, 14, 9, 30, 0, 0, time.UTC); !s.StartsAt.Equal(want) {
		t.Errorf("starts %v, want %v (GMT in January)", s.StartsAt, want)
	}
	if want := s.StartsAt.Add(-48 * time.Hour); !s.CancelCutoffAt.Equal(want) || !s.BookingClosesAt.Equal(s.StartsAt) {
		t.Errorf("defaults: closes %v cut-off %v", s.BookingClosesAt, s.CancelCutoffAt)
	}

	// The edit form shows what is stored; blank defaults stay blank.
	edit := f.get(t, admin, "/admin/sessions/"+id(s.ID)+"/edit")
	mustContain(t, edit.Body, `value="2027-01-14"`, `value="09:30"`, `value="12:30"`, `value="20"`, `value="`+id(trainer.ID)+`" selected`)
	mustContain(t, edit.Body, `id="booking_closes_at" name="booking_closes_at" type="datetime-local" value=""`)
}

// sessionFilterForTitle finds the course id by title through the admin list.
func (f *fixture) sessionFilterForTitle(t *testing.T, title string) course.SessionFilter {
	t.Helper()
	courses, err := f.Courses.Courses(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range courses {
		if c.Title == title {
			return course.SessionFilter{CourseID: c.ID}
		}
	}
	t.Fatalf("no course %q", title)
	return course.SessionFilter{}
}

func TestAdminSessionTimesAcrossClockChanges(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, "ada@example.org")
	cases := []struct {
		date, start, end string
		want             time.Time
	}{
		// Summer time: 09:00 in London is 08:00 UTC.
		{"2027-03-28", "09:00", "10:00", time.Date(2027, 3, 28, 8, 0, 0, 0, time.UTC)},
		{"2027-03-27", "09:00", "10:00", time.Date(2027, 3, 27, 9, 0, 0, 0, time.UTC)},
		// Typed by hand the UK way, where a browser has no date picker.
		{"3/4/2027", "9:15", "10:00", time.Date(2027, 4, 3, 8, 15, 0, 0, time.UTC)},
		// 01:30 on the last Sunday of October happens twice: the first is taken.
		{"2027-10-31", "01:30", "03:00", time.Date(2027, 10, 31, 0, 30, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		r := f.post(t, admin, "/admin/courses/"+id(f.CourseID)+"/sessions/new",
			sessionForm(map[string]string{"date": tc.date, "start_time": tc.start, "end_time": tc.end}))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("%s %s: %d %.1000s", tc.date, tc.start, r.Status, r.Body)
		}
		sid := strings.TrimPrefix(r.Location, "/admin/sessions/")
		var starts string
		if err := f.DB.R.QueryRow(`SELECT starts_at FROM course_sessions WHERE id = ?`, sid).Scan(&starts); err != nil {
			t.Fatal(err)
		}
		if starts != tc.want.Format("2006-01-02T15:04:05Z") {
			t.Errorf("%s %s London stored as %s, want %s", tc.date, tc.start, starts, tc.want.Format(time.RFC3339))
		}
		mustContain(t, f.get(t, admin, r.Location).Body, strings.TrimPrefix(tc.start, "0")+"am")
	}
}

func TestAdminBadCourseInputChangesNothing(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, "ada@example.org")
	cases := []struct {
		name  string
		over  map[string]string
		field string
	}{
		{"no title", map[string]string{"title": "  "}, "title"},
		{"long title", map[string]string{"title": strings.Repeat("x", 201)}, "title"},
		{"duration words", map[string]string{"duration_minutes": "two hours"}, "duration_minutes"},
		{"duration blank", map[string]string{"duration_minutes": ""}, "duration_minutes"},
		{"duration tiny", map[string]string{"duration_minutes": "5"}, "duration_minutes"},
		{"duration huge", map[string]string{"duration_minutes": "99999999999999"}, "duration_minutes"},
		{"validity negative", map[string]string{"validity_months": "-1"}, "validity_months"},
		{"validity words", map[string]string{"validity_months": "three years"}, "validity_months"},
		{"unknown provider", map[string]string{"provider_id": "424242"}, "provider_id"},
		{"provider not a number", map[string]string{"provider_id": "police"}, "provider_id"},
		{"unknown status", map[string]string{"status": "live"}, "status"},
		{"long topic", map[string]string{"topics": strings.Repeat("t", 81)}, "topics"},
	}
	before := f.count(t, "courses")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := courseForm(tc.over)
			for _, path := range []string{"/admin/courses/new", "/admin/courses/" + id(f.CourseID) + "/edit"} {
				r := f.post(t, admin, path, form)
				if r.Status != http.StatusUnprocessableEntity {
					t.Fatalf("%s: status %d, want 422: %.800s", path, r.Status, r.Body)
				}
				mustContain(t, r.Body, "There is a problem", `href="#`+tc.field+`"`, `id="`+tc.field+`"`, "form-group--error")
				if v := tc.over[tc.field]; v != "" && len(v) < 50 && tc.field != "status" && tc.field != "provider_id" {
					mustContain(t, r.Body, `value="`+v+`"`) // what was typed is shown again
				}
			}
		})
	}
	if f.count(t, "courses") != before {
		t.Fatal("bad input created a course")
	}
	c, err := f.Courses.Course(context.Background(), f.CourseID)
	if err != nil || c.Title != "Safeguarding level 2" || c.DurationMinutes != 180 {
		t.Fatalf("bad input changed the course: %+v %v", c, err)
	}
}

func TestAdminBadSessionInputChangesNothing(t *testing.T) {
	f := newFixture(t)
	practitioner := f.Pract
	admin := f.signedIn(t, "ada@example.org")
	cases := []struct {
		name  string
		over  map[string]string
		field string
	}{
		{"impossible date", map[string]string{"date": "2026-02-30"}, "date"},
		{"words for a date", map[string]string{"date": "tomorrow"}, "date"},
		{"American date", map[string]string{"date": "01/31/2027"}, "date"},
		{"no date", map[string]string{"date": ""}, "date"},
		{"date in the past", map[string]string{"date": "2026-01-05"}, "date"},
		{"enormous year", map[string]string{"date": "99999-01-01"}, "date"},
		{"no start", map[string]string{"start_time": ""}, "start_time"},
		{"bad start", map[string]string{"start_time": "half nine"}, "start_time"},
		{"25 o'clock", map[string]string{"start_time": "25:00"}, "start_time"},
		{"bad end", map[string]string{"end_time": "noon"}, "end_time"},
		{"end before start", map[string]string{"end_time": "08:00"}, "end_time"},
		{"clocks go forward", map[string]string{"date": "2027-03-28", "start_time": "01:30", "end_time": "04:00"}, "start_time"},
		{"no capacity", map[string]string{"capacity": ""}, "capacity"},
		{"capacity words", map[string]string{"capacity": "lots"}, "capacity"},
		{"capacity zero", map[string]string{"capacity": "0"}, "capacity"},
		{"capacity huge", map[string]string{"capacity": "100000"}, "capacity"},
		{"minimum words", map[string]string{"min_places": "a few"}, "min_places"},
		{"minimum zero", map[string]string{"min_places": "0"}, "min_places"},
		{"minimum above places", map[string]string{"min_places": "21"}, "min_places"},
		{"no delivery", map[string]string{"delivery": "<unset>"}, "delivery"},
		{"odd delivery", map[string]string{"delivery": "carrier pigeon"}, "delivery"},
		{"in person without venue", map[string]string{"venue": ""}, "venue"},
		{"online without link", map[string]string{"delivery": "online"}, "online_url"},
		{"online with http link", map[string]string{"delivery": "online", "online_url": "http://meet.example.org/x"}, "online_url"},
		{"online with script link", map[string]string{"delivery": "online", "online_url": "javascript:alert(1)"}, "online_url"},
		{"booking closes after start", map[string]string{"booking_closes_at": "2027-01-15T09:00"}, "booking_closes_at"},
		{"booking closes nonsense", map[string]string{"booking_closes_at": "next week"}, "booking_closes_at"},
		{"cut-off after start", map[string]string{"cancel_cutoff_at": "2027-01-14T10:00"}, "cancel_cutoff_at"},
		{"cut-off impossible", map[string]string{"cancel_cutoff_at": "2027-02-30T10:00"}, "cancel_cutoff_at"},
		{"trainer not a number", map[string]string{"trainer_ids": "tom"}, "trainer_ids"},
		{"trainer without the role", map[string]string{"trainer_ids": id(practitioner.ID)}, "trainer_ids"},
		{"trainer unknown", map[string]string{"trainer_ids": "987654"}, "trainer_ids"},
	}
	sessionsBefore := f.count(t, "course_sessions")
	trainersBefore := f.count(t, "session_trainers")
	original := f.session(t, f.SessionID)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := sessionForm(tc.over)
			for _, path := range []string{"/admin/courses/" + id(f.CourseID) + "/sessions/new", "/admin/sessions/" + id(f.SessionID) + "/edit"} {
				r := f.post(t, admin, path, form)
				if r.Status != http.StatusUnprocessableEntity {
					t.Fatalf("%s: status %d, want 422: %.1500s", path, r.Status, r.Body)
				}
				mustContain(t, r.Body, "There is a problem", `href="#`+tc.field+`"`, `id="`+tc.field+`"`, "form-group--error")
				if v := tc.over[tc.field]; v != "" && v != "<unset>" && tc.field != "delivery" && tc.field != "trainer_ids" {
					mustContain(t, r.Body, `value="`+v+`"`)
				}
			}
		})
	}
	if f.count(t, "course_sessions") != sessionsBefore || f.count(t, "session_trainers") != trainersBefore {
		t.Fatal("bad input created sessions or trainer links")
	}
	after := f.session(t, f.SessionID)
	if !after.StartsAt.Equal(original.StartsAt) || after.Capacity != original.Capacity || after.Venue != original.Venue {
		t.Fatalf("bad input changed the session: %+v", after)
	}
}

func TestAdminBooksAndCancelsForSomeone(t *testing.T) {
	f := newFixture(t)
	small := f.Session(t, f.CourseID, 3*24*time.Hour, 1)
	bea := f.User(t, "bea@example.org", f.Police.ID, account.Practitioner)
	admin := f.signedIn(t, "ada@example.org")
	path := "/admin/sessions/" + id(small)
	page := f.get(t, admin, path)
	token := pageToken(t, page.Body)

	r := f.post(t, admin, path+"/bookings", url.Values{"email": {"nobody@example.org"}, "token": {token}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown email: %d", r.Status)
	}
	mustContain(t, r.Body, `href="#email"`, "There is no active account with that email address", `value="nobody@example.org"`)
	if r := f.post(t, admin, path+"/bookings", url.Values{"email": {""}, "token": {token}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("blank email: %d", r.Status)
	}

	r = f.post(t, admin, path+"/bookings", url.Values{"email": {"PAT@example.org"}, "token": {token}})
	mustContain(t, f.follow(t, admin, r).Body, "Person pat@example.org has a place on Safeguarding level 2")
	// The same form, this time for Bea: a different person, so a second booking (waiting list).
	r = f.post(t, admin, path+"/bookings", url.Values{"email": {"bea@example.org"}, "token": {token}})
	mustContain(t, f.follow(t, admin, r).Body, "Person bea@example.org is number 1 on the waiting list")
	// A double submit for Pat books nothing more.
	r = f.post(t, admin, path+"/bookings", url.Values{"email": {"pat@example.org"}, "token": {token}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("double submit: %d", r.Status)
	}
	if n := f.count(t, "bookings"); n != 2 {
		t.Fatalf("bookings: %d, want 2", n)
	}
	// A new form for someone already booked is a field error.
	r = f.post(t, admin, path+"/bookings", url.Values{"email": {"pat@example.org"}, "token": {strings.Repeat("0f", 16)}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("already booked: %d", r.Status)
	}
	mustContain(t, r.Body, "already has a place on this session")

	page = f.get(t, admin, path)
	mustContain(t, page.Body, "Person pat@example.org", "Booked", "Person bea@example.org", "Waiting list", "number 1", "Cancel booking")

	pat := f.bookingsOf(t, f.Pract.ID)[0]
	r = f.post(t, admin, "/admin/bookings/"+id(pat.ID)+"/cancel", nil)
	if r.Status != http.StatusSeeOther || r.Location != path {
		t.Fatalf("admin cancel: %d %q", r.Status, r.Location)
	}
	mustContain(t, f.follow(t, admin, r).Body, "Person pat@example.org&#39;s booking is cancelled")
	if got := f.bookingsOf(t, bea.ID)[0].Status; got != booking.Confirmed {
		t.Fatalf("Bea was not promoted: %s", got)
	}
	r = f.post(t, admin, "/admin/bookings/"+id(pat.ID)+"/cancel", nil)
	mustContain(t, f.follow(t, admin, r).Body, "was already cancelled")
	if r := f.post(t, admin, "/admin/bookings/999999/cancel", nil); r.Status != http.StatusNotFound {
		t.Errorf("unknown booking: %d", r.Status)
	}
}

func TestAdminRaisesCapacityAndCancelsSession(t *testing.T) {
	f := newFixture(t)
	small := f.Session(t, f.CourseID, 3*24*time.Hour, 1)
	f.User(t, "bea@example.org", f.Police.ID, account.Practitioner)
	pat, bea := f.signedIn(t, "pat@example.org"), f.signedIn(t, "bea@example.org")
	f.bookThroughPage(t, pat, small)
	f.bookThroughPage(t, bea, small)
	admin := f.signedIn(t, "ada@example.org")

	s := f.session(t, small)
	l := s.StartsLondon()
	form := sessionForm(map[string]string{"date": l.Format("2006-01-02"), "start_time": l.Format("15:04"),
		"end_time": s.EndsLondon().Format("15:04"), "capacity": "2"})
	r := f.post(t, admin, "/admin/sessions/"+id(small)+"/edit", form)
	mustContain(t, f.follow(t, admin, r).Body, "Session details saved", "1 person from the waiting list now has a place", "2 booked of 2")
	mustNotContain(t, f.get(t, bea, "/my/training").Body, "Number 1")

	// Capacity below the places taken is refused.
	form.Set("capacity", "1")
	r = f.post(t, admin, "/admin/sessions/"+id(small)+"/edit", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("capacity below bookings: %d", r.Status)
	}
	mustContain(t, r.Body, "Places cannot be fewer than the 2 people already booked")

	page := f.get(t, admin, "/admin/sessions/"+id(small)+"/cancel")
	mustContain(t, page.Body, "Are you sure you want to cancel this session?", "This cancels 2 bookings")
	r = f.post(t, admin, "/admin/sessions/"+id(small)+"/cancel", url.Values{"reason": {"Trainer unwell"}})
	mustContain(t, f.follow(t, admin, r).Body, "The session is cancelled. 2 bookings were cancelled", "Trainer unwell")
	mustContain(t, f.get(t, pat, "/my/training").Body, "The organiser cancelled the session")
	if r := f.get(t, admin, "/admin/sessions/"+id(small)+"/edit"); r.Status != http.StatusConflict {
		t.Errorf("editing a cancelled session: %d", r.Status)
	}
	if r := f.post(t, admin, "/admin/sessions/"+id(small)+"/cancel", url.Values{"reason": {"again"}}); r.Status != http.StatusConflict {
		t.Errorf("cancelling twice: %d", r.Status)
	}
	r = f.post(t, admin, "/admin/sessions/"+id(f.SessionID)+"/cancel", url.Values{"reason": {strings.Repeat("r", 1001)}})
	if r.Status != http.StatusUnprocessableEntity || f.session(t, f.SessionID).IsCancelled() {
		t.Errorf("over-long reason: %d", r.Status)
	}
}

func TestAdminOrganisationsAndRegistrationSwitch(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, "ada@example.org")
	r := f.post(t, admin, "/admin/organisations/new", url.Values{"name": {"Mendip School"}, "type": {"education"}})
	mustContain(t, f.follow(t, admin, r).Body, "Organisation added: Mendip School", "Education")

	before := f.count(t, "organisations")
	for _, form := range []url.Values{
		{"name": {""}, "type": {"education"}},
		{"name": {"New org"}, "type": {"pirates"}},
		{"name": {"bath police"}, "type": {"police"}},
	} {
		r := f.post(t, admin, "/admin/organisations/new", form)
		if r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusConflict {
			t.Errorf("%v: %d", form, r.Status)
		}
		mustContain(t, r.Body, "There is a problem", "form-group--error")
	}
	if f.count(t, "organisations") != before {
		t.Fatal("bad organisation input created rows")
	}
	r = f.post(t, admin, "/admin/organisations/"+id(f.Police.ID)+"/edit", url.Values{"name": {"Avon and Somerset Police"}, "type": {"police"},
		"domains": {"@AvonAndSomerset.police.uk, avonandsomerset.police.uk"}})
	mustContain(t, f.follow(t, admin, r).Body, "Organisation saved", "Avon and Somerset Police")
	mustContain(t, f.get(t, admin, "/admin/organisations/"+id(f.Police.ID)+"/edit").Body, `value="avonandsomerset.police.uk"`)
	r = f.post(t, admin, "/admin/organisations/"+id(f.Police.ID)+"/edit", url.Values{"name": {""}, "type": {"police"}, "domains": {"police"}})
	mustContain(t, r.Body, `<a href="#name">`, `<a href="#domains">Enter each email domain`)
	if orgs, _ := f.Accounts.OrganisationsForEmail(context.Background(), "pc@avonandsomerset.police.uk"); len(orgs) != 1 {
		t.Errorf("a refused edit changed the domains: %v", orgs)
	}

	r = f.post(t, admin, "/admin/settings/registration", url.Values{"registration": {"closed"}})
	mustContain(t, f.follow(t, admin, r).Body, "Registration is closed")
	if open, _ := f.Accounts.RegistrationOpen(context.Background()); open {
		t.Fatal("registration still open")
	}
	if r := f.get(t, f.Browser(t), "/register"); r.Status != http.StatusForbidden {
		t.Errorf("register while closed: %d", r.Status)
	}
	if r := f.post(t, admin, "/admin/settings/registration", url.Values{"registration": {"maybe"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("odd registration value: %d", r.Status)
	}
	r = f.post(t, admin, "/admin/settings/registration", url.Values{"registration": {"open"}})
	mustContain(t, f.follow(t, admin, r).Body, "Registration is open")
}
