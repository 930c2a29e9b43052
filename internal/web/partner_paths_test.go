package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
)

// partnerPagePaths gives the partner pages and the approval page their addresses for
// pages_test.go: the newest partner course and session when partnerPageData made them,
// else the fixture's own (enough for the tests of refusals, which never reach a handler).
func (f *fixture) partnerPagePaths(t *testing.T) map[string]string {
	t.Helper()
	courseID, sessionID := f.CourseID, f.SessionID
	_ = f.DB.R.QueryRow(`SELECT id FROM courses WHERE provider_organisation_id IS NOT NULL
		AND approval = 'approved' ORDER BY id DESC LIMIT 1`).Scan(&courseID)
	_ = f.DB.R.QueryRow(`SELECT s.id FROM course_sessions s JOIN courses c ON c.id = s.course_id
		WHERE c.provider_organisation_id IS NOT NULL ORDER BY s.id DESC LIMIT 1`).Scan(&sessionID)
	c, s := "/partner/courses/"+id(courseID), "/partner/sessions/"+id(sessionID)
	return map[string]string{
		"/partner":                          "/partner",
		"/partner/courses/new":              "/partner/courses/new",
		"/partner/courses/:id":              c,
		"/partner/courses/:id/edit":         c + "/edit",
		"/partner/courses/:id/sessions/new": c + "/sessions/new",
		"/partner/sessions/:id":             s,
		"/partner/sessions/:id/edit":        s + "/edit",
		"/partner/sessions/:id/cancel":      s + "/cancel",
		"/admin/courses/pending":            "/admin/courses/pending",
	}
}

// partnerPageData lets u (who signs in for TestEveryPageRenders) use the partner pages:
// their organisation becomes a training partner and they get the partner role. It adds a
// live partner course with a session that has a place booked and someone waiting, and a
// course waiting for approval, so the pages and the approval list have content.
func (f *fixture) partnerPageData(t *testing.T, u *account.User) {
	t.Helper()
	ctx := context.Background()
	org, err := f.Accounts.Organisation(ctx, u.OrganisationID)
	if err != nil {
		t.Fatal(err)
	}
	org.Type = account.TrainingPartner
	if err := f.Accounts.UpdateOrganisation(ctx, org); err != nil {
		t.Fatal(err)
	}
	if err := f.Accounts.SetRoles(ctx, u.ID, append(u.Roles, account.Partner)); err != nil {
		t.Fatal(err)
	}
	live, err := f.Courses.CreatePartnerCourse(ctx, org.ID, course.CourseInput{Title: "Partner pages: live", DurationMinutes: 90}, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Courses.CreatePartnerCourse(ctx, org.ID, course.CourseInput{Title: "Partner pages: pending", DurationMinutes: 90}, false); err != nil {
		t.Fatal(err)
	}
	sid := f.Session(t, live, 10*24*time.Hour, 1)
	waiter := f.User(t, "wendy@example.org", f.Police.ID, account.Practitioner)
	for _, who := range []int64{f.Pract.ID, waiter.ID} {
		if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: sid, UserID: who}); err != nil {
			t.Fatal(err)
		}
	}
}
