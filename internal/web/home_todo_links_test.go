package web_test

import (
	"github.com/traininghub/traininghub/internal/testkit"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/store"
)

// todoLinkRE reads one counted line of the admin's to-do list: its link, count and label.
var todoLinkRE = regexp.MustCompile(`<a href="([^"]+)"><span class="todo-list__n">(\d+)</span> ([^<]+)</a>`)

// TestAdminTodoLinksListWhatTheyCount: each figure on the admin's to-do list links to a
// page that lists exactly the things counted (each one there, no near miss there),
// including a register overdue for two months, which the trainer sessions page's 30 days
// would not reach.
func TestAdminTodoLinksListWhatTheyCount(t *testing.T) {
	f := newFixture(t)
	now := f.Clock.Now()
	ts := store.FormatTime
	exec := func(q string, args ...any) int64 {
		t.Helper()
		return testkit.Exec(t, f.DB, q, args...)
	}
	// past inserts a scheduled session of the fixture's course that started ago, 3 hours long.
	past := func(ago time.Duration, trainers ...*account.User) int64 {
		start := now.Add(-ago)
		sid := exec(`INSERT INTO course_sessions (course_id, starts_at, ends_at, venue, capacity, booking_closes_at,
			cancel_cutoff_at, status, confirmed_count, created_at, updated_at) VALUES (?, ?, ?, 'Hall', 10, ?, ?, 'scheduled', 0, ?, ?) RETURNING id`,
			f.CourseID, ts(start), ts(start.Add(3*time.Hour)), ts(start), ts(start), ts(start), ts(start))
		for _, u := range trainers {
			exec(`INSERT INTO session_trainers (session_id, user_id) VALUES (?, ?)`, sid, u.ID)
		}
		return sid
	}
	tess := f.User(t, "tess@example.org", f.Police.ID, account.Trainer)
	old := past(60*24*time.Hour, tess)  // two months overdue
	recent := past(3 * 24 * time.Hour)  // three days ago, nobody named
	within := past(20 * time.Hour)      // ended 17 hours ago: still within the day's grace
	done := past(10*24*time.Hour, tess) // submitted
	exec(`INSERT INTO registers (session_id, status, updated_at) VALUES (?, 'submitted', ?)`, done, ts(now))

	pending := f.Course(t, "Partner course awaiting approval")
	exec(`UPDATE courses SET approval = 'pending' WHERE id = ?`, pending)
	failed := []string{"failed-one@example.org", "failed-two@example.org"}
	for _, to := range append(failed, "sent@example.org") {
		status := "failed"
		if to == "sent@example.org" {
			status = "sent"
		}
		exec(`INSERT INTO outbox (kind, recipient_email, payload, status, next_attempt_at, created_at, updated_at)
			VALUES ('reminder', ?, '{}', ?, ?, ?, ?)`, to, status, ts(now), ts(now), ts(now))
	}
	request := exec(`INSERT INTO approval_requests (session_id, user_id, status, token_hash, created_at) VALUES (?, ?, 'pending', 'h1', ?) RETURNING id`,
		f.SessionID, f.Pract.ID, ts(now))
	// The admin's own request is someone else's to decide: neither counted nor listed.
	own := exec(`INSERT INTO approval_requests (session_id, user_id, status, token_hash, created_at) VALUES (?, ?, 'pending', 'h2', ?) RETURNING id`,
		f.SessionID, f.Admin.ID, ts(now))
	thin := f.Session(t, f.CourseID, 2*24*time.Hour, 10) // the fixture's session a week ahead is thin too
	later := f.Session(t, f.CourseID, 8*24*time.Hour, 10)
	// With a minimum the minimum decides: 6 of 10 is short of a minimum of 7 (listed); 2 of
	// 10 meets a minimum of 2 (not listed, though under half full).
	minimum := func(confirmed, min int) int64 {
		start := now.Add(4 * 24 * time.Hour)
		return exec(`INSERT INTO course_sessions (course_id, starts_at, ends_at, venue, capacity, min_places, booking_closes_at,
			cancel_cutoff_at, status, confirmed_count, created_at, updated_at) VALUES (?, ?, ?, 'Hall', 10, ?, ?, ?, 'scheduled', ?, ?, ?) RETURNING id`,
			f.CourseID, ts(start), ts(start.Add(3*time.Hour)), min, ts(start), ts(start), confirmed, ts(now), ts(now))
	}
	short := minimum(6, 7)
	met := minimum(2, 2)

	admin := f.signedIn(t, "ada@example.org")
	// listed is what each linked page must show for every counted item, and must not show.
	type expect struct {
		n         int
		listed    []string
		notListed []string
	}
	reg := func(sid int64) string { return `href="/trainer/sessions/` + id(sid) + `/register"` }
	want := map[string]expect{
		"registers overdue": {2, []string{reg(old), reg(recent), "Person tess@example.org", "Overdue by 58 days", "Overdue by 1 day<",
			"Trainer: none named"}, []string{reg(within), reg(done)}},
		"partner courses to approve": {1, []string{"Partner course awaiting approval"}, nil},
		"failed emails":              {2, failed, []string{"sent@example.org"}},
		"booking requests waiting for a manager": {1, []string{`href="/manager/approvals/` + id(request) + `?decision=decline"`},
			[]string{`href="/manager/approvals/` + id(own) + `?decision=decline"`}},
		"sessions short of numbers": {3, []string{`href="/admin/sessions/` + id(thin) + `"`, `href="/admin/sessions/` + id(f.SessionID) + `"`,
			`href="/admin/sessions/` + id(short) + `"`}, []string{`href="/admin/sessions/` + id(later) + `"`, `href="/admin/sessions/` + id(met) + `"`}},
	}
	for _, page := range []string{"/", "/admin"} {
		body := f.get(t, admin, page).Body
		found := todoLinkRE.FindAllStringSubmatch(body, -1)
		if len(found) != len(want) {
			t.Fatalf("%s: %d to-do links, want %d: %q", page, len(found), len(want), found)
		}
		for _, m := range found {
			href, label := m[1], m[3]
			n, _ := strconv.Atoi(m[2])
			w, ok := want[label]
			if !ok {
				t.Errorf("%s: unexpected to-do line %q", page, label)
				continue
			}
			if n != w.n {
				t.Errorf("%s: %d %s, want %d", page, n, label, w.n)
			}
			path, _, _ := strings.Cut(href, "#")
			if path == "" {
				path = "/"
			}
			r := f.get(t, admin, path)
			if r.Status != http.StatusOK {
				t.Errorf("%s: %q links to %s, which answers %d", page, label, href, r.Status)
				continue
			}
			if _, frag, ok := strings.Cut(href, "#"); ok && !strings.Contains(r.Body, `id="`+frag+`"`) {
				t.Errorf("%s: %q links to #%s, which %s lacks", page, label, frag, path)
			}
			for _, s := range w.listed {
				if !strings.Contains(r.Body, s) {
					t.Errorf("%s: %q leads to %s, which does not list %s", page, label, href, s)
				}
			}
			for _, s := range w.notListed {
				if strings.Contains(r.Body, s) {
					t.Errorf("%s: %q leads to %s, which lists %s, not counted", page, label, href, s)
				}
			}
		}
	}
	// The overdue page lists the oldest first.
	body := f.get(t, admin, "/admin/registers/overdue").Body
	if i, j := strings.Index(body, reg(old)), strings.Index(body, reg(recent)); i < 0 || j < i {
		t.Errorf("the overdue register of two months ago is not listed before the one of three days ago")
	}
	// It is the admins' page only.
	if r := f.get(t, f.signedIn(t, "tess@example.org"), "/admin/registers/overdue"); r.Status != http.StatusForbidden {
		t.Errorf("a trainer opening the overdue registers: %d", r.Status)
	}
}
