package api_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
)

func bookingPath(id int64) string { return "/api/v1/bookings/" + strconv.FormatInt(id, 10) }

func TestBookingLifecycle(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.Course(t, "Whistleblowing")
	sid := f.Session(t, c, 5*24*time.Hour, 1)
	path := sessionPath(sid) + "/bookings"
	third := f.User(t, "tom@example.org", f.org.ID, account.Practitioner)
	thirdToken := f.Token(t, third)

	// The one place.
	r := f.do(http.MethodPost, path, f.pracToken, nil)
	want(t, r, http.StatusCreated, "book")
	raw := r.JSON(t)
	if raw["status"] != "confirmed" || raw["session_id"] != float64(sid) || raw["id"] == nil {
		t.Fatalf("book: %s", r.Body)
	}
	if v, ok := raw["waitlist_position"]; !ok || v != nil {
		t.Fatalf("waitlist_position must be present and null for a confirmed place: %s", r.Body)
	}
	var first bookingBody
	r.Into(t, &first)

	// The same person again: 409, whatever the body looks like.
	for _, body := range []any{nil, "{}", map[string]any{"user_email": ""}} {
		r = f.do(http.MethodPost, path, f.pracToken, body)
		want(t, r, http.StatusConflict, "double booking")
		if r.errorCode() != "already_booked" {
			t.Fatalf("double booking code: %s", r.Body)
		}
	}

	// Full: the next two wait, in order.
	var w1, w2 bookingBody
	r = f.do(http.MethodPost, path, f.otherToken, "{}")
	want(t, r, http.StatusCreated, "waitlist 1")
	r.Into(t, &w1)
	r = f.do(http.MethodPost, path, thirdToken, nil)
	want(t, r, http.StatusCreated, "waitlist 2")
	r.Into(t, &w2)
	if w1.Status != "waitlisted" || w1.WaitlistPosition == nil || *w1.WaitlistPosition != 1 ||
		w2.Status != "waitlisted" || w2.WaitlistPosition == nil || *w2.WaitlistPosition != 2 {
		t.Fatalf("waitlist: %+v %+v", w1, w2)
	}
	want(t, f.do(http.MethodPost, path, f.otherToken, nil), http.StatusConflict, "double waitlisting")

	// Someone else's booking does not exist for you.
	want(t, f.do(http.MethodGet, bookingPath(first.ID), f.otherToken, nil), http.StatusNotFound, "read another's booking")
	want(t, f.do(http.MethodDelete, bookingPath(first.ID), f.otherToken, nil), http.StatusNotFound, "cancel another's booking")
	r = f.do(http.MethodGet, bookingPath(first.ID), f.pracToken, nil)
	want(t, r, http.StatusOK, "read own booking")
	if m := r.JSON(t); m["status"] != "confirmed" || m["session"].(map[string]any)["course_title"] != "Whistleblowing" {
		t.Fatalf("own booking: %s", r.Body)
	}
	want(t, f.do(http.MethodGet, bookingPath(first.ID), f.adminToken, nil), http.StatusOK, "admin reads any booking")

	// Cancelling the place promotes the first waiter in the same transaction.
	r = f.do(http.MethodDelete, bookingPath(first.ID), f.pracToken, nil)
	want(t, r, http.StatusOK, "cancel")
	var cancelled bookingBody
	r.Into(t, &cancelled)
	if cancelled.ID != first.ID || cancelled.Status != "cancelled" || cancelled.WaitlistPosition != nil {
		t.Fatalf("cancel: %s", r.Body)
	}
	r = f.do(http.MethodGet, bookingPath(w1.ID), f.otherToken, nil)
	if m := r.JSON(t); m["status"] != "confirmed" {
		t.Fatalf("first waiter not promoted: %s", r.Body)
	}
	r = f.do(http.MethodGet, bookingPath(w2.ID), thirdToken, nil)
	if m := r.JSON(t); m["status"] != "waitlisted" || m["waitlist_position"] != float64(1) {
		t.Fatalf("second waiter should now be first in line: %s", r.Body)
	}
	var s sessionBody
	f.do(http.MethodGet, sessionPath(sid), "", nil).Into(t, &s)
	if s.Confirmed != 1 || s.Waitlisted != 1 || s.PlacesLeft != 0 {
		t.Fatalf("session after promotion: %+v", s)
	}
	want(t, f.do(http.MethodDelete, bookingPath(first.ID), f.pracToken, nil), http.StatusConflict, "cancel twice")

	// A new booking after cancelling is allowed (it joins the back of the queue).
	r = f.do(http.MethodPost, path, f.pracToken, nil)
	want(t, r, http.StatusCreated, "book again")
	if m := r.JSON(t); m["status"] != "waitlisted" || m["waitlist_position"] != float64(2) {
		t.Fatalf("rebook: %s", r.Body)
	}

	// My bookings lists both of mine with session and course details.
	r = f.do(http.MethodGet, "/api/v1/me/bookings", f.pracToken, nil)
	want(t, r, http.StatusOK, "my bookings")
	var mine struct {
		Bookings []struct {
			bookingBody
			BookedAt time.Time `json:"booked_at"`
			Session  struct {
				ID          int64     `json:"id"`
				CourseID    int64     `json:"course_id"`
				CourseTitle string    `json:"course_title"`
				StartsAt    time.Time `json:"starts_at"`
				Venue       string    `json:"venue"`
				Status      string    `json:"status"`
			} `json:"session"`
		} `json:"bookings"`
	}
	r.Into(t, &mine)
	if len(mine.Bookings) != 2 {
		t.Fatalf("my bookings: %s", r.Body)
	}
	for _, b := range mine.Bookings {
		if b.Session.ID != sid || b.Session.CourseID != c || b.Session.CourseTitle != "Whistleblowing" ||
			b.Session.Venue != "Guildhall, Bath" || b.Session.Status != "scheduled" || b.BookedAt.IsZero() ||
			!b.Session.StartsAt.Equal(f.Clock.Now().Add(5*24*time.Hour)) {
			t.Fatalf("my booking: %+v", b)
		}
	}
	r = f.do(http.MethodGet, "/api/v1/me/bookings", f.adminToken, nil)
	want(t, r, http.StatusOK, "admin's own bookings")
	if !bytes.Contains(r.Body, []byte(`"bookings":[]`)) {
		t.Fatalf("empty list must be []: %s", r.Body)
	}

	// An admin may cancel anyone's booking.
	r = f.do(http.MethodDelete, bookingPath(w2.ID), f.adminToken, nil)
	want(t, r, http.StatusOK, "admin cancels")
	if m := r.JSON(t); m["status"] != "cancelled" {
		t.Fatalf("admin cancel: %s", r.Body)
	}
}

func TestLateCancellationAndClosedSessions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.Course(t, "Children missing from home")
	sid := f.Session(t, c, 72*time.Hour, 5) // cut-off is 48 hours before the start
	r := f.do(http.MethodPost, sessionPath(sid)+"/bookings", f.pracToken, nil)
	want(t, r, http.StatusCreated, "book")
	var b bookingBody
	r.Into(t, &b)
	f.Clock.Advance(30 * time.Hour)
	r = f.do(http.MethodDelete, bookingPath(b.ID), f.pracToken, nil)
	want(t, r, http.StatusOK, "late cancel")
	if m := r.JSON(t); m["status"] != "late_cancelled" {
		t.Fatalf("late cancel: %s", r.Body)
	}
	f.Clock.Advance(48 * time.Hour) // started
	r = f.do(http.MethodPost, sessionPath(sid)+"/bookings", f.otherToken, nil)
	want(t, r, http.StatusUnprocessableEntity, "book a started session")
	if r.errorCode() != "session_started" {
		t.Fatalf("started: %s", r.Body)
	}
	if !strings.Contains(string(r.Body), "already started") {
		t.Fatalf("message should say why: %s", r.Body)
	}
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.Course(t, "Safeguarding level 2")
	sid := f.Session(t, c, 5*24*time.Hour, 1)
	other := f.Session(t, c, 6*24*time.Hour, 1)
	path := sessionPath(sid) + "/bookings"
	const key = "3f1b8a52-booking-1"

	first := f.do(http.MethodPost, path, f.pracToken, nil, "Idempotency-Key", key)
	want(t, first, http.StatusCreated, "first request")
	replay := f.do(http.MethodPost, path, f.pracToken, nil, "Idempotency-Key", key)
	want(t, replay, http.StatusOK, "replay")
	if !bytes.Equal(first.Body, replay.Body) {
		t.Fatalf("replay body differs:\n%s\n%s", first.Body, replay.Body)
	}
	// A waitlisted booking replays with its position.
	w := f.do(http.MethodPost, path, f.otherToken, nil, "Idempotency-Key", key) // keys are per person
	want(t, w, http.StatusCreated, "other person, same key")
	wr := f.do(http.MethodPost, path, f.otherToken, nil, "Idempotency-Key", key)
	want(t, wr, http.StatusOK, "waitlist replay")
	if !bytes.Equal(w.Body, wr.Body) || !strings.Contains(string(wr.Body), `"waitlist_position":1`) {
		t.Fatalf("waitlist replay:\n%s\n%s", w.Body, wr.Body)
	}
	// Without the key (or with a new one) the double booking is refused.
	want(t, f.do(http.MethodPost, path, f.pracToken, nil), http.StatusConflict, "no key")
	want(t, f.do(http.MethodPost, path, f.pracToken, nil, "Idempotency-Key", "another"), http.StatusConflict, "new key")
	// The same key on another session is a client bug, not a replay.
	r := f.do(http.MethodPost, sessionPath(other)+"/bookings", f.pracToken, nil, "Idempotency-Key", key)
	want(t, r, http.StatusUnprocessableEntity, "key reused on another session")
	if r.errorCode() != "idempotency_key_reused" {
		t.Fatalf("reuse: %s", r.Body)
	}
	r = f.do(http.MethodPost, path, f.pracToken, nil, "Idempotency-Key", strings.Repeat("k", 201))
	want(t, r, http.StatusUnprocessableEntity, "overlong key")
	if r.errorFields()["idempotency_key"] == "" {
		t.Fatalf("overlong key: %s", r.Body)
	}
	var n int
	if err := f.DB.R.QueryRow(`SELECT count(*) FROM bookings WHERE session_id = ?`, sid).Scan(&n); err != nil || n != 2 {
		t.Fatalf("bookings on the session: %d (%v), want 2", n, err)
	}
}

func TestAdminBooksSomeoneElse(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.Course(t, "Domestic abuse")
	sid := f.Session(t, c, 5*24*time.Hour, 4)
	path := sessionPath(sid) + "/bookings"

	r := f.do(http.MethodPost, path, f.adminToken, map[string]any{"user_email": "  PAT@example.org "})
	want(t, r, http.StatusCreated, "admin books a practitioner")
	var b bookingBody
	r.Into(t, &b)
	var mine struct {
		Bookings []bookingBody `json:"bookings"`
	}
	f.do(http.MethodGet, "/api/v1/me/bookings", f.pracToken, nil).Into(t, &mine)
	if len(mine.Bookings) != 1 || mine.Bookings[0].ID != b.ID {
		t.Fatalf("the practitioner should hold the booking: %+v", mine)
	}
	var actor int64
	if err := f.DB.R.QueryRow(`SELECT actor_id FROM booking_history WHERE booking_id = ?`, b.ID).Scan(&actor); err != nil || actor != f.admin.ID {
		t.Fatalf("history actor %d (%v), want the admin %d", actor, err, f.admin.ID)
	}
	want(t, f.do(http.MethodPost, path, f.adminToken, map[string]any{"user_email": "pat@example.org"}), http.StatusConflict, "already booked")

	r = f.do(http.MethodPost, path, f.adminToken, map[string]any{"user_email": "nobody@example.org"})
	want(t, r, http.StatusNotFound, "unknown email")
	if r.errorCode() != "user_not_found" {
		t.Fatalf("unknown email: %s", r.Body)
	}
	disabled := f.User(t, "gone@example.org", f.org.ID, account.Practitioner)
	if err := f.Accounts.SetActive(t.Context(), disabled.ID, false); err != nil {
		t.Fatal(err)
	}
	r = f.do(http.MethodPost, path, f.adminToken, map[string]any{"user_email": "gone@example.org"})
	want(t, r, http.StatusNotFound, "disabled account")
	if r.errorCode() != "user_not_found" {
		t.Fatalf("disabled: %s", r.Body)
	}

	r = f.do(http.MethodPost, path, f.otherToken, map[string]any{"user_email": "admin@example.org"})
	want(t, r, http.StatusForbidden, "practitioner books for someone else")
	if r.errorCode() != "forbidden" {
		t.Fatalf("forbidden: %s", r.Body)
	}
	// The admin can cancel it again.
	want(t, f.do(http.MethodDelete, bookingPath(b.ID), f.adminToken, nil), http.StatusOK, "admin cancels")
}
