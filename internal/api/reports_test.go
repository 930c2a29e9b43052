package api_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/course"
)

type completionBody struct {
	Organisation struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"organisation"`
	Courses []struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	} `json:"courses"`
	People []struct {
		ID       int64  `json:"id"`
		Name     string `json:"name"`
		JobTitle string `json:"job_title"`
		Team     string `json:"team"`
		Status   string `json:"status"`
		Cells    []struct {
			CourseID    int64   `json:"course_id"`
			State       string  `json:"state"`
			CompletedOn *string `json:"completed_on"`
			ExpiresOn   *string `json:"expires_on"`
		} `json:"cells"`
	} `json:"people"`
}

// reportFixture: the API fixture's Bath Council (social care) requires CSE awareness every
// 36 months; the practitioner attended it today, the other practitioner is booked on it,
// Mia manages. Avon Police (Max manages, Gus on staff) has a rule of its own.
type reportFixture struct {
	*fixture
	police             account.Organisation
	mia, max, gus      *account.User
	miaToken, maxToken string
	cse                int64
}

func newReportFixture(t *testing.T) *reportFixture {
	t.Helper()
	ctx := context.Background()
	f := &reportFixture{fixture: newFixture(t)}
	f.police = f.Org(t, "Avon Police", account.Police)
	f.mia = f.User(t, "mia@example.org", f.org.ID, account.Manager)
	f.max = f.User(t, "max@example.org", f.police.ID, account.Manager)
	f.gus = f.User(t, "gus@example.org", f.police.ID, account.Practitioner)
	f.miaToken, f.maxToken = f.Token(t, f.mia), f.Token(t, f.max)
	var err error
	f.cse, err = f.Courses.CreateCourse(ctx, course.CourseInput{Title: "CSE awareness", Summary: "About CSE",
		DurationMinutes: 120, Status: course.Published, ValidityMonths: 36})
	if err != nil {
		t.Fatal(err)
	}
	svc := compliance.NewService(f.DB, f.Clock.Now)
	if _, err := svc.CreateRule(ctx, compliance.RuleInput{CourseID: f.cse, OrgType: account.SocialCare}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateRule(ctx, compliance.RuleInput{CourseID: f.cse, OrgType: account.Police, RenewMonths: 12}); err != nil {
		t.Fatal(err)
	}
	done := f.Session(t, f.cse, time.Hour, 5)
	later := f.Session(t, f.cse, 7*24*time.Hour, 5)
	res, err := f.Bookings.Book(ctx, booking.Request{SessionID: done, UserID: f.practitioner.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: later, UserID: f.other.ID}); err != nil {
		t.Fatal(err)
	}
	f.Clock.Advance(2 * time.Hour)
	if err := f.Attendance.SetMark(ctx, res.Booking.ID, attendance.Attended, f.admin.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Attendance.Submit(ctx, done, f.admin.ID); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestCompletionReport(t *testing.T) {
	f := newReportFixture(t)
	r := f.do(http.MethodGet, "/api/v1/reports/completion", f.miaToken, nil)
	want(t, r, http.StatusOK, "manager's own organisation")
	var b completionBody
	r.Into(t, &b)
	if b.Organisation.ID != f.org.ID || b.Organisation.Name != "Bath Council" || len(b.Courses) != 1 ||
		b.Courses[0].ID != f.cse || b.Courses[0].Title != "CSE awareness" {
		t.Fatalf("organisation and courses: %s", r.Body)
	}
	states := map[string]string{}
	for _, p := range b.People {
		if len(p.Cells) != 1 || p.Cells[0].CourseID != f.cse {
			t.Fatalf("%s: cells %+v", p.Name, p.Cells)
		}
		c := p.Cells[0]
		states[p.Name] = p.Status + "/" + c.State
		switch c.State {
		case "current":
			if c.CompletedOn == nil || *c.CompletedOn != "2026-11-25" || c.ExpiresOn == nil || *c.ExpiresOn != "2029-11-25" {
				t.Errorf("current cell dates: %+v", c)
			}
		default:
			if c.CompletedOn != nil || c.ExpiresOn != nil {
				t.Errorf("%s: dates without a completion: %+v", p.Name, c)
			}
		}
		if p.JobTitle != "Practitioner" {
			t.Errorf("job title %q", p.JobTitle)
		}
	}
	wantStates := map[string]string{
		f.practitioner.Name: "current/current", f.other.Name: "booked/booked",
		f.admin.Name: "not_booked/not_booked", f.mia.Name: "not_booked/not_booked",
	}
	if len(states) != len(wantStates) {
		t.Errorf("people %v, want %v", states, wantStates)
	}
	for name, s := range wantStates {
		if states[name] != s {
			t.Errorf("%s: %s, want %s", name, states[name], s)
		}
	}
	if strings.Contains(string(r.Body), "gus@example.org") || strings.Contains(string(r.Body), "Avon Police") {
		t.Error("another organisation's data in the manager's report")
	}

	// Filters, as on the page.
	r = f.do(http.MethodGet, "/api/v1/reports/completion?status=booked", f.miaToken, nil)
	want(t, r, http.StatusOK, "filtered")
	b = completionBody{}
	r.Into(t, &b)
	if len(b.People) != 1 || b.People[0].ID != f.other.ID {
		t.Errorf("status=booked: %s", r.Body)
	}
	r = f.do(http.MethodGet, "/api/v1/reports/completion?status=soon", f.miaToken, nil)
	want(t, r, http.StatusUnprocessableEntity, "bad status")
	if r.errorFields()["status"] == "" {
		t.Errorf("bad status: %s", r.Body)
	}
}

// TestCompletionReportScope: a manager naming another organisation gets 404, never the
// data; naming their own is fine; admins must name one; others are refused.
func TestCompletionReportScope(t *testing.T) {
	f := newReportFixture(t)
	police, own := strconv.FormatInt(f.police.ID, 10), strconv.FormatInt(f.org.ID, 10)

	r := f.do(http.MethodGet, "/api/v1/reports/completion?organisation_id="+police, f.miaToken, nil)
	want(t, r, http.StatusNotFound, "manager naming another organisation")
	if r.errorCode() != "not_found" || strings.Contains(string(r.Body), "Gus") || strings.Contains(string(r.Body), "Avon") {
		t.Errorf("404 body: %s", r.Body)
	}
	r = f.do(http.MethodGet, "/api/v1/reports/completion?organisation_id=999999", f.miaToken, nil)
	want(t, r, http.StatusNotFound, "manager naming no organisation at all")
	r = f.do(http.MethodGet, "/api/v1/reports/completion?organisation_id="+own, f.miaToken, nil)
	want(t, r, http.StatusOK, "manager naming their own")
	r = f.do(http.MethodGet, "/api/v1/reports/completion?organisation_id=abc", f.miaToken, nil)
	want(t, r, http.StatusUnprocessableEntity, "manager sending a bad id")

	// The police's manager: the police's staff, with the police's 12-month rule.
	r = f.do(http.MethodGet, "/api/v1/reports/completion", f.maxToken, nil)
	want(t, r, http.StatusOK, "Max")
	var b completionBody
	r.Into(t, &b)
	if b.Organisation.ID != f.police.ID || len(b.People) != 2 || strings.Contains(string(r.Body), "pat@example.org") {
		t.Errorf("Max's report: %s", r.Body)
	}

	// Admins name the organisation; without one, or with a bad one, 422 naming the field.
	for _, q := range []string{"", "?organisation_id=", "?organisation_id=0", "?organisation_id=x"} {
		r := f.do(http.MethodGet, "/api/v1/reports/completion"+q, f.adminToken, nil)
		want(t, r, http.StatusUnprocessableEntity, "admin "+q)
		if !strings.Contains(r.errorFields()["organisation_id"], "organisation") {
			t.Errorf("admin %q: %s", q, r.Body)
		}
	}
	r = f.do(http.MethodGet, "/api/v1/reports/completion?organisation_id="+police, f.adminToken, nil)
	want(t, r, http.StatusOK, "admin naming the police")
	b = completionBody{}
	r.Into(t, &b)
	if b.Organisation.Name != "Avon Police" {
		t.Errorf("admin's police report: %s", r.Body)
	}
	r = f.do(http.MethodGet, "/api/v1/reports/completion?organisation_id=999999", f.adminToken, nil)
	want(t, r, http.StatusNotFound, "admin naming no organisation")

	// Practitioners are refused; nobody must sign in.
	want(t, f.do(http.MethodGet, "/api/v1/reports/completion", f.pracToken, nil), http.StatusForbidden, "practitioner")
	want(t, f.do(http.MethodGet, "/api/v1/reports/completion?organisation_id="+own, f.pracToken, nil), http.StatusForbidden, "practitioner naming")
	want(t, f.do(http.MethodGet, "/api/v1/reports/completion", "", nil), http.StatusUnauthorized, "anonymous")
}
