package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/outbox"
)

// anyEmailID returns the newest outbox message, queueing a reset email if there is none.
func (f *fixture) anyEmailID(t *testing.T) int64 {
	t.Helper()
	var id int64
	if err := f.DB.R.QueryRow(`SELECT COALESCE(max(id), 0) FROM outbox`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if id == 0 {
		f.requestReset(t, f.Admin)
		return f.anyEmailID(t)
	}
	return id
}

// setEmail puts a message into a state as the worker would leave it.
func (f *fixture) setEmail(t *testing.T, id int64, status outbox.Status, attempts int, lastError, subject, body string) {
	t.Helper()
	err := f.DB.Write(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE outbox SET status = ?, attempts = ?, last_error = ?, subject = ?, body_text = ? WHERE id = ?`,
			status, attempts, lastError, subject, body, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) emailStatus(t *testing.T, id int64) (outbox.Status, int) {
	t.Helper()
	var s outbox.Status
	var attempts int
	if err := f.DB.R.QueryRow(`SELECT status, attempts FROM outbox WHERE id = ?`, id).Scan(&s, &attempts); err != nil {
		t.Fatal(err)
	}
	return s, attempts
}

func TestEmailLogShowsMessagesNewestFirstWithCounts(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.Bookings.Book(ctx, booking.Request{SessionID: f.SessionID, UserID: f.Pract.ID, ActorID: f.Pract.ID}); err != nil {
		t.Fatal(err)
	}
	bookingMail := f.anyEmailID(t)
	f.Clock.Advance(time.Hour)
	f.requestReset(t, f.Pract)
	resetMail := f.anyEmailID(t)
	f.setEmail(t, bookingMail, outbox.Failed, 8, "550 5.1.1 mailbox unavailable", "Booking confirmed: Safeguarding level 2", "Hello Pat")
	f.setEmail(t, resetMail, outbox.NotSent, 0, "", "Reset your password",
		"To choose a new password, open this link:\n\nhttp://localhost:8080/password/reset/SECRETSECRET_-abc\n\nThe link works once.")

	admin := f.signedIn(t, "ada@example.org")
	mustContain(t, f.get(t, admin, "/admin").Body, `href="/admin/emails"`, "Email log")

	r := f.get(t, admin, "/admin/emails")
	if r.Status != http.StatusOK {
		t.Fatalf("email log: %d %.500s", r.Status, r.Body)
	}
	mustContain(t, r.Body, "Email log",
		"Reset your password", "Password reset link", "Not sent",
		"Booking confirmed: Safeguarding level 2", "Booking confirmed", "Failed", "550 5.1.1 mailbox unavailable",
		"pat@example.org", "Person pat@example.org",
		"25 Nov 2026, 11:00am", // created, in London time (GMT in November)
		`href="/admin/emails?status=failed"`)
	if strings.Index(r.Body, "Reset your password") > strings.Index(r.Body, "Booking confirmed: Safeguarding") {
		t.Error("the log is not newest first")
	}

	// Filtered by status.
	failed := f.get(t, admin, "/admin/emails?status=failed")
	mustContain(t, failed.Body, "550 5.1.1 mailbox unavailable", `<option value="failed" selected>`)
	mustNotContain(t, failed.Body, "/admin/emails/"+id(resetMail)+`"`)
	// A status that does not exist is explained, not a 500.
	bad := f.get(t, admin, "/admin/emails?status=%3Cscript%3E&before=abc")
	if bad.Status != http.StatusUnprocessableEntity {
		t.Errorf("unknown status: %d", bad.Status)
	}
	mustContain(t, bad.Body, "There is a problem", `href="#status"`, "Choose a status from the list")
	mustNotContain(t, bad.Body, "<script>")

	// One message, with its text and details; reset link secrets are hidden.
	d := f.get(t, admin, "/admin/emails/"+id(resetMail))
	if d.Status != http.StatusOK {
		t.Fatalf("message page: %d", d.Status)
	}
	mustContain(t, d.Body, "Reset your password", `<pre class="plain-text">`, "/password/reset/[hidden]", "Not sent", "pat@example.org")
	mustNotContain(t, d.Body, "SECRETSECRET")
	if r := f.get(t, admin, "/admin/emails/999999"); r.Status != http.StatusNotFound {
		t.Errorf("unknown message: %d", r.Status)
	}
	if r := f.get(t, admin, "/admin/emails/abc"); r.Status != http.StatusNotFound {
		t.Errorf("bad message id: %d", r.Status)
	}
}

func TestEmailLogPages(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	err := f.DB.Write(ctx, func(tx *sql.Tx) error {
		for i := range 60 {
			if _, err := outbox.EnqueueTx(ctx, tx, outbox.Row{Kind: outbox.Reminder, UserID: f.Pract.ID,
				ToEmail: "pat@example.org", ToName: "Pat " + id(int64(i))}, f.Clock.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	admin := f.signedIn(t, "ada@example.org")
	first := f.get(t, admin, "/admin/emails")
	mustContain(t, first.Body, "Pat 59", "Pat 10", "Older messages", "60 messages")
	mustNotContain(t, first.Body, "Pat 9<", "Newest messages")
	m := regexp.MustCompile(`href="(/admin/emails\?before=\d+)"`).FindStringSubmatch(first.Body)
	if m == nil {
		t.Fatal("no link to older messages")
	}
	second := f.get(t, admin, strings.ReplaceAll(m[1], "&amp;", "&"))
	mustContain(t, second.Body, "Pat 9<", "Pat 0<", "Newest messages")
	mustNotContain(t, second.Body, "Pat 10<", "Older messages")
}

func TestEmailLogIsForAdminsOnly(t *testing.T) {
	f := newFixture(t)
	msg := f.anyEmailID(t)
	f.setEmail(t, msg, outbox.Failed, 3, "451 try later", "Reset your password", "body")
	pract := f.signedIn(t, "pat@example.org")
	for _, p := range []string{"/admin/emails", "/admin/emails/" + id(msg)} {
		if r := f.get(t, pract, p); r.Status != http.StatusForbidden {
			t.Errorf("practitioner GET %s: %d, want 403", p, r.Status)
		}
	}
	if r := f.post(t, pract, "/admin/emails/"+id(msg)+"/resend", nil); r.Status != http.StatusForbidden {
		t.Errorf("practitioner resend: %d, want 403", r.Status)
	}
	anon := f.Browser(t)
	if r := f.get(t, anon, "/admin/emails"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Errorf("anonymous: %d %q", r.Status, r.Location)
	}
	if s, _ := f.emailStatus(t, msg); s != outbox.Failed {
		t.Errorf("a refused resend changed the message: %s", s)
	}
}

// bookingEmailID books the practitioner and returns the confirmation's id: a message that
// may be resent (password reset links are single use and never are).
func (f *fixture) bookingEmailID(t *testing.T) int64 {
	t.Helper()
	if _, err := f.Bookings.Book(context.Background(), booking.Request{SessionID: f.SessionID, UserID: f.Pract.ID}); err != nil {
		t.Fatal(err)
	}
	return f.anyEmailID(t)
}

func TestEmailResend(t *testing.T) {
	f := newFixture(t)
	msg := f.bookingEmailID(t)
	admin := f.signedIn(t, "ada@example.org")

	// Still queued: nothing to do, and the admin is told why.
	r := f.post(t, admin, "/admin/emails/"+id(msg)+"/resend", nil)
	if r.Status != http.StatusSeeOther || r.Location != "/admin/emails/"+id(msg) {
		t.Fatalf("resend queued: %d %q", r.Status, r.Location)
	}
	mustContain(t, f.follow(t, admin, r).Body, outbox.ErrAlreadyQueued.Message)

	f.setEmail(t, msg, outbox.Failed, 8, "550 no such user", "Reset your password", "body")
	page := f.get(t, admin, "/admin/emails/"+id(msg))
	mustContain(t, page.Body, "Failed", "550 no such user", `action="/admin/emails/`+id(msg)+`/resend"`, "Send this message again")

	r = f.post(t, admin, "/admin/emails/"+id(msg)+"/resend", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("resend: %d %.300s", r.Status, r.Body)
	}
	mustContain(t, f.follow(t, admin, r).Body, "The message is queued to be sent again.", "Queued")
	if s, attempts := f.emailStatus(t, msg); s != outbox.Queued || attempts != 0 {
		t.Errorf("after resend: %s with %d attempts, want queued with 0", s, attempts)
	}
	if r := f.post(t, admin, "/admin/emails/424242/resend", nil); r.Status != http.StatusNotFound {
		t.Errorf("resend unknown: %d", r.Status)
	}
}
