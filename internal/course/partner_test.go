package course_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// partnerEnv is two training partners, an agency with a practitioner, and a booking
// service over the same database.
type partnerEnv struct {
	*testkit.Env
	a, b     account.Organisation
	agency   account.Organisation
	pract    *account.User
	bookings *booking.Service
}

func newPartnerEnv(t *testing.T) *partnerEnv {
	t.Helper()
	env := testkit.New(t)
	p := &partnerEnv{Env: env, bookings: booking.NewService(env.DB, env.Clock.Now)}
	p.a = env.Org(t, "Freedom Pathways", account.TrainingPartner)
	p.b = env.Org(t, "Other Trainers Ltd", account.TrainingPartner)
	p.agency = env.Org(t, "Bath Police", account.Police)
	p.pract = env.User(t, "pat@example.org", p.agency.ID, account.Practitioner)
	return p
}

func partnerCourseInput(title string) course.CourseInput {
	return course.CourseInput{Title: title, Summary: "About " + title, DurationMinutes: 120, Topics: []string{"Exploitation"}}
}

func (p *partnerEnv) course(t *testing.T, c course.Course) course.Course {
	t.Helper()
	got, err := p.Courses.Course(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func (p *partnerEnv) listed(t *testing.T, courseID int64) bool {
	t.Helper()
	list, err := p.Courses.Catalogue(context.Background(), course.Search{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range list {
		if l.ID == courseID {
			return true
		}
	}
	return false
}

// dates is n sessions of the same times, a week apart from a fortnight ahead.
func (p *partnerEnv) dates(n int) []course.SessionInput {
	var out []course.SessionInput
	for i := range n {
		start := p.Clock.Now().Add(time.Duration(14+7*i) * 24 * time.Hour)
		out = append(out, course.SessionInput{StartsAt: start, EndsAt: start.Add(3 * time.Hour), Venue: "Guildhall, Bath", Capacity: 12})
	}
	return out
}

func TestPartnerCourseWaitsForApproval(t *testing.T) {
	p := newPartnerEnv(t)
	ctx := context.Background()
	in := partnerCourseInput("Modern slavery awareness")
	in.ProviderID = p.b.ID // ignored: the provider is the partner's own organisation
	in.Status, in.Approval = course.Published, course.Approved
	in.ManagerApproval, in.ChargeDNAPence = true, 5000
	id, err := p.Courses.CreatePartnerCourse(ctx, p.a.ID, in, false)
	if err != nil {
		t.Fatal(err)
	}
	c := p.course(t, course.Course{ID: id})
	if c.ProviderID != p.a.ID || c.Approval != course.Pending || c.Status != course.Draft || c.Live() {
		t.Fatalf("new partner course: provider %d approval %s status %s; want %d pending draft", c.ProviderID, c.Approval, c.Status, p.a.ID)
	}
	if c.ManagerApproval || c.ChargeDNAPence != 0 {
		t.Fatal("a partner set manager approval or a charge, which are the partnership's to set")
	}
	// Dates may be posted while it waits; they cannot be booked and the course is not listed.
	ids, err := p.Courses.CreatePartnerSessions(ctx, p.a.ID, id, p.dates(2))
	if err != nil || len(ids) != 2 {
		t.Fatalf("dates on a pending course: %v %v", ids, err)
	}
	if p.listed(t, id) {
		t.Fatal("a course awaiting approval is in the catalogue")
	}
	if _, err := p.bookings.Book(ctx, booking.Request{SessionID: ids[0], UserID: p.pract.ID}); !errors.Is(err, booking.ErrCourseNotOpen) {
		t.Fatalf("booking a date of a pending course: %v, want course_not_open", err)
	}
	pending, err := p.Courses.PendingCourses(ctx)
	if err != nil || len(pending) != 1 || pending[0].ID != id || pending[0].Sessions != 2 || pending[0].ProviderName != "Freedom Pathways" {
		t.Fatalf("pending list %+v, %v", pending, err)
	}

	if err := p.Courses.ApproveCourse(ctx, id); err != nil {
		t.Fatal(err)
	}
	if c := p.course(t, c); !c.Live() {
		t.Fatalf("approved course: approval %s status %s, want live", c.Approval, c.Status)
	}
	if !p.listed(t, id) {
		t.Fatal("an approved course is not in the catalogue")
	}
	if _, err := p.bookings.Book(ctx, booking.Request{SessionID: ids[0], UserID: p.pract.ID}); err != nil {
		t.Fatalf("booking once approved: %v", err)
	}
	if err := p.Courses.ApproveCourse(ctx, id); !errors.Is(err, course.ErrNotPending) {
		t.Fatalf("approving twice: %v", err)
	}
	// New dates of an approved course are live at once.
	more, err := p.Courses.CreatePartnerSessions(ctx, p.a.ID, id, p.dates(3)[2:])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.bookings.Book(ctx, booking.Request{SessionID: more[0], UserID: p.pract.ID}); err != nil {
		t.Fatalf("booking a new date of an approved course: %v", err)
	}
	if pending, _ := p.Courses.PendingCourses(ctx); len(pending) != 0 {
		t.Fatalf("still pending: %+v", pending)
	}
}

func TestPartnerCourseAutoLive(t *testing.T) {
	p := newPartnerEnv(t)
	id, err := p.Courses.CreatePartnerCourse(context.Background(), p.a.ID, partnerCourseInput("Live at once"), true)
	if err != nil {
		t.Fatal(err)
	}
	if c := p.course(t, course.Course{ID: id}); !c.Live() || c.ProviderID != p.a.ID {
		t.Fatalf("auto-live course: %s %s", c.Approval, c.Status)
	}
	if !p.listed(t, id) {
		t.Fatal("not listed")
	}
}

func TestOnlyTrainingPartnersCreateCourses(t *testing.T) {
	p := newPartnerEnv(t)
	ctx := context.Background()
	for _, org := range []int64{0, -1, p.agency.ID, 999999} {
		if _, err := p.Courses.CreatePartnerCourse(ctx, org, partnerCourseInput("Sneaky"), true); !errors.Is(err, course.ErrNotPartner) {
			t.Errorf("org %d: %v, want not_a_partner", org, err)
		}
	}
	if n := countRows(t, p.Env, "courses"); n != 0 {
		t.Fatalf("%d courses created", n)
	}
	if _, err := p.Courses.CreatePartnerCourse(ctx, p.a.ID, course.CourseInput{}, false); err == nil {
		t.Fatal("an empty course was accepted")
	} else if f := fieldErrors(t, err); f["title"] == "" || f["duration_minutes"] == "" {
		t.Fatalf("fields %v", f)
	}
}

func TestUpdatePartnerCourse(t *testing.T) {
	p := newPartnerEnv(t)
	ctx := context.Background()
	id, err := p.Courses.CreatePartnerCourse(ctx, p.a.ID, partnerCourseInput("Original"), false)
	if err != nil {
		t.Fatal(err)
	}
	edit := partnerCourseInput("Edited")
	edit.Approval, edit.Status, edit.ProviderID = course.Approved, course.Published, p.b.ID

	// Another partner cannot change it, and learns nothing from trying.
	if err := p.Courses.UpdatePartnerCourse(ctx, p.b.ID, id, edit); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other partner's edit: %v, want not found", err)
	}
	if err := p.Courses.UpdatePartnerCourse(ctx, p.b.ID, 999999, edit); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("edit of a missing course: %v", err)
	}
	if c := p.course(t, course.Course{ID: id}); c.Title != "Original" {
		t.Fatalf("title %q after a refused edit", c.Title)
	}

	// Pending stays pending, whatever the input says.
	if err := p.Courses.UpdatePartnerCourse(ctx, p.a.ID, id, edit); err != nil {
		t.Fatal(err)
	}
	c := p.course(t, course.Course{ID: id})
	if c.Title != "Edited" || c.Approval != course.Pending || c.Status != course.Draft || c.ProviderID != p.a.ID {
		t.Fatalf("after edit: %q %s %s provider %d", c.Title, c.Approval, c.Status, c.ProviderID)
	}

	// Not approved: the reason is kept for the partner; an edit sends it back for approval.
	if err := p.Courses.RejectCourse(ctx, id, "  "); err == nil {
		t.Fatal("rejected without a reason")
	} else if f := fieldErrors(t, err); f["reason"] == "" {
		t.Fatalf("fields %v", f)
	}
	if err := p.Courses.RejectCourse(ctx, id, "Please add the learning outcomes."); err != nil {
		t.Fatal(err)
	}
	if c := p.course(t, c); c.Approval != course.Rejected || c.ApprovalNote != "Please add the learning outcomes." || c.Live() {
		t.Fatalf("rejected: %s %q", c.Approval, c.ApprovalNote)
	}
	if err := p.Courses.RejectCourse(ctx, id, "Again"); !errors.Is(err, course.ErrNotPending) {
		t.Fatalf("rejecting twice: %v", err)
	}
	if err := p.Courses.UpdatePartnerCourse(ctx, p.a.ID, id, partnerCourseInput("With outcomes")); err != nil {
		t.Fatal(err)
	}
	if c := p.course(t, c); c.Approval != course.Pending {
		t.Fatalf("edited after rejection: %s, want pending", c.Approval)
	}

	// Approved stays approved and listed; the partnership's settings survive the edit.
	if err := p.Courses.ApproveCourse(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := p.DB.Exec(context.Background(), `UPDATE courses SET manager_approval = 1, charge_dna_pence = 2500 WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	if err := p.Courses.UpdatePartnerCourse(ctx, p.a.ID, id, partnerCourseInput("Final title")); err != nil {
		t.Fatal(err)
	}
	c = p.course(t, c)
	if !c.Live() || c.Title != "Final title" || !c.ManagerApproval || c.ChargeDNAPence != 2500 {
		t.Fatalf("approved course after edit: live %v %q manager %v charge %d", c.Live(), c.Title, c.ManagerApproval, c.ChargeDNAPence)
	}
	if err := p.Courses.RejectCourse(ctx, id, "Too late"); !errors.Is(err, course.ErrNotPending) {
		t.Fatalf("rejecting a live course: %v", err)
	}
}

func TestCreatePartnerSessionsAllOrNothing(t *testing.T) {
	p := newPartnerEnv(t)
	ctx := context.Background()
	id, err := p.Courses.CreatePartnerCourse(ctx, p.a.ID, partnerCourseInput("Dates"), true)
	if err != nil {
		t.Fatal(err)
	}
	bad := p.dates(4)
	bad[2].StartsAt, bad[2].EndsAt = p.Clock.Now().Add(-24*time.Hour), p.Clock.Now().Add(-21*time.Hour)
	_, err = p.Courses.CreatePartnerSessions(ctx, p.a.ID, id, bad)
	f := fieldErrors(t, err)
	if f["dates[2].starts_at"] != "The start must be in the future" || len(f) != 1 {
		t.Fatalf("fields %v, want only dates[2].starts_at", f)
	}
	if n := countRows(t, p.Env, "course_sessions"); n != 0 {
		t.Fatalf("%d sessions created from a batch with a bad date", n)
	}

	dup := p.dates(3)
	dup[2] = dup[0]
	f = fieldErrors(t, func() error { _, err := p.Courses.CreatePartnerSessions(ctx, p.a.ID, id, dup); return err }())
	if !strings.Contains(f["dates[2].starts_at"], "already in the list") {
		t.Fatalf("duplicate date: %v", f)
	}

	withTrainer := p.dates(1)
	withTrainer[0].TrainerIDs = []int64{p.pract.ID}
	f = fieldErrors(t, func() error { _, err := p.Courses.CreatePartnerSessions(ctx, p.a.ID, id, withTrainer); return err }())
	if f["dates[0].trainer_ids"] == "" {
		t.Fatalf("trainers: %v", f)
	}

	for _, n := range []int{0, course.MaxDatesAtOnce + 1} {
		_, err := p.Courses.CreatePartnerSessions(ctx, p.a.ID, id, p.dates(n))
		if f := fieldErrors(t, err); f["dates"] == "" {
			t.Errorf("%d dates: %v", n, f)
		}
	}

	// Not the partner's course: not found, even with good dates.
	if _, err := p.Courses.CreatePartnerSessions(ctx, p.b.ID, id, p.dates(2)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("dates on another partner's course: %v", err)
	}
	if _, err := p.Courses.CreatePartnerSession(ctx, p.b.ID, course.SessionInput{CourseID: id}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("one date on another partner's course: %v", err)
	}
	partnership := testkitCourse(t, p.Env)
	if _, err := p.Courses.CreatePartnerSessions(ctx, p.a.ID, partnership, p.dates(1)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("dates on the partnership's own course: %v", err)
	}
	if n := countRows(t, p.Env, "course_sessions"); n != 0 {
		t.Fatalf("%d sessions created by refused requests", n)
	}

	ids, err := p.Courses.CreatePartnerSessions(ctx, p.a.ID, id, p.dates(5))
	if err != nil || len(ids) != 5 {
		t.Fatalf("five good dates: %v %v", ids, err)
	}
	one := p.dates(6)[5]
	one.CourseID = id
	single, err := p.Courses.CreatePartnerSession(ctx, p.a.ID, one)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := p.Courses.PartnerSessions(ctx, p.a.ID, 0, false)
	if err != nil || len(mine) != 6 || mine[5].ID != single {
		t.Fatalf("partner's sessions: %d, %v", len(mine), err)
	}
	if theirs, _ := p.Courses.PartnerSessions(ctx, p.b.ID, 0, true); len(theirs) != 0 {
		t.Fatalf("another partner sees %d sessions", len(theirs))
	}
	// Single-date errors name plain fields.
	bad1 := p.dates(1)[0]
	bad1.CourseID, bad1.Capacity = id, 0
	_, err = p.Courses.CreatePartnerSession(ctx, p.a.ID, bad1)
	if f := fieldErrors(t, err); f["capacity"] == "" {
		t.Fatalf("single date fields %v", f)
	}
}

func testkitCourse(t *testing.T, env *testkit.Env) int64 {
	return env.Course(t, "The partnership's own")
}

func TestPartnerSessionChangesAreScoped(t *testing.T) {
	p := newPartnerEnv(t)
	ctx := context.Background()
	id, err := p.Courses.CreatePartnerCourse(ctx, p.a.ID, partnerCourseInput("Scoped"), true)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := p.Courses.CreatePartnerSessions(ctx, p.a.ID, id, p.dates(1))
	if err != nil {
		t.Fatal(err)
	}
	sid := ids[0]
	if _, err := p.bookings.Book(ctx, booking.Request{SessionID: sid, UserID: p.pract.ID}); err != nil {
		t.Fatal(err)
	}
	s, _ := p.Courses.Session(ctx, sid)
	moved := course.SessionInput{StartsAt: s.StartsAt.Add(24 * time.Hour), EndsAt: s.EndsAt.Add(24 * time.Hour), Venue: "Elsewhere", Capacity: 12}

	if _, err := p.Courses.PartnerSession(ctx, p.b.ID, sid); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other partner loads the session: %v", err)
	}
	if err := p.Courses.UpdatePartnerSession(ctx, p.b.ID, sid, moved, p.pract.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other partner moves it: %v", err)
	}
	if err := p.Courses.CancelPartnerSession(ctx, p.b.ID, sid, "Mine now", p.pract.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other partner cancels it: %v", err)
	}
	if after, _ := p.Courses.Session(ctx, sid); !after.StartsAt.Equal(s.StartsAt) || after.IsCancelled() {
		t.Fatal("a refused change changed the session")
	}
	withTrainers := moved
	withTrainers.TrainerIDs = []int64{}
	if err := p.Courses.UpdatePartnerSession(ctx, p.a.ID, sid, withTrainers, p.pract.ID); err == nil {
		t.Fatal("a partner replaced the trainers")
	}
	if err := p.Courses.UpdatePartnerSession(ctx, p.a.ID, sid, moved, p.pract.ID); err != nil {
		t.Fatal(err)
	}
	var changed int
	_ = p.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE kind = 'session_changed' AND user_id = ?`, p.pract.ID).Scan(&changed)
	if changed != 1 {
		t.Fatalf("%d session_changed messages, want 1", changed)
	}
	if err := p.Courses.CancelPartnerSession(ctx, p.a.ID, sid, " ", p.pract.ID); err == nil {
		t.Fatal("cancelled without a reason")
	} else if f := fieldErrors(t, err); f["reason"] == "" {
		t.Fatalf("fields %v", f)
	}
	if err := p.Courses.CancelPartnerSession(ctx, p.a.ID, sid, "The trainer is unwell", p.pract.ID); err != nil {
		t.Fatal(err)
	}
	if after, _ := p.Courses.Session(ctx, sid); !after.IsCancelled() {
		t.Fatal("not cancelled")
	}
}
