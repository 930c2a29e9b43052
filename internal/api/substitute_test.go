package api_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
)

func TestSubstituteAPI(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	elsewhere := f.Org(t, "Avon Police", account.Police)
	f.User(t, "outsider@police.example.org", elsewhere.ID, account.Practitioner)
	sessionID := f.Session(t, f.Course(t, "Safeguarding level 2"), 7*24*time.Hour, 3)
	res, err := f.Bookings.Book(ctx, booking.Request{SessionID: sessionID, UserID: f.practitioner.ID})
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/bookings/" + strconv.FormatInt(res.Booking.ID, 10) + "/substitute"

	for name, tc := range map[string]struct {
		token  string
		body   any
		status int
		field  string
	}{
		"another organisation":   {f.pracToken, map[string]string{"user_email": "outsider@police.example.org"}, http.StatusUnprocessableEntity, "user_email"},
		"unknown address":        {f.pracToken, map[string]string{"user_email": "nobody@example.org"}, http.StatusUnprocessableEntity, "user_email"},
		"no address":             {f.pracToken, map[string]string{}, http.StatusUnprocessableEntity, "user_email"},
		"not JSON":               {f.pracToken, "user_email=x", http.StatusBadRequest, ""},
		"an unknown field":       {f.pracToken, map[string]string{"email": "olu@example.org"}, http.StatusBadRequest, ""},
		"someone else's booking": {f.otherToken, map[string]string{"user_email": "olu@example.org"}, http.StatusNotFound, ""},
		"anonymous":              {"", map[string]string{"user_email": "olu@example.org"}, http.StatusUnauthorized, ""},
	} {
		r := f.do(http.MethodPost, path, tc.token, tc.body)
		if r.Status != tc.status {
			t.Errorf("%s: %d, want %d: %s", name, r.Status, tc.status, r.Body)
		}
		if tc.field != "" && r.errorFields()[tc.field] == "" {
			t.Errorf("%s: no %s field error: %s", name, tc.field, r.Body)
		}
	}
	if b, _ := f.Bookings.Booking(ctx, res.Booking.ID); b.Status != booking.Confirmed {
		t.Fatalf("refusals changed the booking: %s", b.Status)
	}

	r := f.do(http.MethodPost, path, f.pracToken, map[string]string{"user_email": "OLU@example.org"})
	if r.Status != http.StatusCreated {
		t.Fatalf("substitute: %d %s", r.Status, r.Body)
	}
	var got struct {
		ID        int64  `json:"id"`
		Status    string `json:"status"`
		SessionID int64  `json:"session_id"`
	}
	r.Into(t, &got)
	if got.Status != "confirmed" || got.SessionID != sessionID || got.ID == res.Booking.ID {
		t.Fatalf("answer = %+v", got)
	}
	if e, err := f.Bookings.Entry(ctx, got.ID); err != nil || e.UserID != f.other.ID {
		t.Fatalf("the new booking is not Olu's: %+v %v", e, err)
	}
	// Olu can see it as their own; it is gone from Pat.
	want(t, f.do(http.MethodGet, "/api/v1/bookings/"+strconv.FormatInt(got.ID, 10), f.otherToken, nil), http.StatusOK, "colleague reads")
	again := f.do(http.MethodPost, path, f.pracToken, map[string]string{"user_email": "olu@example.org"})
	if again.Status != http.StatusConflict || again.errorCode() != "already_cancelled" {
		t.Fatalf("second substitution: %d %s", again.Status, again.Body)
	}
}

// TestBookingNeedsApprovalAPI: asking for oneself on a course that needs approval makes
// a request (202); an admin booking someone else books directly.
func TestBookingNeedsApprovalAPI(t *testing.T) {
	f := newFixture(t)
	f.User(t, "mo@example.org", f.org.ID, account.Manager)
	c, err := f.Courses.CreateCourse(context.Background(), course.CourseInput{Title: "Needs approval", DurationMinutes: 60,
		Status: course.Published, ManagerApproval: true, ApprovalHoldDays: 2})
	if err != nil {
		t.Fatal(err)
	}
	sessionID := f.onlineSession(c, 7*24*time.Hour, 3, "https://meet.example.org/j/1")
	path := "/api/v1/sessions/" + strconv.FormatInt(sessionID, 10) + "/bookings"

	r := f.do(http.MethodPost, path, f.pracToken, nil)
	if r.Status != http.StatusAccepted {
		t.Fatalf("ask: %d %s", r.Status, r.Body)
	}
	var got struct {
		Request struct {
			ID               int64      `json:"id"`
			Status           string     `json:"status"`
			Held             bool       `json:"held"`
			HoldUntil        *time.Time `json:"hold_until"`
			ManagersNotified int        `json:"managers_notified"`
		} `json:"approval_request"`
	}
	r.Into(t, &got)
	wantHold := f.Clock.Now().Add(48 * time.Hour)
	if got.Request.Status != "pending" || !got.Request.Held || got.Request.HoldUntil == nil ||
		!got.Request.HoldUntil.Equal(wantHold) || got.Request.ManagersNotified != 1 {
		t.Fatalf("answer = %s", r.Body)
	}
	again := f.do(http.MethodPost, path, f.pracToken, nil)
	if again.Status != http.StatusConflict || again.errorCode() != "approval_pending" {
		t.Fatalf("asking twice: %d %s", again.Status, again.Body)
	}
	// The held place is not offered with its joining details as if it were booked.
	var mine struct {
		Bookings []struct {
			Session struct {
				OnlineURL *string `json:"online_url"`
			} `json:"session"`
		} `json:"bookings"`
	}
	f.do(http.MethodGet, "/api/v1/me/bookings", f.pracToken, nil).Into(t, &mine)
	if len(mine.Bookings) != 1 {
		t.Fatalf("%d bookings listed", len(mine.Bookings))
	}
	for _, b := range mine.Bookings {
		if b.Session.OnlineURL != nil {
			t.Fatal("a held place carries the joining link")
		}
	}

	booked := f.do(http.MethodPost, path, f.adminToken, map[string]string{"user_email": "olu@example.org"})
	if booked.Status != http.StatusCreated {
		t.Fatalf("admin books for someone: %d %s", booked.Status, booked.Body)
	}
	held, ok, err := f.Bookings.LiveBookingFor(context.Background(), sessionID, f.practitioner.ID)
	if err != nil || !ok || !held.Held {
		t.Fatalf("held booking: %+v %v %v", held, ok, err)
	}
	if sub := f.do(http.MethodPost, "/api/v1/bookings/"+strconv.FormatInt(held.ID, 10)+"/substitute", f.pracToken,
		map[string]string{"user_email": "admin@example.org"}); sub.Status != http.StatusUnprocessableEntity || sub.errorCode() != "awaiting_approval" {
		t.Fatalf("handing on a held place: %d %s", sub.Status, sub.Body)
	}
}
