package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/testkit"
)

// partnerFixture adds two training partners, each with one partner, to the page fixture.
type partnerFixture struct {
	*fixture
	orgA, orgB account.Organisation
	a, b       *http.Client // signed in as each partner
	admin      *http.Client
}

func newPartnerFixture(t *testing.T) *partnerFixture {
	t.Helper()
	f := &partnerFixture{fixture: newFixture(t)}
	f.orgA = f.Org(t, "Freedom Pathways", account.TrainingPartner)
	f.orgB = f.Org(t, "Other Trainers Ltd", account.TrainingPartner)
	f.User(t, "grace@freedom.example.org", f.orgA.ID, account.Partner)
	f.User(t, "bob@other.example.org", f.orgB.ID, account.Partner)
	f.a = f.signedIn(t, "grace@freedom.example.org")
	f.b = f.signedIn(t, "bob@other.example.org")
	f.admin = f.signedIn(t, "ada@example.org")
	return f
}

func partnerCourseForm(title string) url.Values {
	return url.Values{"title": {title}, "summary": {"About " + title}, "description": {"What you learn."},
		"duration_minutes": {"120"}, "topics": {"Exploitation"}}
}

// addCourse adds a course through the page as partner c and returns its id.
func (f *partnerFixture) addCourse(t *testing.T, c *http.Client, title string) int64 {
	t.Helper()
	r := f.post(t, c, "/partner/courses/new", partnerCourseForm(title))
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/partner/courses/") {
		t.Fatalf("add course: %d %q %.500s", r.Status, r.Location, r.Body)
	}
	var cid int64
	if err := f.DB.R.QueryRow(`SELECT id FROM courses WHERE title = ?`, title).Scan(&cid); err != nil {
		t.Fatal(err)
	}
	if r.Location != "/partner/courses/"+id(cid) {
		t.Fatalf("redirected to %q", r.Location)
	}
	return cid
}

// londonDate is a date n days from the fake now, as a date input sends it.
func (f *partnerFixture) londonDate(days int) string {
	return f.Clock.Now().Add(time.Duration(days) * 24 * time.Hour).In(clock.London).Format("2006-01-02")
}

func datesForm(dates ...string) url.Values {
	v := url.Values{"start_time": {"09:30"}, "end_time": {"12:30"}, "capacity": {"15"}, "delivery": {"in_person"},
		"venue": {"Guildhall, Bath"}}
	for i, d := range dates {
		name := "date"
		if i > 0 {
			name = "date_" + id(int64(i+1))
		}
		v.Set(name, d)
	}
	return v
}

// addDates posts dates for a course as partner c and fails unless they are all added.
func (f *partnerFixture) addDates(t *testing.T, c *http.Client, courseID int64, dates ...string) []int64 {
	t.Helper()
	r := f.post(t, c, "/partner/courses/"+id(courseID)+"/sessions/new", datesForm(dates...))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add dates: %d %.2000s", r.Status, r.Body)
	}
	var ids []int64
	rows, err := f.DB.R.Query(`SELECT id FROM course_sessions WHERE course_id = ? ORDER BY starts_at`, courseID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n int64
		_ = rows.Scan(&n)
		ids = append(ids, n)
	}
	return ids
}

func (f *partnerFixture) listed(t *testing.T, title string) bool {
	t.Helper()
	return strings.Contains(f.get(t, f.Browser(t), "/courses").Body, title)
}

func (f *partnerFixture) outboxCount(t *testing.T, kind string, userID int64) int {
	t.Helper()
	var n int
	if err := f.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE kind = ? AND user_id = ?`, kind, userID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPartnerCourseIsApprovedThenEdited(t *testing.T) {
	f := newPartnerFixture(t)
	ctx := context.Background()
	cid := f.addCourse(t, f.a, "Modern slavery awareness")
	crs, err := f.Courses.Course(ctx, cid)
	if err != nil {
		t.Fatal(err)
	}
	if crs.ProviderID != f.orgA.ID || crs.Approval != course.Pending || crs.Live() {
		t.Fatalf("new partner course: provider %d, %s %s", crs.ProviderID, crs.Approval, crs.Status)
	}
	page := f.follow(t, f.a, f.post(t, f.a, "/partner/courses/"+id(cid)+"/edit", partnerCourseForm("Modern slavery awareness")))
	mustContain(t, page.Body, "Waiting for approval")
	sessions := f.addDates(t, f.a, cid, f.londonDate(14))

	// Not in the catalogue, not on its own page, not bookable.
	if f.listed(t, "Modern slavery awareness") {
		t.Fatal("a course waiting for approval is in the catalogue")
	}
	pract := f.signedIn(t, "pat@example.org")
	if r := f.get(t, pract, "/courses/"+id(cid)); r.Status != http.StatusNotFound {
		t.Fatalf("public page of a pending course: %d", r.Status)
	}
	if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: sessions[0], UserID: f.Pract.ID}); err == nil {
		t.Fatal("booked a date of a pending course")
	}
	dash := f.get(t, f.a, "/partner")
	mustContain(t, dash.Body, "Modern slavery awareness", "Waiting for approval", "Not listed yet")

	// The admin sees it, with who sent it, and approves it.
	pending := f.get(t, f.admin, "/admin/courses/pending")
	mustContain(t, pending.Body, "Modern slavery awareness", "Freedom Pathways", "Person grace@freedom.example.org", "(listed once approved)")
	mustContain(t, f.get(t, f.admin, "/admin").Body, `href="/admin/courses/pending"`)
	r := f.post(t, f.admin, "/admin/courses/"+id(cid)+"/approve", nil)
	mustContain(t, f.follow(t, f.admin, r).Body, "Approved: Modern slavery awareness", "No partner courses are waiting")
	if !f.listed(t, "Modern slavery awareness") {
		t.Fatal("an approved course is not listed")
	}
	if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: sessions[0], UserID: f.Pract.ID}); err != nil {
		t.Fatalf("booking once approved: %v", err)
	}
	mustContain(t, f.get(t, f.a, "/partner").Body, `tag--green">Live`)

	// The partner edits it: it stays live, with the new title.
	r = f.post(t, f.a, "/partner/courses/"+id(cid)+"/edit", partnerCourseForm("Modern slavery: spotting the signs"))
	mustContain(t, f.follow(t, f.a, r).Body, "Course details saved", "Modern slavery: spotting the signs")
	if !f.listed(t, "Modern slavery: spotting the signs") {
		t.Fatal("an edited approved course dropped out of the catalogue")
	}
	// New dates of an approved course are bookable at once.
	more := f.addDates(t, f.a, cid, f.londonDate(21))
	if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: more[len(more)-1], UserID: f.Pract.ID}); err != nil {
		t.Fatalf("booking a new date of a live course: %v", err)
	}
}

func TestPartnerCourseNotApprovedGoesBackWhenEdited(t *testing.T) {
	f := newPartnerFixture(t)
	cid := f.addCourse(t, f.a, "County lines")
	field := "reason-" + id(cid)
	r := f.post(t, f.admin, "/admin/courses/"+id(cid)+"/reject", url.Values{field: {"  "}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("reject without a reason: %d", r.Status)
	}
	mustContain(t, r.Body, `href="#`+field+`"`, `id="`+field+`" name="`+field+`"`, "Enter why the course is not approved")
	r = f.post(t, f.admin, "/admin/courses/"+id(cid)+"/reject", url.Values{field: {"Add the learning outcomes, please."}})
	mustContain(t, f.follow(t, f.admin, r).Body, "Not approved: Freedom Pathways can see your reason")

	dash := f.get(t, f.a, "/partner").Body
	mustContain(t, dash, "Not approved", "Reason: Add the learning outcomes, please.")
	mustContain(t, f.get(t, f.a, "/partner/courses/"+id(cid)+"/edit").Body, "goes back to them for approval")
	r = f.post(t, f.a, "/partner/courses/"+id(cid)+"/edit", partnerCourseForm("County lines and exploitation"))
	mustContain(t, f.follow(t, f.a, r).Body, "sent to the partnership for approval")
	crs, _ := f.Courses.Course(context.Background(), cid)
	if crs.Approval != course.Pending {
		t.Fatalf("after editing a rejected course: %s, want pending", crs.Approval)
	}
	mustContain(t, f.get(t, f.admin, "/admin/courses/pending").Body, "County lines and exploitation",
		"Last time not approved because", "Add the learning outcomes, please.")
}

func TestPartnerCoursesGoLiveSetting(t *testing.T) {
	f := newPartnerFixture(t)
	mustContain(t, f.get(t, f.admin, "/admin/courses/pending").Body, `id="partner_courses_go_live" name="partner_courses_go_live"`)
	r := f.post(t, f.admin, "/admin/settings/partner-courses", url.Values{"partner_courses_go_live": {"yes"}})
	mustContain(t, f.follow(t, f.admin, r).Body, "go live without approval", `name="partner_courses_go_live" value="yes" checked aria-describedby="partner_courses_go_live-hint"`)
	mustContain(t, f.get(t, f.a, "/partner/courses/new").Body, "listed for booking as soon as you add it")
	cid := f.addCourse(t, f.a, "Live at once")
	if crs, _ := f.Courses.Course(context.Background(), cid); !crs.Live() {
		t.Fatalf("with the setting on: %s %s", crs.Approval, crs.Status)
	}
	if !f.listed(t, "Live at once") {
		t.Fatal("not listed")
	}
	// Off again: the next course waits.
	f.post(t, f.admin, "/admin/settings/partner-courses", url.Values{})
	cid = f.addCourse(t, f.a, "Waits again")
	if crs, _ := f.Courses.Course(context.Background(), cid); crs.Live() {
		t.Fatal("with the setting off, a new course went live")
	}
}

func TestPartnerAddsSeveralDatesAllOrNothing(t *testing.T) {
	f := newPartnerFixture(t)
	cid := f.addCourse(t, f.a, "Dates course")
	path := "/partner/courses/" + id(cid) + "/sessions/new"
	form := f.get(t, f.a, path).Body
	mustContain(t, form, `id="date" name="date" type="date"`, `id="date_2" name="date_2"`, `id="date_12" name="date_12"`,
		"Add more dates with the same times and place")
	mustNotContain(t, form, "<details class=\"form-group\" open")

	// The third date is in the past: nothing is added, and the error says which date.
	before := f.count(t, "course_sessions")
	r := f.post(t, f.a, path, datesForm(f.londonDate(14), f.londonDate(21), f.londonDate(-2)))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad date: %d", r.Status)
	}
	mustContain(t, r.Body, `href="#date_3"`, "Date 3: The start must be in the future", `id="date_3-error"`,
		`<details class="form-group" open>`, `value="`+f.londonDate(21)+`"`)
	if f.count(t, "course_sessions") != before {
		t.Fatal("a batch with a bad date created sessions")
	}
	// Not a date at all, and a duplicate.
	// Every wrong date is reported at once, those the page could not read and those the
	// scheduling rules refuse alike.
	r = f.post(t, f.a, path, datesForm(f.londonDate(14), "31/02/2027", f.londonDate(-2)))
	mustContain(t, r.Body, `href="#date_2"`, "Date 2: Enter a real date", `href="#date_3"`, "Date 3: The start must be in the future")
	r = f.post(t, f.a, path, datesForm(f.londonDate(14), f.londonDate(21), f.londonDate(14)))
	mustContain(t, r.Body, "Date 3: This date and time is already in the list")
	// Shared fields are reported once, on the shared input.
	bad := datesForm(f.londonDate(14), f.londonDate(21))
	bad.Set("capacity", "0")
	r = f.post(t, f.a, path, bad)
	mustContain(t, r.Body, `href="#capacity"`)
	if strings.Count(r.Body, `href="#capacity"`) != 1 {
		t.Fatal("the capacity error is listed more than once")
	}
	if r := f.post(t, f.a, path, datesForm()); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Enter the date of the session") {
		t.Fatalf("no date: %d", r.Status)
	}
	if f.count(t, "course_sessions") != before {
		t.Fatal("refused forms created sessions")
	}

	r = f.post(t, f.a, path, datesForm(f.londonDate(14), f.londonDate(21), f.londonDate(28)))
	page := f.follow(t, f.a, r)
	mustContain(t, page.Body, "3 dates added. They will be listed when the partnership approves the course")
	if got := f.count(t, "course_sessions") - before; got != 3 {
		t.Fatalf("%d sessions added, want 3", got)
	}
	ids := f.addDates(t, f.a, cid, f.londonDate(35))
	s := f.session(t, ids[len(ids)-1])
	if got := s.StartsLondon().Format("15:04") + "-" + s.EndsLondon().Format("15:04"); got != "09:30-12:30" || s.Capacity != 15 || s.Venue != "Guildhall, Bath" {
		t.Fatalf("session %s, %d places at %q", got, s.Capacity, s.Venue)
	}
}

func TestPartnerMovesAndCancelsASession(t *testing.T) {
	f := newPartnerFixture(t)
	ctx := context.Background()
	f.post(t, f.admin, "/admin/settings/partner-courses", url.Values{"partner_courses_go_live": {"yes"}})
	cid := f.addCourse(t, f.a, "Moving course")
	sid := f.addDates(t, f.a, cid, f.londonDate(14))[0]
	if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: sid, UserID: f.Pract.ID}); err != nil {
		t.Fatal(err)
	}
	edit := "/partner/sessions/" + id(sid) + "/edit"
	mustContain(t, f.get(t, f.a, edit).Body, `value="`+f.londonDate(14)+`"`, "updated calendar invitation")
	move := url.Values{"date": {f.londonDate(15)}, "start_time": {"13:00"}, "end_time": {"16:00"}, "capacity": {"15"},
		"delivery": {"in_person"}, "venue": {"Guildhall, Bath"}, "trainer_ids": {id(f.Admin.ID)}}
	r := f.post(t, f.a, edit, move)
	mustContain(t, f.follow(t, f.a, r).Body, "Session details saved. We are telling 1 person booked or waiting")
	if n := f.outboxCount(t, "session_changed", f.Pract.ID); n != 1 {
		t.Fatalf("%d session_changed messages for the person booked, want 1", n)
	}
	s := f.session(t, sid)
	if s.StartsLondon().Format("2006-01-02 15:04") != f.londonDate(15)+" 13:00" || len(s.Trainers) != 0 {
		t.Fatalf("moved session starts %s, trainers %v", s.StartsLondon(), s.Trainers)
	}

	cancel := "/partner/sessions/" + id(sid) + "/cancel"
	r = f.post(t, f.a, cancel, url.Values{"reason": {" "}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("cancel without a reason: %d", r.Status)
	}
	mustContain(t, r.Body, `href="#reason"`, `id="reason" name="reason"`)
	if f.session(t, sid).IsCancelled() {
		t.Fatal("cancelled without a reason")
	}
	r = f.post(t, f.a, cancel, url.Values{"reason": {"The trainer is unwell"}})
	mustContain(t, f.follow(t, f.a, r).Body, "The session is cancelled. 1 booking was cancelled", "Reason: The trainer is unwell")
	if n := f.outboxCount(t, "session_cancelled", f.Pract.ID); n != 1 {
		t.Fatalf("%d session_cancelled messages, want 1", n)
	}
	if r := f.get(t, f.a, edit); r.Status != http.StatusConflict {
		t.Fatalf("editing a cancelled session: %d", r.Status)
	}
}

func TestPartnerSessionPageShowsBookingsAndRegister(t *testing.T) {
	f := newPartnerFixture(t)
	ctx := context.Background()
	f.post(t, f.admin, "/admin/settings/partner-courses", url.Values{"partner_courses_go_live": {"yes"}})
	cid := f.addCourse(t, f.a, "Register course")
	r := f.post(t, f.a, "/partner/courses/"+id(cid)+"/sessions/new", func() url.Values {
		v := datesForm(f.londonDate(2))
		v.Set("capacity", "1")
		return v
	}())
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add date: %d", r.Status)
	}
	var sid int64
	_ = f.DB.R.QueryRow(`SELECT id FROM course_sessions WHERE course_id = ?`, cid).Scan(&sid)
	waiter, err := f.Accounts.CreateUser(ctx, account.NewUser{Email: "wendy@example.org", Name: "Wendy Waite",
		JobTitle: "School nurse", OrganisationID: f.Police.ID, Password: testkit.Password})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []int64{f.Pract.ID, waiter.ID} {
		if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: sid, UserID: u}); err != nil {
			t.Fatal(err)
		}
	}
	page := f.get(t, f.a, "/partner/sessions/"+id(sid)).Body
	mustContain(t, page, "Person pat@example.org", "Wendy Waite", "Bath Police", "School nurse",
		"Waiting list</strong> number 1", "1 booked of 1")
	mustNotContain(t, page, "wendy@example.org", "mailto:", "<h2>Register</h2>")
	dash := f.get(t, f.a, "/partner").Body
	mustContain(t, dash, `<td data-label="Booked" class="numeric">1 of 1</td>`, `<td data-label="Waiting" class="numeric">1</td>`, `tag--yellow">Full`)

	// Once it has started, a read-only register summary.
	f.Clock.Advance(3 * 24 * time.Hour)
	page = f.get(t, f.a, "/partner/sessions/"+id(sid)).Body
	mustContain(t, page, "<h2>Register</h2>", "not submitted the register yet", "Not marked")
	mustNotContain(t, page, `name="mark-`, "/trainer/sessions/", `/edit"`)
}

// TestPartnersCannotTouchEachOthersWork: partner B gets "not found" for every page and
// form of partner A's course and session, as for ids that do not exist, and nothing
// changes.
func TestPartnersCannotTouchEachOthersWork(t *testing.T) {
	f := newPartnerFixture(t)
	ctx := context.Background()
	f.post(t, f.admin, "/admin/settings/partner-courses", url.Values{"partner_courses_go_live": {"yes"}})
	cid := f.addCourse(t, f.a, "A's course")
	sid := f.addDates(t, f.a, cid, f.londonDate(14))[0]
	if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: sid, UserID: f.Pract.ID}); err != nil {
		t.Fatal(err)
	}
	snapshot := func() string {
		var b strings.Builder
		for _, q := range []string{
			`SELECT group_concat(id || title || approval || status || updated_at) FROM courses`,
			`SELECT group_concat(id || starts_at || ends_at || venue || capacity || status || updated_at) FROM course_sessions`,
			`SELECT count(*) FROM outbox`, `SELECT group_concat(id || status) FROM bookings`,
		} {
			var s string
			_ = f.DB.R.QueryRow(q).Scan(&s)
			b.WriteString(s + "|")
		}
		return b.String()
	}
	before := snapshot()
	ids := map[string][2]string{
		"A's":               {id(cid), id(sid)},
		"the partnership's": {id(f.CourseID), id(f.SessionID)},
		"missing":           {"999999", "999999"},
	}
	for whose, pair := range ids {
		c, s := "/partner/courses/"+pair[0], "/partner/sessions/"+pair[1]
		for _, p := range []string{c, c + "/edit", c + "/sessions/new", c + "/evaluations", s, s + "/edit", s + "/cancel"} {
			if r := f.get(t, f.b, p); r.Status != http.StatusNotFound {
				t.Errorf("partner B GET %s (%s): %d, want 404", p, whose, r.Status)
			} else {
				mustNotContain(t, r.Body, "A&#39;s course", "Person pat@example.org")
			}
		}
		for p, form := range map[string]url.Values{
			c + "/edit":         partnerCourseForm("Hijacked"),
			c + "/sessions/new": datesForm(f.londonDate(30)),
			s + "/edit":         {"date": {f.londonDate(16)}, "start_time": {"10:00"}, "end_time": {"11:00"}, "capacity": {"3"}, "delivery": {"in_person"}, "venue": {"Elsewhere"}},
			s + "/cancel":       {"reason": {"Mine now"}},
		} {
			if r := f.post(t, f.b, p, form); r.Status != http.StatusNotFound {
				t.Errorf("partner B POST %s (%s): %d, want 404", p, whose, r.Status)
			}
		}
	}
	if after := snapshot(); after != before {
		t.Fatalf("refused requests changed something:\n%s\n%s", before, after)
	}
	mustNotContain(t, f.get(t, f.b, "/partner").Body, "A&#39;s course")
}

func TestPartnerPagesAreForPartnersOnly(t *testing.T) {
	f := newPartnerFixture(t)
	cid := f.addCourse(t, f.a, "Guarded course")
	paths := f.partnerPagePaths(t)
	agency := f.Org(t, "Bath Council", account.SocialCare)
	f.User(t, "mislabelled@example.org", agency.ID, account.Partner)
	notPartnerOrg := f.signedIn(t, "mislabelled@example.org")
	who := map[string]*http.Client{"practitioner": f.signedIn(t, "pat@example.org"), "admin": f.admin}
	for _, route := range webRoutes(f.App.Policies, http.MethodGet) {
		if !strings.HasPrefix(route, "/partner") || strings.HasSuffix(route, "/evaluations") {
			continue
		}
		p := paths[route]
		for name, c := range who {
			if r := f.get(t, c, p); r.Status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", name, p, r.Status)
			}
		}
		if r := f.get(t, notPartnerOrg, p); r.Status != http.StatusForbidden {
			t.Errorf("partner of a non-partner organisation GET %s: %d, want 403", p, r.Status)
		} else {
			mustContain(t, r.Body, "not linked to a training partner organisation")
		}
		anon := f.Browser(t)
		if r := f.get(t, anon, p); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login?next=") {
			t.Errorf("anonymous GET %s: %d %q", p, r.Status, r.Location)
		}
	}
	pract := f.signedIn(t, "pat@example.org")
	for _, p := range []string{"/partner/courses/new", "/partner/courses/" + id(cid) + "/edit", "/admin/courses/" + id(cid) + "/approve",
		"/admin/courses/" + id(cid) + "/reject", "/admin/settings/partner-courses"} {
		for name, c := range map[string]*http.Client{"practitioner": pract, "partner": f.a} {
			if strings.HasPrefix(p, "/partner") && name == "partner" {
				continue
			}
			if r := f.post(t, c, p, partnerCourseForm("Sneaky")); r.Status != http.StatusForbidden {
				t.Errorf("%s POST %s: %d, want 403", name, p, r.Status)
			}
		}
	}
	if r := f.post(t, notPartnerOrg, "/partner/courses/new", partnerCourseForm("Sneaky")); r.Status != http.StatusForbidden {
		t.Errorf("partner of a non-partner organisation adds a course: %d", r.Status)
	}
	if crs, _ := f.Courses.Course(context.Background(), cid); crs.Approval != course.Pending || crs.Title != "Guarded course" {
		t.Fatal("a refused request changed the course")
	}
	var n int
	_ = f.DB.R.QueryRow(`SELECT count(*) FROM courses WHERE title = 'Sneaky'`).Scan(&n)
	if n != 0 {
		t.Fatal("a refused request added a course")
	}
	// The header links to the partner pages for partners only.
	mustContain(t, f.get(t, f.a, "/courses").Body, `<a href="/partner">Partner</a>`)
	mustNotContain(t, f.get(t, pract, "/courses").Body, `href="/partner"`)
}

func TestPartnerFormFieldIDsMatchTheirNames(t *testing.T) {
	f := newPartnerFixture(t)
	cid := f.addCourse(t, f.a, "Form course")
	sid := f.addDates(t, f.a, cid, f.londonDate(14))[0]
	inputRE := regexp.MustCompile(`<(?:input|select|textarea)\b[^>]*>`)
	nameRE := regexp.MustCompile(`\bname="([^"]+)"`)
	idRE := regexp.MustCompile(`\bid="([^"]+)"`)
	pages := map[*http.Client][]string{
		f.a: {"/partner/courses/new", "/partner/courses/" + id(cid) + "/edit", "/partner/courses/" + id(cid) + "/sessions/new",
			"/partner/sessions/" + id(sid) + "/edit", "/partner/sessions/" + id(sid) + "/cancel"},
		f.admin: {"/admin/courses/pending"},
	}
	for c, list := range pages {
		for _, p := range list {
			body := f.get(t, c, p).Body
			seen := map[string]bool{}
			for _, tag := range inputRE.FindAllString(body, -1) {
				if name := nameRE.FindStringSubmatch(tag); name != nil {
					if ident := idRE.FindStringSubmatch(tag); ident != nil && ident[1] == name[1] {
						seen[name[1]] = true
					}
				}
			}
			for _, tag := range inputRE.FindAllString(body, -1) {
				if name := nameRE.FindStringSubmatch(tag); name != nil && !seen[name[1]] && !strings.Contains(tag, `type="hidden"`) {
					t.Errorf("%s: no input with id %q", p, name[1])
				}
			}
			if m := inlineRE.FindString(body); m != "" {
				t.Errorf("%s has inline script or style: %q", p, m)
			}
		}
	}
}
