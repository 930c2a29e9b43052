package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/impact"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// impactFollowUp opens a follow-up on the booking (when it exists) for pages_test.go, and
// returns the booking id.
func (f *fixture) impactFollowUp(t *testing.T, bookingID int64) int64 {
	t.Helper()
	testkit.Exec(t, f.DB, `INSERT INTO impact_followups (booking_id, asked_at) SELECT id, ? FROM bookings WHERE id = ?
		ON CONFLICT DO NOTHING`, store.FormatTime(f.Clock.Now()), bookingID)
	return bookingID
}

// impactAttended is a session of a course with its follow-up 30 days after, which the
// person attended; the clock moves past the moment and the job runs.
func (f *fixture) impactAttended(t *testing.T, email, name string) (bookingID int64, signedIn *http.Client) {
	t.Helper()
	u := f.recPerson(t, email, name, f.Police.ID)
	days := 30
	cid := f.recCourse(t, course.CourseInput{Title: "Impact of neglect", FollowUpDays: &days})
	bookingID = f.recAttend(t, f.Session(t, cid, time.Hour, 5), u)[0]
	f.Clock.Advance(31 * 24 * time.Hour)
	job := &impact.FollowUps{DB: f.DB, Now: f.Clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if q, err := job.Queue(context.Background()); err != nil || q.FollowUps != 1 {
		t.Fatalf("job: %+v %v", q, err)
	}
	return bookingID, f.signedIn(t, email)
}

func TestImpactFormFromTheLearningRecord(t *testing.T) {
	f := newFixture(t)
	bookingID, c := f.impactAttended(t, "ines@example.org", "Inès Impact")
	path := "/impact/" + id(bookingID)

	record := f.get(t, c, "/my/record")
	mustContain(t, record.Body, "Did the training change your practice?", `href="`+path+`"`, "Impact of neglect")
	mustContain(t, f.get(t, c, "/my/training").Body, `<a href="`+path+`">Tell us if it changed your practice`)

	form := f.get(t, c, path)
	if form.Status != http.StatusOK {
		t.Fatalf("form: %d", form.Status)
	}
	mustContain(t, form.Body, `name="confidence_before" value="1"`, `name="confidence_after" value="5"`,
		`name="change_made"`, `name="examples"`, `name="share_examples"`, "without your name")

	// Nothing filled in: every mistake beside its field, nothing stored.
	bad := f.post(t, c, path, url.Values{"examples": {"kept when refused"}})
	if bad.Status != http.StatusUnprocessableEntity {
		t.Fatalf("empty form: %d", bad.Status)
	}
	mustContain(t, bad.Body, "There is a problem", `href="#confidence_before"`, `href="#confidence_after"`,
		`href="#change_made"`, "kept when refused")
	if n := f.count(t, "impact_answers"); n != 0 {
		t.Fatalf("a refused form stored %d answers", n)
	}

	// Someone else cannot see or answer it.
	other := f.signedIn(t, f.Pract.Email)
	if r := f.get(t, other, path); r.Status != http.StatusNotFound {
		t.Fatalf("another person's follow-up: %d", r.Status)
	}
	good := url.Values{"confidence_before": {"2"}, "confidence_after": {"4"}, "change_made": {"I ask who else lives at home"},
		"examples": {"A home visit"}, "share_examples": {"yes"}}
	if r := f.post(t, other, path, good); r.Status != http.StatusNotFound {
		t.Fatalf("another person's answer: %d", r.Status)
	}

	done := f.follow(t, c, f.post(t, c, path, good))
	mustContain(t, done.Body, "Thank you for telling us")
	mustNotContain(t, done.Body, `href="`+path+`"`)
	mustNotContain(t, f.get(t, c, "/my/training").Body, `href="`+path+`"`)
	if n := f.count(t, "impact_answers"); n != 1 {
		t.Fatalf("answers: %d", n)
	}
	again := f.post(t, c, path, good)
	if again.Status != http.StatusConflict {
		t.Fatalf("second answer: %d", again.Status)
	}
	mustContain(t, f.get(t, c, path).Body, "You have already told us")
}

func TestCourseFormFollowUpDays(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, f.Admin.Email)
	mustContain(t, f.get(t, admin, "/admin/courses/new").Body, `id="followup_days" name="followup_days" type="text" inputmode="numeric" value="91"`)
	edit := "/admin/courses/" + id(f.CourseID) + "/edit"
	for _, bad := range []string{"366", "-1", "three months"} {
		r := f.post(t, admin, edit, courseForm(map[string]string{"followup_days": bad}))
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("%q: %d", bad, r.Status)
		}
		mustContain(t, r.Body, `href="#followup_days"`)
		if crs, _ := f.Courses.Course(context.Background(), f.CourseID); crs.FollowUpDays != course.DefaultFollowUpDays {
			t.Fatalf("a refused form changed the follow-up to %d", crs.FollowUpDays)
		}
	}
	for _, tc := range []struct {
		in   string
		want int
	}{{"30", 30}, {"", 0}, {"0", 0}, {" 365 ", 365}} {
		in, want := tc.in, tc.want
		if r := f.post(t, admin, edit, courseForm(map[string]string{"followup_days": in})); r.Status != http.StatusSeeOther {
			t.Fatalf("%q: %d %.400s", in, r.Status, r.Body)
		}
		if crs, _ := f.Courses.Course(context.Background(), f.CourseID); crs.FollowUpDays != want {
			t.Fatalf("%q saved %d", in, crs.FollowUpDays)
		}
	}
	mustContain(t, f.get(t, admin, edit).Body, `name="followup_days" type="text" inputmode="numeric" value="365"`)
}
