package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/approval"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
)

// approvalCourse adds a published course needing a manager's approval, with one session a
// week ahead, and returns the session.
func (f *fixture) approvalCourse(t *testing.T, title string, holdDays, capacity int) int64 {
	t.Helper()
	c, err := f.Courses.CreateCourse(context.Background(), course.CourseInput{Title: title, DurationMinutes: 120,
		Status: course.Published, ManagerApproval: true, ApprovalHoldDays: holdDays})
	if err != nil {
		t.Fatal(err)
	}
	return f.Session(t, c, 7*24*time.Hour, capacity)
}

// approvalToken gives the newest request a decision link of the kind emailed before links
// named requests by number, and returns its token: such links keep working. The queued
// email itself links to the request's page by number and holds no token.
func (f *fixture) approvalToken(t *testing.T) string {
	t.Helper()
	var payload string
	var reqID int64
	if err := f.DB.R.QueryRow(`SELECT CAST(payload AS TEXT) FROM outbox WHERE kind = 'approval_requested' ORDER BY id DESC LIMIT 1`).Scan(&payload); err != nil {
		t.Fatalf("no approval email: %v", err)
	}
	var p struct {
		Data approval.Message `json:"data"`
	}
	if err := json.Unmarshal([]byte(payload), &p); err != nil || p.Data.RequestID == 0 || strings.Contains(payload, "token") {
		t.Fatalf("approval email payload %s: %v", payload, err)
	}
	reqID = p.Data.RequestID
	token := strings.Repeat("Ab", 21) + "c"
	sum := sha256.Sum256([]byte(token))
	if _, err := f.DB.Exec(context.Background(), `UPDATE approval_requests SET token_hash = ? WHERE id = ?`, hex.EncodeToString(sum[:]), reqID); err != nil {
		t.Fatal(err)
	}
	return token
}

func (f *fixture) outboxKinds(t *testing.T, after int64) []string {
	t.Helper()
	rows, err := f.DB.R.Query(`SELECT kind || ' to ' || recipient_email FROM outbox WHERE id > ? ORDER BY id`, after)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func (f *fixture) lastOutbox(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := f.DB.R.QueryRow(`SELECT COALESCE(max(id), 0) FROM outbox`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) requestStatus(t *testing.T, id int64) approval.Status {
	t.Helper()
	var s approval.Status
	if err := f.DB.R.QueryRow(`SELECT status FROM approval_requests WHERE id = ?`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *fixture) newestRequest(t *testing.T, userID int64) int64 {
	t.Helper()
	var id int64
	if err := f.DB.R.QueryRow(`SELECT id FROM approval_requests WHERE user_id = ? ORDER BY id DESC LIMIT 1`, userID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// approvalPagePaths gives the approval and substitution pages their addresses for
// pages_test.go: the newest request approvalPageData made, else addresses that route
// (enough for the refusal tests, which never reach a handler).
func (f *fixture) approvalPagePaths(t *testing.T, bookingID int64) map[string]string {
	t.Helper()
	token, other, own := strings.Repeat("A", 43), int64(1), int64(1)
	var payload string
	if f.DB.R.QueryRow(`SELECT payload FROM outbox WHERE kind = 'approval_requested' ORDER BY id DESC LIMIT 1`).Scan(&payload) == nil {
		token = f.approvalToken(t)
	}
	_ = f.DB.R.QueryRow(`SELECT a.id FROM approval_requests a JOIN users u ON u.id = a.user_id
		WHERE u.email = 'pat@example.org' AND a.status = 'pending' ORDER BY a.id DESC LIMIT 1`).Scan(&other)
	_ = f.DB.R.QueryRow(`SELECT a.id FROM approval_requests a JOIN users u ON u.id = a.user_id
		WHERE u.email <> 'pat@example.org' AND a.status = 'pending' ORDER BY a.id DESC LIMIT 1`).Scan(&own)
	return map[string]string{
		"/approvals/:token":           "/approvals/" + token + "?decision=decline",
		"/manager/approvals":          "/manager/approvals",
		"/manager/approvals/:id":      "/manager/approvals/" + id(other),
		"/my/approvals/:id/withdraw":  "/my/approvals/" + id(own) + "/withdraw",
		"/my/approvals/:id/requested": "/my/approvals/" + id(own) + "/requested",
		"/bookings/:id/substitute":    "/bookings/" + id(bookingID) + "/substitute",
	}
}

// approvalPageData gives the approval pages content for u (an admin who signs in for
// TestEveryPageRenders): Pat asks for a held place (emailing a manager of Pat's
// organisation), and u asks for a place of their own.
func (f *fixture) approvalPageData(t *testing.T, u *account.User) {
	t.Helper()
	ctx := context.Background()
	f.User(t, "mia@example.org", f.Pract.OrganisationID, account.Manager)
	sessionID := f.approvalCourse(t, "Approval pages", 3, 5)
	svc := approval.New(f.Bookings)
	if _, err := svc.Request(ctx, sessionID, u.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Request(ctx, sessionID, f.Pract.ID, f.Pract.ID); err != nil {
		t.Fatal(err)
	}
}

// TestAskForApprovalAndDecline: a practitioner asks (no booking, the managers emailed,
// "Awaiting approval" on My training); the manager opens the emailed link, must give a
// reason to decline, and the practitioner is told.
func TestAskForApprovalAndDecline(t *testing.T) {
	f := newFixture(t)
	f.User(t, "mo@example.org", f.Police.ID, account.Manager)
	sessionID := f.approvalCourse(t, "Exploitation", 0, 5)
	pat := f.signedIn(t, "pat@example.org")

	page := f.get(t, pat, "/sessions/"+id(sessionID)+"/book")
	mustContain(t, page.Body, "Ask for a place on Exploitation on Wednesday 2 December 2026", "need your manager's approval",
		"No place is held while your manager decides", "Ask for approval")
	mustNotContain(t, page.Body, "Confirm booking")
	r := f.post(t, pat, "/sessions/"+id(sessionID)+"/book", url.Values{"token": {pageTokenOr(page.Body)}})
	reqID := f.newestRequest(t, f.Pract.ID)
	if r.Location != "/my/approvals/"+id(reqID)+"/requested" {
		t.Fatalf("after asking: %d %q", r.Status, r.Location)
	}
	sent := f.follow(t, pat, r)
	mustContain(t, sent.Body, "<h1>Request sent</h1>", "You have asked for a place on Exploitation on Wednesday 2 December 2026.",
		"Your request has gone to Person mo@example.org. We have emailed <strong class=\"booked__email\">mo@example.org</strong>",
		"We email you at <strong class=\"booked__email\">pat@example.org</strong> when they decide", "Not held",
		"No place is held while you wait")
	mustNotContain(t, sent.Body, "Held for you")
	my := f.get(t, pat, "/my/training")
	mustContain(t, my.Body, "Awaiting approval", "Not held: if approved", "/withdraw", `href="/my/approvals/`+id(reqID)+`/requested"`)
	if n := f.count(t, "bookings"); n != 0 {
		t.Fatalf("asking booked %d places", n)
	}
	// A second click lands where the first did and asks nothing more.
	again := f.post(t, pat, "/sessions/"+id(sessionID)+"/book", nil)
	if again.Status != http.StatusSeeOther || again.Location != r.Location {
		t.Fatalf("second click: %d %q, want 303 to %q", again.Status, again.Location, r.Location)
	}
	if n := f.count(t, "approval_requests"); n != 1 {
		t.Fatalf("%d requests", n)
	}
	// The page is the asker's only.
	if got := f.get(t, f.signedIn(t, "mo@example.org"), r.Location); got.Status != http.StatusNotFound {
		t.Errorf("the manager GET %s: %d, want 404", r.Location, got.Status)
	}
	mustContain(t, f.get(t, pat, "/sessions/"+id(sessionID)+"/book").Body, "You have already asked for a place on this session")

	token := f.approvalToken(t)
	// The link is for signed-in managers: it sends others to sign in and back.
	anon := f.get(t, f.Browser(t), "/approvals/"+token)
	if anon.Status != http.StatusSeeOther || !strings.HasPrefix(anon.Location, "/login?next=%2Fapprovals%2F"+token) {
		t.Fatalf("anonymous: %d %q", anon.Status, anon.Location)
	}
	manager := f.signedIn(t, "mo@example.org")
	mustContain(t, f.get(t, manager, "/manager").Body, "1 booking request is waiting for your approval", `href="/manager/approvals"`)
	d := f.get(t, manager, "/approvals/"+token+"?decision=decline")
	mustContain(t, d.Body, "Approve a place for Person pat@example.org?", "Exploitation", "Not held", `action="/approvals/`+token+`/decline"`)
	if strings.Index(d.Body, "<h2>Decline</h2>") > strings.Index(d.Body, "<h2>Approve</h2>") {
		t.Error("the decline link does not show the decline form first")
	}
	if f.requestStatus(t, reqID) != approval.Pending {
		t.Fatal("opening the link decided")
	}

	mark := f.lastOutbox(t)
	bad := f.post(t, manager, "/approvals/"+token+"/decline", url.Values{"reason": {"  "}})
	if bad.Status != http.StatusUnprocessableEntity {
		t.Fatalf("decline without a reason: %d", bad.Status)
	}
	mustContain(t, bad.Body, "There is a problem", `href="#reason"`, "Enter the reason for declining")
	if f.requestStatus(t, reqID) != approval.Pending || len(f.outboxKinds(t, mark)) != 0 {
		t.Fatal("a refused decline changed something")
	}
	ok := f.post(t, manager, "/approvals/"+token+"/decline", url.Values{"reason": {"Short-staffed that week"}})
	if ok.Status != http.StatusSeeOther || ok.Location != "/manager/approvals" {
		t.Fatalf("decline: %d %q %.300s", ok.Status, ok.Location, ok.Body)
	}
	mustContain(t, f.follow(t, manager, ok).Body, "You declined Person pat@example.org&#39;s request for Exploitation", "There are no requests waiting")
	if got := f.outboxKinds(t, mark); len(got) != 1 || got[0] != "approval_declined to pat@example.org" {
		t.Fatalf("messages = %v", got)
	}
	// The link now shows the outcome, without forms.
	done := f.get(t, manager, "/approvals/"+token)
	mustContain(t, done.Body, "This request is declined", "Short-staffed that week")
	mustNotContain(t, done.Body, `action="/approvals/`)
	twice := f.post(t, manager, "/approvals/"+token+"/approve", nil)
	mustContain(t, f.follow(t, manager, twice).Body, "already been decided")
	mustNotContain(t, f.get(t, pat, "/my/training").Body, "Awaiting approval")
	// The request's page now says how it ended.
	ended := f.get(t, pat, r.Location)
	mustContain(t, ended.Body, "This request is no longer waiting", "was declined by Person mo@example.org")
	mustNotContain(t, ended.Body, "What happens next")
}

// pageTokenOr reads a form token if the page has one (the approval page has none).
func pageTokenOr(body string) string {
	if m := tokenRE.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// TestApproveHeldPlaceFromTheList: the held place is shown on My training (not as a
// booking, and not in the calendar feed); approving from the list makes it a booking
// with its invite.
func TestApproveHeldPlaceFromTheList(t *testing.T) {
	f := newFixture(t)
	f.User(t, "mo@example.org", f.Police.ID, account.Manager)
	sessionID := f.approvalCourse(t, "Exploitation", 3, 5)
	pat := f.signedIn(t, "pat@example.org")
	r := f.post(t, pat, "/sessions/"+id(sessionID)+"/book", nil)
	mustContain(t, f.follow(t, pat, r).Body, "Held for you until Saturday 28 November 2026, 10:00am",
		"A place is held for you until Saturday 28 November 2026, 10:00am. If nobody has decided by then, the place is released")
	my := f.get(t, pat, "/my/training")
	mustContain(t, my.Body, "Held for you until Saturday 28 November 2026")
	mustNotContain(t, my.Body, `id="upcoming"`, "/cancel")
	if s := f.session(t, sessionID); s.Confirmed != 1 {
		t.Fatalf("held place not counted: %d", s.Confirmed)
	}
	feed := f.feedFor(t, pat)
	mustNotContain(t, feed, "Exploitation")

	manager := f.signedIn(t, "mo@example.org")
	list := f.get(t, manager, "/manager/approvals")
	reqID := f.newestRequest(t, f.Pract.ID)
	mustContain(t, list.Body, "Person pat@example.org", "Exploitation", "Held until Saturday 28 November 2026",
		`action="/manager/approvals/`+id(reqID)+`/approve"`)
	mark := f.lastOutbox(t)
	ok := f.post(t, manager, "/manager/approvals/"+id(reqID)+"/approve", url.Values{"note": {"Enjoy"}})
	mustContain(t, f.follow(t, manager, ok).Body, "You approved Person pat@example.org&#39;s place on Exploitation")
	if got := f.outboxKinds(t, mark); len(got) != 2 || got[0] != "booking_confirmed to pat@example.org" || got[1] != "approval_approved to pat@example.org" {
		t.Fatalf("messages = %v", got)
	}
	my = f.get(t, pat, "/my/training")
	mustContain(t, my.Body, `id="upcoming"`, "Exploitation", "/cancel")
	mustNotContain(t, my.Body, "Awaiting approval", "/substitute") // approval courses cannot be handed on
	mustContain(t, f.feedFor(t, pat), "Exploitation")
}

// feedFor fetches the signed-in person's calendar feed, making them an address.
func (f *fixture) feedFor(t *testing.T, c *http.Client) string {
	t.Helper()
	link, _ := f.feedLink(t, c)
	return f.get(t, f.Browser(t), strings.TrimPrefix(link, f.URL)).Body
}

// TestApprovalAccess: managers of another organisation and practitioners cannot see or
// decide; a manager cannot decide their own request; only the asker may withdraw.
func TestApprovalAccess(t *testing.T) {
	f := newFixture(t)
	f.User(t, "mo@example.org", f.Police.ID, account.Manager)
	elsewhere := f.Org(t, "Bath Council", account.SocialCare)
	f.User(t, "olu@council.example.org", elsewhere.ID, account.Manager)
	f.User(t, "bea@example.org", f.Police.ID, account.Practitioner)
	sessionID := f.approvalCourse(t, "Exploitation", 3, 5)
	if _, err := approval.New(f.Bookings).Request(context.Background(), sessionID, f.Pract.ID, f.Pract.ID); err != nil {
		t.Fatal(err)
	}
	token, reqID := f.approvalToken(t), f.newestRequest(t, f.Pract.ID)

	olu := f.signedIn(t, "olu@council.example.org")
	for _, p := range []string{"/approvals/" + token, "/manager/approvals/" + id(reqID)} {
		if r := f.get(t, olu, p); r.Status != http.StatusNotFound {
			t.Errorf("other organisation's manager GET %s: %d, want 404", p, r.Status)
		}
	}
	for _, p := range []string{"/approvals/" + token + "/approve", "/manager/approvals/" + id(reqID) + "/approve",
		"/approvals/" + token + "/decline", "/manager/approvals/" + id(reqID) + "/decline"} {
		if r := f.post(t, olu, p, url.Values{"reason": {"no"}}); r.Status != http.StatusNotFound {
			t.Errorf("other organisation's manager POST %s: %d, want 404", p, r.Status)
		}
	}
	mustNotContain(t, f.get(t, olu, "/manager/approvals").Body, "pat@example.org")
	if r := f.get(t, olu, "/approvals/"+strings.Repeat("B", 43)); r.Status != http.StatusNotFound {
		t.Errorf("unknown token: %d", r.Status)
	}

	bea := f.signedIn(t, "bea@example.org")
	for _, p := range []string{"/approvals/" + token, "/manager/approvals", "/manager/approvals/" + id(reqID)} {
		if r := f.get(t, bea, p); r.Status != http.StatusForbidden {
			t.Errorf("practitioner GET %s: %d, want 403", p, r.Status)
		}
	}
	if r := f.post(t, bea, "/approvals/"+token+"/approve", nil); r.Status != http.StatusForbidden {
		t.Errorf("practitioner POST approve: %d", r.Status)
	}
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		req, _ := http.NewRequest(m, f.URL+"/my/approvals/"+id(reqID)+"/withdraw", nil)
		if r := do(t, bea, req); r.Status != http.StatusNotFound {
			t.Errorf("someone else's withdraw %s: %d, want 404", m, r.Status)
		}
	}
	if r := f.get(t, bea, "/my/approvals/"+id(reqID)+"/requested"); r.Status != http.StatusNotFound {
		t.Errorf("someone else's request page: %d, want 404", r.Status)
	}
	if f.requestStatus(t, reqID) != approval.Pending {
		t.Fatal("a refused request changed the request")
	}

	// A manager asking for themselves cannot decide it.
	mo := f.signedIn(t, "mo@example.org")
	r := f.post(t, mo, "/sessions/"+id(sessionID)+"/book", nil)
	mustContain(t, f.follow(t, mo, r).Body, "No manager is registered for your organisation, so we have not emailed anyone yet",
		"The training team approves or declines your request")
	var moID int64
	_ = f.DB.R.QueryRow(`SELECT id FROM users WHERE email = 'mo@example.org'`).Scan(&moID)
	own := f.newestRequest(t, moID)
	if r := f.get(t, mo, "/manager/approvals/"+id(own)); r.Status != http.StatusForbidden {
		t.Errorf("own request: %d, want 403", r.Status)
	}

	// Pat withdraws; the held place goes.
	pat := f.signedIn(t, "pat@example.org")
	mustContain(t, f.get(t, pat, "/my/approvals/"+id(reqID)+"/withdraw").Body, "Are you sure you want to withdraw your request?",
		"The place held for you is released")
	w := f.post(t, pat, "/my/approvals/"+id(reqID)+"/withdraw", nil)
	mustContain(t, f.follow(t, pat, w).Body, "You have withdrawn your request for Exploitation", "The place held for you has been released")
	if s := f.session(t, sessionID); s.Confirmed != 1 || f.requestStatus(t, reqID) != approval.Withdrawn { // Mo's own hold remains
		t.Fatalf("after withdrawing: %d confirmed, status %s", s.Confirmed, f.requestStatus(t, reqID))
	}
	// The manager's link now says so.
	mustContain(t, f.get(t, mo, "/approvals/"+token).Body, "This request is withdrawn")
}

// TestSubstitutePage: the holder hands their place over from My training; refusals show
// beside the field and change nothing; someone else's booking is not found.
func TestSubstitutePage(t *testing.T) {
	f := newFixture(t)
	f.User(t, "bea@example.org", f.Police.ID, account.Practitioner)
	elsewhere := f.Org(t, "Bath Council", account.SocialCare)
	f.User(t, "olu@council.example.org", elsewhere.ID, account.Practitioner)
	pat := f.signedIn(t, "pat@example.org")
	if _, r := f.bookThroughPage(t, pat, f.SessionID); r.Status != http.StatusSeeOther {
		t.Fatal("booking failed")
	}
	b := f.bookingsOf(t, f.Pract.ID)[0]
	my := f.get(t, pat, "/my/training")
	mustContain(t, my.Body, `href="/bookings/`+id(b.ID)+`/substitute"`, "Send a colleague")

	bea := f.signedIn(t, "bea@example.org")
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		req, _ := http.NewRequest(m, f.URL+"/bookings/"+id(b.ID)+"/substitute", strings.NewReader("user_email=bea%40example.org"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r := do(t, bea, req); r.Status != http.StatusNotFound {
			t.Errorf("someone else's booking %s: %d, want 404", m, r.Status)
		}
	}

	page := f.get(t, pat, "/bookings/"+id(b.ID)+"/substitute")
	mustContain(t, page.Body, "Send a colleague in your place", "Safeguarding level 2", `id="user_email" name="user_email"`)
	mark := f.lastOutbox(t)
	for email, want := range map[string]string{
		"olu@council.example.org": "Enter the email address of a colleague in the same organisation who has an account",
		"nobody@example.org":      "Enter the email address of a colleague in the same organisation who has an account",
		"":                        "Enter your colleague&#39;s email address",
	} {
		r := f.post(t, pat, "/bookings/"+id(b.ID)+"/substitute", url.Values{"user_email": {email}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("%q: %d", email, r.Status)
		}
		mustContain(t, r.Body, "There is a problem", `href="#user_email"`, want)
	}
	if got := f.outboxKinds(t, mark); len(got) != 0 || f.bookingsOf(t, f.Pract.ID)[0].Status != booking.Confirmed {
		t.Fatalf("a refusal changed something: %v", got)
	}
	r := f.post(t, pat, "/bookings/"+id(b.ID)+"/substitute", url.Values{"user_email": {"BEA@example.org"}})
	mustContain(t, f.follow(t, pat, r).Body, "Your place on Safeguarding level 2 on Wednesday 2 December 2026 at 10:00am is now Person bea@example.org&#39;s")
	if got := f.outboxKinds(t, mark); len(got) != 2 || got[0] != "substitution_out to pat@example.org" || got[1] != "substitution_in to bea@example.org" {
		t.Fatalf("messages = %v", got)
	}
	mustContain(t, f.get(t, bea, "/my/training").Body, "Safeguarding level 2", `href="/bookings/`)
	// A second submit finds the booking gone.
	again := f.post(t, pat, "/bookings/"+id(b.ID)+"/substitute", url.Values{"user_email": {"bea@example.org"}})
	mustContain(t, f.follow(t, pat, again).Body, "That booking is no longer active")
}

// TestCourseFormApprovalFields: the admin sets manager approval and the hold.
func TestCourseFormApprovalFields(t *testing.T) {
	f := newFixture(t)
	admin := f.signedIn(t, "ada@example.org")
	mustContain(t, f.get(t, admin, "/admin/courses/new").Body, `id="manager_approval" name="manager_approval"`, `id="approval_hold_days" name="approval_hold_days"`)
	for days, want := range map[string]string{"abc": "Enter the number of days as a whole number", "61": "from 0 to 60"} {
		r := f.post(t, admin, "/admin/courses/new", courseForm(map[string]string{"manager_approval": "yes", "approval_hold_days": days}))
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("days %q: %d", days, r.Status)
		}
		mustContain(t, r.Body, `href="#approval_hold_days"`, want)
	}
	r := f.post(t, admin, "/admin/courses/new", courseForm(map[string]string{"manager_approval": "yes", "approval_hold_days": "5"}))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d %.500s", r.Status, r.Body)
	}
	var courseID int64
	var needs bool
	var days int
	if err := f.DB.R.QueryRow(`SELECT id, manager_approval, approval_hold_days FROM courses ORDER BY id DESC LIMIT 1`).Scan(&courseID, &needs, &days); err != nil {
		t.Fatal(err)
	}
	if !needs || days != 5 {
		t.Fatalf("stored approval %v, hold %d", needs, days)
	}
	edit := f.get(t, admin, "/admin/courses/"+id(courseID)+"/edit")
	mustContain(t, edit.Body, `value="yes" aria-describedby="manager_approval-hint" checked`, `name="approval_hold_days" type="text" inputmode="numeric" value="5"`)
	// Unticking approval holds nothing, whatever the days say.
	r = f.post(t, admin, "/admin/courses/"+id(courseID)+"/edit", courseForm(map[string]string{"approval_hold_days": "5"}))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.Status)
	}
	if err := f.DB.R.QueryRow(`SELECT manager_approval, approval_hold_days FROM courses WHERE id = ?`, courseID).Scan(&needs, &days); err != nil || needs || days != 0 {
		t.Fatalf("after unticking: %v %d %v", needs, days, err)
	}
}

// TestSecondDateOfAnApprovalCourseAsksFirst: asking for a second date of a course that
// needs approval warns first, as booking does, whether the other date is a pending
// request or a booking; without the second yes nothing is asked for.
func TestSecondDateOfAnApprovalCourseAsksFirst(t *testing.T) {
	f := newFixture(t)
	f.User(t, "mo@example.org", f.Police.ID, account.Manager)
	first := f.approvalCourse(t, "Exploitation", 0, 5)
	courseID := f.session(t, first).CourseID
	second := f.Session(t, courseID, 9*24*time.Hour, 5)
	pat := f.signedIn(t, "pat@example.org")
	mustNotContain(t, f.get(t, pat, "/sessions/"+id(first)+"/book").Body, "as well")
	if r := f.post(t, pat, "/sessions/"+id(first)+"/book", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("first request: %d", r.Status)
	}
	firstReq := f.newestRequest(t, f.Pract.ID)

	page := f.get(t, pat, "/sessions/"+id(second)+"/book")
	mustContain(t, page.Body, "You have already asked for a place on Exploitation on Wednesday 2 December 2026. It is waiting for a manager's approval.",
		`href="/my/approvals/`+id(firstReq)+`/withdraw"`, "Ask for this date as well?", `name="also" value="1"`,
		"Yes, ask for this date as well", "No, keep my other request")
	mustNotContain(t, page.Body, ">Ask for approval<")

	// Without the second yes (a form from before the first request), nothing is asked.
	mark := f.lastOutbox(t)
	r := f.post(t, pat, "/sessions/"+id(second)+"/book", nil)
	if r.Status != http.StatusConflict {
		t.Fatalf("second date without also=1: %d %q", r.Status, r.Location)
	}
	mustContain(t, r.Body, "There is a problem", "so nothing has been asked for yet", "Ask for this date as well?", `name="also" value="1"`)
	if n := f.count(t, "approval_requests"); n != 1 || len(f.outboxKinds(t, mark)) != 0 {
		t.Fatalf("a refused second request left %d requests and emails %v", n, f.outboxKinds(t, mark))
	}
	// With it, the second date is asked for.
	r = f.post(t, pat, "/sessions/"+id(second)+"/book", url.Values{"also": {"1"}})
	if r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Location, "/requested") {
		t.Fatalf("second date with also=1: %d %q %.500s", r.Status, r.Location, r.Body)
	}
	if n := f.count(t, "approval_requests"); n != 2 {
		t.Fatalf("requests: %d, want 2", n)
	}

	// A place booked on another date (an admin booked it) counts too.
	bea := f.User(t, "bea@example.org", f.Police.ID, account.Practitioner)
	b := f.book(t, first, bea.ID)
	beaC := f.signedIn(t, "bea@example.org")
	page = f.get(t, beaC, "/sessions/"+id(second)+"/book")
	mustContain(t, page.Body, "You already have a place on Exploitation on Wednesday 2 December 2026.",
		`href="/bookings/`+id(b.ID)+`/cancel"`, "Ask for this date as well?", "No, keep my other booking")
	// Another course's dates do not.
	other := f.approvalCourse(t, "Neglect", 0, 5)
	mustNotContain(t, f.get(t, beaC, "/sessions/"+id(other)+"/book").Body, "as well")
}
