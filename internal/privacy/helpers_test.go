package privacy_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/impact"
	"github.com/traininghub/traininghub/internal/server/servertest"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// fixture is a real server over a real SQLite file with a practitioner, Seán, who has a
// full record: a session attended with its certificate and evaluation, a future place,
// an API token, and emails.
type fixture struct {
	*servertest.Server
	Org        account.Organisation
	Sean       *account.User
	Admin      *account.User
	Other      *account.User
	CourseID   int64
	PastID     int64 // session Seán attended
	FutureID   int64 // session Seán holds the only place on
	Code       string
	TokenValue string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	s := servertest.New(t)
	f := &fixture{Server: s}
	f.Org = s.Org(t, "Bath Police", account.Police)
	var err error
	f.Sean, err = s.Accounts.CreateUser(ctx, account.NewUser{Email: "sean.obriain@police.example", Name: "Seán Ó Briain",
		JobTitle: "Detective Constable", OrganisationID: f.Org.ID, Password: testkit.Password,
		Roles: []account.Role{account.Practitioner}})
	if err != nil {
		t.Fatal(err)
	}
	f.Admin = s.User(t, "ada@example.org", f.Org.ID, account.Admin)
	f.Other = s.User(t, "olu@example.org", f.Org.ID, account.Practitioner)
	f.CourseID = s.Course(t, "Safeguarding level 2", "Basics")
	f.PastID = s.Session(t, f.CourseID, 2*time.Hour, 10)
	past := f.book(t, f.PastID, f.Sean)
	otherPast := f.book(t, f.PastID, f.Other)
	s.Clock.Advance(3 * time.Hour)
	if err := s.Attendance.SetMark(ctx, past, attendance.Attended, f.Admin.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Attendance.SetMark(ctx, otherPast, attendance.Absent, f.Admin.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Attendance.Submit(ctx, f.PastID, f.Admin.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Attendance.SubmitEvaluation(ctx, past, f.Sean.ID, attendance.EvaluationInput{Rating: 4, Usefulness: 5,
		DoDifferently: "Ask my sergeant about referrals", Comments: "Seán found the case studies useful"}); err != nil {
		t.Fatal(err)
	}
	// The follow-up weeks later, answered (the job's row is written here directly).
	testkit.Exec(t, s.DB, `INSERT INTO impact_followups (booking_id, asked_at) VALUES (?, ?)`, past, store.FormatTime(s.Clock.Now()))
	if err := impact.New(s.DB, s.Clock.Now).Submit(ctx, past, f.Sean.ID, impact.Input{Before: 2, After: 4,
		Change: "Seán now checks the sibling records", Examples: "A strategy meeting in Keynsham", Share: true}); err != nil {
		t.Fatal(err)
	}
	certs, err := s.Attendance.ForUser(ctx, f.Sean.ID)
	if err != nil || len(certs) != 1 {
		t.Fatalf("certificates: %v %v", certs, err)
	}
	f.Code = certs[0].Code
	f.FutureID = s.Session(t, f.CourseID, 14*24*time.Hour, 1)
	f.book(t, f.FutureID, f.Sean)
	f.TokenValue = s.Token(t, f.Sean)
	return f
}

func (f *fixture) book(t *testing.T, sessionID int64, u *account.User) int64 {
	t.Helper()
	res, err := f.Bookings.Book(context.Background(), booking.Request{SessionID: sessionID, UserID: u.ID, ActorID: u.ID})
	if err != nil {
		t.Fatalf("book %s: %v", u.Email, err)
	}
	return res.Booking.ID
}

func (f *fixture) signedIn(t *testing.T, email string) *http.Client {
	t.Helper()
	c := f.Browser(t)
	f.SignIn(t, c, email)
	return c
}

type response struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

func (f *fixture) get(t *testing.T, c *http.Client, path string) response {
	t.Helper()
	resp, err := c.Get(f.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, string(b), resp.Header.Get("Location"), resp.Header}
}

func (f *fixture) post(t *testing.T, c *http.Client, path string, form url.Values) response {
	t.Helper()
	resp, err := c.PostForm(f.URL+path, form)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, string(b), resp.Header.Get("Location"), resp.Header}
}

// unzip reads every file of a ZIP answer.
func unzip(t *testing.T, body string) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatalf("not a ZIP: %v (%.200q)", err, body)
	}
	out := map[string][]byte{}
	for _, zf := range zr.File {
		r, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[zf.Name] = b
	}
	return out
}

func mustContain(t *testing.T, where, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s does not contain %q", where, w)
		}
	}
}

func mustNotContain(t *testing.T, where, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s contains %q", where, w)
		}
	}
}

func idText(n int64) string { return strconv.FormatInt(n, 10) }
