package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
)

// partnerAPI adds two training partners with a partner token each, a live course of
// partner A's with one session that someone has booked, and a course of A's waiting for
// approval.
type partnerAPI struct {
	*fixture
	orgA, orgB       account.Organisation
	tokA, tokB       string
	liveID, pendID   int64
	sessionID        int64
	mislabelledToken string // a partner role on an organisation that is not a training partner
}

func newPartnerAPI(t *testing.T) *partnerAPI {
	t.Helper()
	f := &partnerAPI{fixture: newFixture(t)}
	ctx := context.Background()
	f.orgA = f.Org(t, "Freedom Pathways", account.TrainingPartner)
	f.orgB = f.Org(t, "Other Trainers Ltd", account.TrainingPartner)
	f.tokA = f.Token(t, f.User(t, "grace@freedom.example.org", f.orgA.ID, account.Partner))
	f.tokB = f.Token(t, f.User(t, "bob@other.example.org", f.orgB.ID, account.Partner))
	f.mislabelledToken = f.Token(t, f.User(t, "mis@example.org", f.org.ID, account.Partner))
	var err error
	if f.liveID, err = f.Courses.CreatePartnerCourse(ctx, f.orgA.ID, course.CourseInput{Title: "Live partner course", DurationMinutes: 120}, true); err != nil {
		t.Fatal(err)
	}
	if f.pendID, err = f.Courses.CreatePartnerCourse(ctx, f.orgA.ID, course.CourseInput{Title: "Pending partner course", DurationMinutes: 120}, false); err != nil {
		t.Fatal(err)
	}
	f.sessionID = f.Session(t, f.liveID, 14*24*time.Hour, 10)
	if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: f.sessionID, UserID: f.practitioner.ID}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *partnerAPI) newSession(courseID int64, in time.Duration) map[string]any {
	start := f.Clock.Now().Add(in)
	return map[string]any{"course_id": courseID, "starts_at": start.Format(time.RFC3339),
		"ends_at": start.Add(2 * time.Hour).Format(time.RFC3339), "venue": "Guildhall, Bath", "capacity": 12}
}

func (f *partnerAPI) outbox(kind string, userID int64) int {
	f.t.Helper()
	var n int
	if err := f.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE kind = ? AND user_id = ?`, kind, userID).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func TestPartnerSchedulesTheirOwnSessions(t *testing.T) {
	f := newPartnerAPI(t)
	ctx := context.Background()

	// A date of a live course is bookable at once.
	r := f.do(http.MethodPost, "/api/v1/sessions", f.tokA, f.newSession(f.liveID, 21*24*time.Hour))
	want(t, r, http.StatusCreated, "partner adds a date of their live course")
	var s sessionBody
	r.Into(t, &s)
	if s.CourseID != f.liveID || r.Header.Get("Location") != sessionPath(s.ID) {
		t.Fatalf("created %+v at %q", s, r.Header.Get("Location"))
	}
	if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: s.ID, UserID: f.other.ID}); err != nil {
		t.Fatalf("booking the new date: %v", err)
	}

	// A date of a course waiting for approval is accepted but not bookable until approval.
	r = f.do(http.MethodPost, "/api/v1/sessions", f.tokA, f.newSession(f.pendID, 21*24*time.Hour))
	want(t, r, http.StatusCreated, "partner adds a date of their pending course")
	r.Into(t, &s)
	if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: s.ID, UserID: f.other.ID}); err == nil {
		t.Fatal("booked a date of a course waiting for approval")
	}
	if err := f.Courses.ApproveCourse(ctx, f.pendID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: s.ID, UserID: f.other.ID}); err != nil {
		t.Fatalf("booking once the course is approved: %v", err)
	}

	// Partners do not assign trainers; bad dates are named as for admins.
	body := f.newSession(f.liveID, 28*24*time.Hour)
	body["trainer_ids"] = []int64{f.admin.ID}
	r = f.do(http.MethodPost, "/api/v1/sessions", f.tokA, body)
	want(t, r, http.StatusUnprocessableEntity, "trainer_ids")
	if r.errorFields()["trainer_ids"] == "" {
		t.Fatalf("fields %v", r.errorFields())
	}
	body = f.newSession(f.liveID, -24*time.Hour)
	r = f.do(http.MethodPost, "/api/v1/sessions", f.tokA, body)
	want(t, r, http.StatusUnprocessableEntity, "date in the past")
	if r.errorFields()["starts_at"] != "The start must be in the future" {
		t.Fatalf("fields %v", r.errorFields())
	}
}

func TestPartnerMovesAndCancelsThroughTheAPI(t *testing.T) {
	f := newPartnerAPI(t)
	var before sessionBody
	f.do(http.MethodGet, sessionPath(f.sessionID), f.adminToken, nil).Into(t, &before)
	moved := before.StartsAt.Add(26 * time.Hour).Format(time.RFC3339)

	r := f.do(http.MethodPatch, sessionPath(f.sessionID), f.tokA, map[string]any{"trainer_ids": []int64{}})
	want(t, r, http.StatusUnprocessableEntity, "partner replaces trainers")
	r = f.do(http.MethodPatch, sessionPath(f.sessionID), f.tokA, map[string]any{"starts_at": moved, "venue": "Bath Library"})
	want(t, r, http.StatusOK, "partner moves their session")
	var s sessionBody
	r.Into(t, &s)
	if s.StartsAt.Format(time.RFC3339) != moved || !s.EndsAt.Equal(before.EndsAt.Add(26*time.Hour)) || s.Venue != "Bath Library" {
		t.Fatalf("moved session %+v", s)
	}
	if n := f.outbox("session_changed", f.practitioner.ID); n != 1 {
		t.Fatalf("%d session_changed messages for the person booked, want 1", n)
	}

	r = f.do(http.MethodPost, sessionPath(f.sessionID)+"/cancel", f.tokA, nil)
	want(t, r, http.StatusUnprocessableEntity, "partner cancels without a reason")
	if r.errorFields()["reason"] == "" {
		t.Fatalf("fields %v", r.errorFields())
	}
	r = f.do(http.MethodPost, sessionPath(f.sessionID)+"/cancel", f.tokA, map[string]string{"reason": "The trainer is unwell"})
	want(t, r, http.StatusOK, "partner cancels")
	r.Into(t, &s)
	if s.Status != "cancelled" || s.CancelReason != "The trainer is unwell" {
		t.Fatalf("cancelled session %+v", s)
	}
	if n := f.outbox("session_cancelled", f.practitioner.ID); n != 1 {
		t.Fatalf("%d session_cancelled messages, want 1", n)
	}
}

// TestPartnerAPICrossOrganisation: partner B, and a partner whose organisation is not a
// training partner, get 404 for partner A's sessions (as for ones that do not exist) and
// the same 422 for A's course as for a course that does not exist; nothing changes.
func TestPartnerAPICrossOrganisation(t *testing.T) {
	f := newPartnerAPI(t)
	snapshot := func() string {
		var b strings.Builder
		for _, q := range []string{
			`SELECT group_concat(id || starts_at || ends_at || venue || capacity || status || updated_at) FROM course_sessions`,
			`SELECT count(*) FROM outbox`, `SELECT group_concat(id || status) FROM bookings`,
		} {
			var s string
			_ = f.DB.R.QueryRow(q).Scan(&s)
			b.WriteString(s + "|")
		}
		return b.String()
	}
	partnership := f.Course(t, "The partnership's own course")
	theirs := f.Session(t, partnership, 10*24*time.Hour, 5)
	before := snapshot()

	for name, tok := range map[string]string{"partner B": f.tokB, "mislabelled partner": f.mislabelledToken} {
		for _, sid := range []int64{f.sessionID, theirs, 999999} {
			for _, tc := range []struct {
				method, path string
				body         any
			}{
				{http.MethodPatch, sessionPath(sid), map[string]any{"capacity": 50}},
				{http.MethodPatch, sessionPath(sid), `{"capacity": "not a number"}`},
				{http.MethodPost, sessionPath(sid) + "/cancel", map[string]string{"reason": "Mine now"}},
				{http.MethodPost, sessionPath(sid) + "/cancel", nil},
			} {
				r := f.do(tc.method, tc.path, tok, tc.body)
				want(t, r, http.StatusNotFound, name+" "+tc.method+" "+tc.path)
				if r.errorCode() != "not_found" {
					t.Fatalf("%s: %s", name, r.Body)
				}
			}
		}
		var missing string
		for i, cid := range []int64{999999, f.liveID, f.pendID, partnership} {
			r := f.do(http.MethodPost, "/api/v1/sessions", tok, f.newSession(cid, 21*24*time.Hour))
			want(t, r, http.StatusUnprocessableEntity, name+" adds a date of someone else's course")
			if i == 0 {
				missing = string(r.Body)
			} else if string(r.Body) != missing {
				t.Fatalf("%s: course %d answers %s, a missing course %s: the difference gives it away", name, cid, r.Body, missing)
			}
			if r.errorFields()["course_id"] == "" {
				t.Fatalf("%s: fields %v", name, r.errorFields())
			}
		}
	}
	// Partner A cannot touch the partnership's own sessions either.
	want(t, f.do(http.MethodPatch, sessionPath(theirs), f.tokA, map[string]any{"capacity": 50}), http.StatusNotFound, "partner A on the partnership's session")
	if after := snapshot(); after != before {
		t.Fatalf("refused requests changed something:\n%s\n%s", before, after)
	}

	// Admins still act on any session, partners' included.
	want(t, f.do(http.MethodPatch, sessionPath(f.sessionID), f.adminToken, map[string]any{"capacity": 11}), http.StatusOK, "admin on a partner's session")
	// Other roles are still refused outright.
	want(t, f.do(http.MethodPatch, sessionPath(f.sessionID), f.pracToken, map[string]any{"capacity": 50}), http.StatusForbidden, "practitioner")
	want(t, f.do(http.MethodPost, "/api/v1/sessions", "", f.newSession(f.liveID, 21*24*time.Hour)), http.StatusUnauthorized, "anonymous")
}
