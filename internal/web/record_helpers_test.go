package web_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/testkit"
)

// recPerson creates a practitioner with a real-looking name, so that tests can tell the
// name (which verification shows) from the email address (which it must not).
func (f *fixture) recPerson(t *testing.T, email, name string, orgID int64, roles ...account.Role) *account.User {
	t.Helper()
	if len(roles) == 0 {
		roles = []account.Role{account.Practitioner}
	}
	u, err := f.Accounts.CreateUser(context.Background(), account.NewUser{Email: email, Name: name,
		JobTitle: "Detective Constable", OrganisationID: orgID, Password: testkit.Password, Roles: roles})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// recCourse creates a published course of 3 hours.
func (f *fixture) recCourse(t *testing.T, in course.CourseInput) int64 {
	t.Helper()
	in.Summary, in.DurationMinutes, in.Status = "About "+in.Title, 180, course.Published
	id, err := f.Courses.CreateCourse(context.Background(), in)
	if err != nil {
		t.Fatalf("create course %q: %v", in.Title, err)
	}
	return id
}

// recAttend books each person onto the session, moves the clock an hour past its start,
// marks them all attended and submits the register as the admin. It returns the booking
// ids in the order of users.
func (f *fixture) recAttend(t *testing.T, sessionID int64, users ...*account.User) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for _, u := range users {
		res, err := f.Bookings.Book(ctx, booking.Request{SessionID: sessionID, UserID: u.ID, ActorID: u.ID})
		if err != nil {
			t.Fatalf("book %s: %v", u.Email, err)
		}
		ids = append(ids, res.Booking.ID)
	}
	if s := f.session(t, sessionID); f.Clock.Now().Before(s.StartsAt) {
		f.Clock.Set(s.StartsAt.Add(time.Hour))
	}
	for _, b := range ids {
		if err := f.Attendance.SetMark(ctx, b, attendance.Attended, f.Admin.ID); err != nil {
			t.Fatalf("mark %d: %v", b, err)
		}
	}
	if _, err := f.Attendance.Submit(ctx, sessionID, f.Admin.ID); err != nil {
		t.Fatalf("submit register: %v", err)
	}
	return ids
}

// recCode is the code of the person's live certificate for a course; fatal if none.
func (f *fixture) recCode(t *testing.T, userID, courseID int64) string {
	t.Helper()
	certs, err := f.Attendance.ForUser(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range certs {
		if k.CourseID == courseID && !k.Revoked() {
			return k.Code
		}
	}
	t.Fatalf("user %d has no certificate for course %d (has %+v)", userID, courseID, certs)
	return ""
}

// recOutbox counts queued messages of a kind for a booking.
func (f *fixture) recOutbox(t *testing.T, kind string, bookingID int64) int {
	t.Helper()
	var n int
	if err := f.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE kind = ? AND booking_id = ?`, kind, bookingID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// recDownload fetches a path and returns the response with its headers.
func (f *fixture) recDownload(t *testing.T, c *http.Client, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.Get(f.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return resp, b
}

// recBook books a place and returns the booking id.
func (f *fixture) recBook(t *testing.T, sessionID int64, u *account.User) int64 {
	t.Helper()
	res, err := f.Bookings.Book(context.Background(), booking.Request{SessionID: sessionID, UserID: u.ID, ActorID: u.ID})
	if err != nil {
		t.Fatalf("book %s: %v", u.Email, err)
	}
	return res.Booking.ID
}

// recLoadCourse reads a course by the id in a path.
func (f *fixture) recLoadCourse(t *testing.T, idText string) course.Course {
	t.Helper()
	n, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		t.Fatalf("course id %q: %v", idText, err)
	}
	crs, err := f.Courses.Course(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return crs
}
