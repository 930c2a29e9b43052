package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/course"
)

func sessionPath(id int64) string { return "/api/v1/sessions/" + strconv.FormatInt(id, 10) }

func listIDs(t *testing.T, r response) []int64 {
	t.Helper()
	var body struct {
		Sessions []sessionBody `json:"sessions"`
	}
	r.Into(t, &body)
	ids := make([]int64, 0, len(body.Sessions))
	for _, s := range body.Sessions {
		ids = append(ids, s.ID)
	}
	return ids
}

func TestSessionsListAndFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a := f.Course(t, "Course A")
	b := f.Course(t, "Course B")
	draft, err := f.Courses.CreateCourse(ctx, course.CourseInput{Title: "Draft", DurationMinutes: 60})
	if err != nil {
		t.Fatal(err)
	}
	// testkit.Start is Wednesday 25 November 2026, 10:00 UTC (GMT).
	a1 := f.Session(t, a, 24*time.Hour, 5)    // 26 Nov
	b1 := f.Session(t, b, 3*24*time.Hour, 5)  // 28 Nov
	a2 := f.Session(t, a, 10*24*time.Hour, 5) // 5 Dec
	d1 := f.Session(t, draft, 2*24*time.Hour, 5)

	r := f.do(http.MethodGet, "/api/v1/sessions", "", nil)
	want(t, r, http.StatusOK, "list sessions")
	if got := fmt.Sprint(listIDs(t, r)); got != fmt.Sprint([]int64{a1, b1, a2}) {
		t.Fatalf("anonymous list %s, want %v (draft course hidden)", got, []int64{a1, b1, a2})
	}
	r = f.do(http.MethodGet, "/api/v1/sessions", f.adminToken, nil)
	if got := fmt.Sprint(listIDs(t, r)); got != fmt.Sprint([]int64{a1, d1, b1, a2}) {
		t.Fatalf("admin list %s: admins see draft courses' sessions too", got)
	}

	cases := []struct {
		query string
		want  []int64
	}{
		{"course_id=" + strconv.FormatInt(a, 10), []int64{a1, a2}},
		{"from=2026-11-27", []int64{b1, a2}},
		{"to=2026-11-28", []int64{a1}},
		{"from=2026-11-27&to=2026-12-01", []int64{b1}},
		{"from=" + url.QueryEscape("2026-11-28T10:00:00Z"), []int64{b1, a2}},
		{"from=" + url.QueryEscape("2026-11-28T10:00:01Z"), []int64{a2}},
		{"from=" + url.QueryEscape("2026-11-28T11:00:00+01:00"), []int64{b1, a2}},
		{"from=2026-11-28T11:00:00+01:00", []int64{b1, a2}}, // unencoded "+" arrives as a space
		{"course_id=" + strconv.FormatInt(b, 10) + "&from=2026-12-01", []int64{}},
		{"course_id=999999", []int64{}},
	}
	for _, tc := range cases {
		r := f.do(http.MethodGet, "/api/v1/sessions?"+tc.query, "", nil)
		want(t, r, http.StatusOK, tc.query)
		if got := fmt.Sprint(listIDs(t, r)); got != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %s, want %v", tc.query, got, tc.want)
		}
	}

	// A bare date is midnight in London, which is 23:00 UTC the day before in summer.
	summer := time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC) // 01:00 BST on 1 July
	f.Clock.Set(summer.Add(-48 * time.Hour))
	s1, err := f.Courses.CreateSession(ctx, course.SessionInput{CourseID: a, StartsAt: summer.Add(-30 * time.Minute),
		EndsAt: summer.Add(time.Hour), Venue: "Bath", Capacity: 3}) // 00:30 BST on 1 July = 23:30 UTC on 30 June
	if err != nil {
		t.Fatal(err)
	}
	r = f.do(http.MethodGet, "/api/v1/sessions?from=2027-07-01&to=2027-07-02", "", nil)
	if got := fmt.Sprint(listIDs(t, r)); got != fmt.Sprint([]int64{s1}) {
		t.Fatalf("London-midnight dates: got %s, want [%d]", got, s1)
	}
}

func TestSessionsBadQuery(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cases := []struct {
		query string
		field string
	}{
		{"course_id=abc", "course_id"},
		{"course_id=-3", "course_id"},
		{"course_id=1.5", "course_id"},
		{"course_id=99999999999999999999999", "course_id"},
		{"from=yesterday", "from"},
		{"from=2026-13-01", "from"},
		{"from=2026-02-30", "from"},
		{"from=25/11/2026", "from"},
		{"to=2026-11-25T25:00:00Z", "to"},
		{"to=" + url.QueryEscape("2026-11-25 10:00"), "to"},
		{"from=2026-12-01&to=2026-11-01", "to"},
		{"from=2026-12-01&to=2026-12-01", "to"},
	}
	for _, tc := range cases {
		r := f.do(http.MethodGet, "/api/v1/sessions?"+tc.query, "", nil)
		want(t, r, http.StatusUnprocessableEntity, tc.query)
		if r.errorCode() != "validation_failed" || r.errorFields()[tc.field] == "" {
			t.Errorf("%s: want a message for %q, got %s", tc.query, tc.field, r.Body)
		}
	}
}

func TestSessionDetail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	trainer := f.User(t, "tara@example.org", f.org.ID, account.Trainer)
	c := f.Course(t, "Early help")
	start := time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC)
	id, err := f.Courses.CreateSession(ctx, course.SessionInput{
		CourseID: c, StartsAt: start, EndsAt: start.Add(3 * time.Hour), Venue: "Guildhall, Bath", Capacity: 2,
		BookingClosesAt: start.Add(-24 * time.Hour), TrainerIDs: []int64{trainer.ID},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{f.pracToken, f.otherToken} {
		want(t, f.do(http.MethodPost, sessionPath(id)+"/bookings", tok, nil), http.StatusCreated, "book")
	}
	third := f.User(t, "tom@example.org", f.org.ID, account.Practitioner)
	want(t, f.do(http.MethodPost, sessionPath(id)+"/bookings", f.Token(t, third), nil), http.StatusCreated, "waitlist")

	r := f.do(http.MethodGet, sessionPath(id), "", nil)
	want(t, r, http.StatusOK, "session detail")
	raw := r.JSON(t)
	for k, v := range map[string]any{
		"starts_at": "2026-12-03T09:30:00Z", "ends_at": "2026-12-03T12:30:00Z",
		"booking_closes_at": "2026-12-02T09:30:00Z", "cancel_cutoff_at": "2026-12-01T09:30:00Z",
		"course_title": "Early help", "venue": "Guildhall, Bath", "online": false, "status": "scheduled",
		"capacity": float64(2), "confirmed": float64(2), "waitlisted": float64(1), "places_left": float64(0),
		"cancel_reason": "", "course_id": float64(c),
	} {
		if raw[k] != v {
			t.Errorf("%s = %#v, want %#v", k, raw[k], v)
		}
	}
	if _, ok := raw["online_url"]; ok {
		t.Errorf("in-person session has online_url: %s", r.Body)
	}
	tr := raw["trainers"].([]any)
	if len(tr) != 1 || tr[0].(map[string]any)["name"] != trainer.Name || tr[0].(map[string]any)["id"] != float64(trainer.ID) {
		t.Errorf("trainers: %v", tr)
	}
	want(t, f.do(http.MethodGet, sessionPath(999999), "", nil), http.StatusNotFound, "missing session")
	want(t, f.do(http.MethodGet, "/api/v1/sessions/nope", "", nil), http.StatusNotFound, "non-numeric id")
}

func TestOnlineLinkVisibility(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const link = "https://meet.example.org/j/123"
	c := f.Course(t, "CSE awareness")
	id := f.onlineSession(c, 72*time.Hour, 1, link)
	waiter := f.User(t, "wendy@example.org", f.org.ID, account.Practitioner)
	waiterToken := f.Token(t, waiter)
	want(t, f.do(http.MethodPost, sessionPath(id)+"/bookings", f.pracToken, nil), http.StatusCreated, "book the one place")
	want(t, f.do(http.MethodPost, sessionPath(id)+"/bookings", waiterToken, nil), http.StatusCreated, "join waiting list")

	visible := func(token, path string) bool {
		t.Helper()
		r := f.do(http.MethodGet, path, token, nil)
		want(t, r, http.StatusOK, path)
		var body struct {
			OnlineURL *string       `json:"online_url"`
			Sessions  []sessionBody `json:"sessions"`
		}
		r.Into(t, &body)
		urls := []*string{body.OnlineURL}
		for _, s := range body.Sessions {
			if s.ID == id {
				urls = []*string{s.OnlineURL}
			}
		}
		if urls[0] != nil && *urls[0] != link {
			t.Fatalf("online_url %q", *urls[0])
		}
		return urls[0] != nil
	}
	paths := []string{sessionPath(id), "/api/v1/sessions", "/api/v1/courses/" + strconv.FormatInt(c, 10)}
	who := []struct {
		name  string
		token string
		sees  bool
	}{
		{"anonymous", "", false},
		{"practitioner without a booking", f.otherToken, false},
		{"waitlisted practitioner", waiterToken, false},
		{"confirmed practitioner", f.pracToken, true},
		{"admin", f.adminToken, true},
	}
	for _, w := range who {
		for _, p := range paths {
			if got := visible(w.token, p); got != w.sees {
				t.Errorf("%s on %s: sees link %v, want %v", w.name, p, got, w.sees)
			}
		}
	}
	// My bookings carries the link for the confirmed place only.
	linkInMine := func(token string) bool {
		r := f.do(http.MethodGet, "/api/v1/me/bookings", token, nil)
		want(t, r, http.StatusOK, "my bookings")
		var body struct {
			Bookings []struct {
				Session struct {
					OnlineURL *string `json:"online_url"`
				} `json:"session"`
			} `json:"bookings"`
		}
		r.Into(t, &body)
		return len(body.Bookings) == 1 && body.Bookings[0].Session.OnlineURL != nil
	}
	if !linkInMine(f.pracToken) || linkInMine(waiterToken) {
		t.Error("me/bookings: link must show for the confirmed place only")
	}
	// When the confirmed person cancels, the waiter is promoted and now sees the link.
	var mine struct {
		Bookings []bookingBody `json:"bookings"`
	}
	f.do(http.MethodGet, "/api/v1/me/bookings", f.pracToken, nil).Into(t, &mine)
	want(t, f.do(http.MethodDelete, "/api/v1/bookings/"+strconv.FormatInt(mine.Bookings[0].ID, 10), f.pracToken, nil), http.StatusOK, "cancel")
	if visible(f.pracToken, sessionPath(id)) || !visible(waiterToken, sessionPath(id)) {
		t.Error("after cancel and promotion the link must move to the promoted person")
	}
}

func TestAdminSessionWrites(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.Course(t, "Domestic abuse")
	trainer := f.User(t, "tara@example.org", f.org.ID, account.Trainer)

	// Create.
	r := f.do(http.MethodPost, "/api/v1/sessions", f.adminToken, map[string]any{
		"course_id": c, "starts_at": "2026-12-10T09:30:00Z", "ends_at": "2026-12-10T12:30:00Z",
		"venue": "Guildhall, Bath", "capacity": 2, "trainer_ids": []int64{trainer.ID},
	})
	want(t, r, http.StatusCreated, "create session")
	var s sessionBody
	r.Into(t, &s)
	if r.Header.Get("Location") != sessionPath(s.ID) {
		t.Errorf("Location %q", r.Header.Get("Location"))
	}
	if s.CourseID != c || s.Capacity != 2 || s.Venue != "Guildhall, Bath" || len(s.Trainers) != 1 ||
		!s.StartsAt.Equal(time.Date(2026, 12, 10, 9, 30, 0, 0, time.UTC)) ||
		!s.BookingClosesAt.Equal(s.StartsAt) || !s.CancelCutoffAt.Equal(s.StartsAt.Add(-48*time.Hour)) {
		t.Fatalf("created: %s", r.Body)
	}
	// An offset is read as the instant it names.
	r = f.do(http.MethodPost, "/api/v1/sessions", f.adminToken, map[string]any{
		"course_id": c, "starts_at": "2026-12-11T09:30:00+01:00", "ends_at": "2026-12-11T12:30:00+01:00",
		"online": true, "online_url": "https://meet.example.org/x", "capacity": 5,
	})
	want(t, r, http.StatusCreated, "create online session")
	var online sessionBody
	r.Into(t, &online)
	if online.StartsAt.Format(time.RFC3339) != "2026-12-11T08:30:00Z" || online.OnlineURL == nil {
		t.Fatalf("online session: %s", r.Body)
	}

	// Fill it and put someone on the waiting list.
	waiter := f.User(t, "wendy@example.org", f.org.ID, account.Practitioner)
	for _, tok := range []string{f.pracToken, f.otherToken, f.Token(t, waiter)} {
		want(t, f.do(http.MethodPost, sessionPath(s.ID)+"/bookings", tok, nil), http.StatusCreated, "book")
	}

	// Partial update: only the venue changes.
	r = f.do(http.MethodPatch, sessionPath(s.ID), f.adminToken, map[string]any{"venue": "Council House, Bristol"})
	want(t, r, http.StatusOK, "patch venue")
	var after sessionBody
	r.Into(t, &after)
	if after.Venue != "Council House, Bristol" || after.Capacity != 2 || !after.StartsAt.Equal(s.StartsAt) ||
		!after.EndsAt.Equal(s.EndsAt) || len(after.Trainers) != 1 || after.Waitlisted != 1 {
		t.Fatalf("patch venue changed more than the venue: %s", r.Body)
	}

	// Raising capacity promotes the person waiting.
	r = f.do(http.MethodPatch, sessionPath(s.ID), f.adminToken, map[string]any{"capacity": 3})
	want(t, r, http.StatusOK, "raise capacity")
	r.Into(t, &after)
	if after.Capacity != 3 || after.Confirmed != 3 || after.Waitlisted != 0 || after.PlacesLeft != 0 {
		t.Fatalf("after raising capacity: %s", r.Body)
	}
	var mine struct {
		Bookings []bookingBody `json:"bookings"`
	}
	f.do(http.MethodGet, "/api/v1/me/bookings", f.Token(t, waiter), nil).Into(t, &mine)
	if len(mine.Bookings) != 1 || mine.Bookings[0].Status != "confirmed" {
		t.Fatalf("waiter after promotion: %+v", mine)
	}

	// Capacity cannot drop below the places taken.
	r = f.do(http.MethodPatch, sessionPath(s.ID), f.adminToken, map[string]any{"capacity": 1})
	want(t, r, http.StatusUnprocessableEntity, "lower capacity below bookings")
	if r.errorFields()["capacity"] == "" {
		t.Fatalf("capacity message: %s", r.Body)
	}

	// Moving the start moves the end and the deadlines with it.
	r = f.do(http.MethodPatch, sessionPath(s.ID), f.adminToken, map[string]any{"starts_at": "2026-12-17T09:30:00Z", "trainer_ids": []int64{}})
	want(t, r, http.StatusOK, "reschedule")
	r.Into(t, &after)
	week := 7 * 24 * time.Hour
	if !after.EndsAt.Equal(s.EndsAt.Add(week)) || !after.BookingClosesAt.Equal(s.BookingClosesAt.Add(week)) ||
		!after.CancelCutoffAt.Equal(s.CancelCutoffAt.Add(week)) || len(after.Trainers) != 0 {
		t.Fatalf("reschedule: %s", r.Body)
	}

	// Cancel: the session and every live booking.
	r = f.do(http.MethodPost, sessionPath(s.ID)+"/cancel", f.adminToken, map[string]any{"reason": "Trainer unwell"})
	want(t, r, http.StatusOK, "cancel session")
	r.Into(t, &after)
	if after.Status != "cancelled" || after.CancelReason != "Trainer unwell" || after.Confirmed != 0 {
		t.Fatalf("cancelled: %s", r.Body)
	}
	f.do(http.MethodGet, "/api/v1/me/bookings", f.pracToken, nil).Into(t, &mine)
	if mine.Bookings[0].Status != "cancelled" {
		t.Fatalf("booking after session cancelled: %+v", mine)
	}
	want(t, f.do(http.MethodPost, sessionPath(s.ID)+"/cancel", f.adminToken, nil), http.StatusConflict, "cancel twice")
	want(t, f.do(http.MethodPatch, sessionPath(s.ID), f.adminToken, map[string]any{"capacity": 9}), http.StatusConflict, "edit cancelled session")
	r = f.do(http.MethodPost, sessionPath(s.ID)+"/bookings", f.adminToken, nil)
	want(t, r, http.StatusUnprocessableEntity, "book a cancelled session")
	if r.errorCode() != "session_cancelled" {
		t.Fatalf("code: %s", r.Body)
	}
	// Cancelling with an empty body is allowed.
	want(t, f.do(http.MethodPost, sessionPath(online.ID)+"/cancel", f.adminToken, nil), http.StatusOK, "cancel without reason")
	want(t, f.do(http.MethodPatch, sessionPath(999999), f.adminToken, map[string]any{"capacity": 9}), http.StatusNotFound, "patch missing")
	want(t, f.do(http.MethodPost, sessionPath(999999)+"/cancel", f.adminToken, nil), http.StatusNotFound, "cancel missing")
}
