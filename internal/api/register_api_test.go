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

type regBody struct {
	SessionID   int64      `json:"session_id"`
	Status      string     `json:"status"`
	SubmittedAt *time.Time `json:"submitted_at"`
	Entries     []regEntryBody
}

type regEntryBody struct {
	BookingID    int64   `json:"booking_id"`
	UserID       int64   `json:"user_id"`
	Name         string  `json:"name"`
	Organisation string  `json:"organisation"`
	JobTitle     string  `json:"job_title"`
	WalkIn       bool    `json:"walk_in"`
	Attendance   *string `json:"attendance"`
}

// regAPI is the API fixture with two trainers, each delivering a session two days ahead;
// the practitioner has a place on the first, the other practitioner waits for it.
type regAPI struct {
	*fixture
	tom, tia           *account.User
	tomToken, tiaToken string
	mine, theirs       int64
	starts             time.Time
	patB, waitB, thB   int64
}

func newRegAPI(t *testing.T) *regAPI {
	t.Helper()
	f := &regAPI{fixture: newFixture(t)}
	f.tom = f.User(t, "tom@example.org", f.org.ID, account.Trainer)
	f.tia = f.User(t, "tia@example.org", f.org.ID, account.Trainer)
	f.tomToken, f.tiaToken = f.Token(t, f.tom), f.Token(t, f.tia)
	courseID := f.Course(t, "Neglect: recognising and responding")
	f.starts = f.Clock.Now().Add(48 * time.Hour)
	session := func(trainer int64, capacity int) int64 {
		id, err := f.Courses.CreateSession(context.Background(), course.SessionInput{CourseID: courseID,
			StartsAt: f.starts, EndsAt: f.starts.Add(2 * time.Hour), Venue: "Bath", Capacity: capacity, TrainerIDs: []int64{trainer}})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	f.mine, f.theirs = session(f.tom.ID, 1), session(f.tia.ID, 5)
	book := func(sessionID, userID int64) int64 {
		res, err := f.Bookings.Book(context.Background(), booking.Request{SessionID: sessionID, UserID: userID})
		if err != nil {
			t.Fatal(err)
		}
		return res.Booking.ID
	}
	f.patB, f.waitB, f.thB = book(f.mine, f.practitioner.ID), book(f.mine, f.other.ID), book(f.theirs, f.practitioner.ID)
	return f
}

func regPath(kind string, id int64, rest string) string {
	return "/api/v1/" + kind + "/" + strconv.FormatInt(id, 10) + rest
}

func TestRegisterAPIScope(t *testing.T) {
	f := newRegAPI(t)
	f.Clock.Set(f.starts.Add(time.Minute))

	r := f.do(http.MethodGet, regPath("sessions", f.mine, "/register"), f.tomToken, nil)
	want(t, r, http.StatusOK, "own register")
	var reg regBody
	r.Into(t, &reg)
	if reg.SessionID != f.mine || reg.Status != "open" || reg.SubmittedAt != nil || len(reg.Entries) != 1 {
		t.Fatalf("register %+v", reg)
	}
	if e := reg.Entries[0]; e.BookingID != f.patB || e.UserID != f.practitioner.ID || e.Name != f.practitioner.Name ||
		e.Organisation != "Bath Council" || e.JobTitle != "Practitioner" || e.WalkIn || e.Attendance != nil {
		t.Fatalf("entry %+v", e)
	}
	m := r.JSON(t)
	if entries := m["entries"].([]any); entries[0].(map[string]any)["attendance"] != nil {
		t.Fatal("attendance should be null before marking")
	}
	if _, ok := m["submitted_at"]; !ok {
		t.Fatal("submitted_at should be present as null")
	}

	// Another trainer's session or booking is indistinguishable from one that does not exist.
	unknownSession := f.do(http.MethodGet, regPath("sessions", 999999, "/register"), f.tiaToken, nil)
	want(t, unknownSession, http.StatusNotFound, "unknown session")
	r = f.do(http.MethodGet, regPath("sessions", f.mine, "/register"), f.tiaToken, nil)
	want(t, r, http.StatusNotFound, "another trainer's register")
	if string(r.Body) != string(unknownSession.Body) {
		t.Errorf("bodies differ: %s vs %s", r.Body, unknownSession.Body)
	}
	unknownBooking := f.do(http.MethodPut, regPath("bookings", 999999, "/attendance"), f.tiaToken, map[string]string{"status": "attended"})
	want(t, unknownBooking, http.StatusNotFound, "unknown booking")
	r = f.do(http.MethodPut, regPath("bookings", f.patB, "/attendance"), f.tiaToken, map[string]string{"status": "attended"})
	want(t, r, http.StatusNotFound, "another trainer's booking")
	if string(r.Body) != string(unknownBooking.Body) {
		t.Errorf("bodies differ: %s vs %s", r.Body, unknownBooking.Body)
	}

	// Practitioners are refused outright, even for their own booking.
	want(t, f.do(http.MethodGet, regPath("sessions", f.mine, "/register"), f.pracToken, nil), http.StatusForbidden, "practitioner GET")
	want(t, f.do(http.MethodPut, regPath("bookings", f.patB, "/attendance"), f.pracToken, map[string]string{"status": "attended"}),
		http.StatusForbidden, "practitioner PUT")
	want(t, f.do(http.MethodPut, regPath("bookings", f.patB, "/attendance"), "", map[string]string{"status": "attended"}),
		http.StatusUnauthorized, "anonymous PUT")

	// Admins reach everything.
	want(t, f.do(http.MethodGet, regPath("sessions", f.theirs, "/register"), f.adminToken, nil), http.StatusOK, "admin GET")
	r = f.do(http.MethodPut, regPath("bookings", f.thB, "/attendance"), f.adminToken, map[string]string{"status": "partial"})
	want(t, r, http.StatusOK, "admin PUT")
	var e regEntryBody
	r.Into(t, &e)
	if e.Attendance == nil || *e.Attendance != "partial" || e.BookingID != f.thB {
		t.Fatalf("admin PUT answered %+v", e)
	}
	if n := f.markOf(t, f.patB); n != "" {
		t.Fatalf("a refused request marked the booking %q", n)
	}
}

func (f *regAPI) markOf(t *testing.T, bookingID int64) string {
	t.Helper()
	var m *string
	if err := f.DB.R.QueryRow(`SELECT attendance FROM bookings WHERE id = ?`, bookingID).Scan(&m); err != nil {
		t.Fatal(err)
	}
	if m == nil {
		return ""
	}
	return *m
}

func TestRegisterAPIMarksUntilSubmitted(t *testing.T) {
	f := newRegAPI(t)
	put := func(id int64, body any) response {
		return f.do(http.MethodPut, regPath("bookings", id, "/attendance"), f.tomToken, body)
	}

	r := put(f.patB, map[string]string{"status": "attended"})
	want(t, r, http.StatusUnprocessableEntity, "before the start")
	if r.errorCode() != "session_not_started" {
		t.Fatalf("before the start: %s", r.Body)
	}
	f.Clock.Set(f.starts.Add(time.Minute))

	for name, body := range map[string]any{
		"unknown status": map[string]string{"status": "present"},
		"empty status":   map[string]string{"status": ""},
		"no status":      map[string]string{},
		"number":         map[string]int{"status": 1},
	} {
		r := put(f.patB, body)
		want(t, r, http.StatusUnprocessableEntity, name)
		if r.errorFields()["status"] == "" {
			t.Errorf("%s: no fields.status: %s", name, r.Body)
		}
	}
	want(t, put(f.patB, `{"status":"attended"`), http.StatusBadRequest, "broken JSON")
	want(t, put(f.patB, `{"status":"attended","extra":1}`), http.StatusBadRequest, "unknown field")
	want(t, put(f.patB, nil), http.StatusBadRequest, "empty body")
	for _, p := range []string{"/api/v1/bookings/abc/attendance", "/api/v1/bookings/0/attendance", "/api/v1/sessions/x/register"} {
		method := http.MethodPut
		if p == "/api/v1/sessions/x/register" {
			method = http.MethodGet
		}
		want(t, f.do(method, p, f.tomToken, map[string]string{"status": "attended"}), http.StatusNotFound, p)
	}
	want(t, put(f.waitB, map[string]string{"status": "attended"}), http.StatusNotFound, "a waiting-list booking")
	if f.markOf(t, f.patB) != "" || f.markOf(t, f.waitB) != "" {
		t.Fatal("bad input changed a mark")
	}

	r = put(f.patB, map[string]string{"status": "absent"})
	want(t, r, http.StatusOK, "mark")
	var e regEntryBody
	r.Into(t, &e)
	if e.BookingID != f.patB || e.Attendance == nil || *e.Attendance != "absent" {
		t.Fatalf("mark answered %+v", e)
	}
	var from, to string
	var actor int64
	if err := f.DB.R.QueryRow(`SELECT COALESCE(from_mark, ''), to_mark, actor_id FROM attendance_history
		WHERE booking_id = ? ORDER BY id DESC LIMIT 1`, f.patB).Scan(&from, &to, &actor); err != nil || from != "" || to != "absent" || actor != f.tom.ID {
		t.Fatalf("history: %q -> %q by %d (%v)", from, to, actor, err)
	}
	want(t, put(f.patB, map[string]string{"status": "attended"}), http.StatusOK, "correct the mark")

	if _, err := f.Attendance.Submit(context.Background(), f.mine, f.tom.ID); err != nil {
		t.Fatal(err)
	}
	r = f.do(http.MethodGet, regPath("sessions", f.mine, "/register"), f.tomToken, nil)
	var reg regBody
	r.Into(t, &reg)
	if reg.Status != "submitted" || reg.SubmittedAt == nil || !reg.SubmittedAt.Equal(f.Clock.Now().Truncate(time.Second)) {
		t.Fatalf("submitted register %+v", reg)
	}
	r = put(f.patB, map[string]string{"status": "absent"})
	want(t, r, http.StatusConflict, "locked")
	if r.errorCode() != "register_submitted" || f.markOf(t, f.patB) != "attended" {
		t.Fatalf("locked register: %s, mark %q", r.Body, f.markOf(t, f.patB))
	}
}
