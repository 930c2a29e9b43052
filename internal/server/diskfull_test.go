package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/server/servertest"
	"github.com/traininghub/traininghub/internal/testkit"
)

// setFull makes the real database refuse to grow (SQLite answers SQLITE_FULL, as on a
// full disk) or lets it grow again. The writer pool keeps its one connection, so the
// per-connection limit holds until lifted.
func setFull(t *testing.T, s *servertest.Server, full bool) {
	t.Helper()
	limit := 1 << 30
	if full {
		if _, err := s.DB.Exec(context.Background(), `CREATE TABLE IF NOT EXISTS ballast (b BLOB)`); err != nil {
			t.Fatal(err)
		}
		if err := s.DB.R.QueryRow(`PRAGMA page_count`).Scan(&limit); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.DB.Exec(context.Background(), fmt.Sprintf(`PRAGMA max_page_count = %d`, limit)); err != nil {
		t.Fatal(err)
	}
	if full { // use up the free room left inside the file's pages
		for _, size := range []int{64 << 10, 4 << 10, 512, 64, 1} {
			for i := 0; i < 10000; i++ {
				if _, err := s.DB.Exec(context.Background(), `INSERT INTO ballast VALUES (zeroblob(?))`, size); err != nil {
					break
				}
			}
		}
	}
}

// TestDiskFullIsA503AndRecovers: with the disk full a write through the API is a 503 with
// Retry-After and a message that says what happened; pages that only read still work;
// once space returns the same request succeeds without a restart.
func TestDiskFullIsA503AndRecovers(t *testing.T) {
	if testkit.OnPostgres() {
		t.Skip("fills a SQLite file to its size limit; on PostgreSQL a full disk is the database server's")
	}
	s := servertest.New(t)
	org := s.Org(t, "Avon and Somerset Police", account.Police)
	admin := s.User(t, "admin@example.org", org.ID, account.Admin)
	token := s.Token(t, admin)
	course := s.Course(t, "CSE awareness")
	// Big enough that the insert needs a new page.
	body := `{"course_id":` + strconv.FormatInt(course, 10) + `,"starts_at":"2026-12-20T09:30:00Z","ends_at":"2026-12-20T12:30:00Z","venue":"` +
		strings.Repeat("Bath ", 40) + `","capacity":5}`
	post := func() (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/api/v1/sessions", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	setFull(t, s, true)
	// Rows still fit in the room left on the sessions table's own pages for a while.
	resp, got := post()
	for i := 0; i < 100 && resp.StatusCode == http.StatusCreated; i++ {
		resp, got = post()
	}
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "30" ||
		!strings.Contains(got, `"storage_full"`) || !strings.Contains(got, "storage is full. Nothing was changed") {
		t.Fatalf("write on a full disk: %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), got)
	}
	if resp, got := post(); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("second write on a full disk: %d %s", resp.StatusCode, got)
	}
	if status, _ := servertest.Get(t, http.DefaultClient, s.URL+"/healthz"); status != http.StatusOK {
		t.Errorf("/healthz = %d while only writes fail", status)
	}
	if status, _ := servertest.Get(t, http.DefaultClient, s.URL+"/courses"); status != http.StatusOK {
		t.Errorf("the catalogue (a read) = %d on a full disk", status)
	}
	// Live, but not ready: /readyz names the full storage so a balancer and an operator know.
	if status, body := servertest.Get(t, http.DefaultClient, s.URL+"/readyz"); status != http.StatusServiceUnavailable ||
		!strings.Contains(body, `"name":"storage_not_full","ok":false,"problem":"a write failed for want of space`) {
		t.Errorf("/readyz on a full disk: %d %s", status, body)
	}

	setFull(t, s, false)
	s.Clock.Advance(time.Second)
	if resp, got := post(); resp.StatusCode != http.StatusCreated {
		t.Fatalf("after space returned: %d %s", resp.StatusCode, got)
	}
}

// TestDiskFullPagesSayWhatHappened: on a full disk, booking through the page (a signed-in
// form) and signing in (which saves a session) each answer 503 with Retry-After 30 and an
// HTML page saying in plain English that nothing could be saved, not a generic error;
// once space returns both work again.
func TestDiskFullPagesSayWhatHappened(t *testing.T) {
	if testkit.OnPostgres() {
		t.Skip("fills a SQLite file to its size limit; on PostgreSQL a full disk is the database server's")
	}
	s := servertest.New(t)
	org := s.Org(t, "Avon and Somerset Police", account.Police)
	s.User(t, "pat@example.org", org.ID, account.Practitioner)
	var sessions []int64
	for i := range 60 { // each on its own course, so no booking asks "this one as well?"
		course := s.Course(t, "Course "+strconv.Itoa(i))
		sessions = append(sessions, s.Session(t, course, time.Duration(48+24*i)*time.Hour, 10))
	}
	pat := s.Browser(t)
	s.SignIn(t, pat, "pat@example.org")
	tokenRE := regexp.MustCompile(`name="token" value="([^"]+)"`)
	// bookPage fetches a session's booking form and sends it.
	bookPage := func(id int64) (int, string, string) {
		status, page := servertest.Get(t, pat, s.URL+"/sessions/"+strconv.FormatInt(id, 10)+"/book")
		if status != http.StatusOK {
			return status, "", page
		}
		m := tokenRE.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no token on the booking form: %.300s", page)
		}
		resp, err := pat.PostForm(s.URL+"/sessions/"+strconv.FormatInt(id, 10)+"/book", url.Values{"token": {m[1]}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Retry-After"), string(b)
	}
	if status, _, body := bookPage(sessions[0]); status != http.StatusSeeOther {
		t.Fatalf("booking before the disk filled: %d %.300s", status, body)
	}

	setFull(t, s, true)
	checkPage := func(what string, status int, retry, body string) {
		t.Helper()
		if status != http.StatusServiceUnavailable || retry != "30" || !strings.Contains(body, "<h1>Sorry, the service cannot save changes at the moment</h1>") ||
			!strings.Contains(body, "storage is full. Nothing was changed") {
			t.Errorf("%s on a full disk: %d Retry-After %q %.600s", what, status, retry, body)
		}
	}
	var status int
	var retry, body string
	for _, id := range sessions[1:] { // rows may still fit in room left on existing pages for a while
		if status, retry, body = bookPage(id); status != http.StatusSeeOther {
			break
		}
	}
	checkPage("booking through the page", status, retry, body)

	for range 50 {
		resp, err := s.Browser(t).PostForm(s.URL+"/login", url.Values{"email": {"pat@example.org"}, "password": {testkit.Password}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		status, retry, body = resp.StatusCode, resp.Header.Get("Retry-After"), string(b)
		if status != http.StatusSeeOther {
			break
		}
	}
	checkPage("signing in", status, retry, body)

	setFull(t, s, false)
	s.Clock.Advance(time.Second)
	s.SignIn(t, s.Browser(t), "pat@example.org")
	if status, _, body := bookPage(sessions[len(sessions)-1]); status != http.StatusSeeOther {
		t.Errorf("booking after space returned: %d %.300s", status, body)
	}
}
