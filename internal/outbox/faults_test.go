package outbox_test

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/mail/mailtest"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/testkit"
)

// TestTemporaryFailuresAreRetried: the server answers 451 twice, then accepts. One message
// arrives; three attempts are recorded; retries wait as the backoff says.
func TestTemporaryFailuresAreRetried(t *testing.T) {
	r := newRig(t)
	smtp := mailtest.Start(t, mailtest.Options{})
	w := r.worker(t, r.env.DB, smtp.Addr())
	r.book(t, r.session(t, 7*24*time.Hour, 10), r.person(t, "p@example.org"))
	smtp.FailNext(2, 451)

	drain(t, w)
	e := onlyEntry(t, r)
	if e.Status != outbox.Retrying || e.Attempts != 1 || !strings.Contains(e.LastError, "451") {
		t.Fatalf("after first 451: %s, %d attempts, %q", e.Status, e.Attempts, e.LastError)
	}
	r.env.Clock.Advance(29 * time.Second)
	drain(t, w)
	if smtp.Attempts() != 1 {
		t.Fatal("retried before the backoff ran out")
	}
	r.env.Clock.Advance(time.Second)
	drain(t, w) // second 451; next wait doubles to 60s
	r.env.Clock.Advance(60 * time.Second)
	drain(t, w)

	e = onlyEntry(t, r)
	if e.Status != outbox.Sent || e.Attempts != 3 || e.LastError != "" {
		t.Fatalf("after recovery: %s, %d attempts, %q", e.Status, e.Attempts, e.LastError)
	}
	if got := len(smtp.Messages()); got != 1 || smtp.Attempts() != 3 {
		t.Fatalf("delivered %d (want 1) after %d attempts (want 3)", got, smtp.Attempts())
	}
}

// TestPermanentFailureIsNotRetried: a 550 fails the message at once and it stays failed.
func TestPermanentFailureIsNotRetried(t *testing.T) {
	r := newRig(t)
	smtp := mailtest.Start(t, mailtest.Options{})
	w := r.worker(t, r.env.DB, smtp.Addr())
	r.book(t, r.session(t, 7*24*time.Hour, 10), r.person(t, "gone@example.org"))
	smtp.Reject(550)
	drain(t, w)
	for range 5 {
		r.env.Clock.Advance(2 * time.Hour)
		drain(t, w)
	}
	e := onlyEntry(t, r)
	if e.Status != outbox.Failed || e.Attempts != 1 || !strings.Contains(e.LastError, "550") {
		t.Fatalf("got %s after %d attempts, error %q; want failed after 1 with the 550", e.Status, e.Attempts, e.LastError)
	}
	if smtp.Attempts() != 1 {
		t.Fatalf("server saw %d attempts, want 1", smtp.Attempts())
	}
}

// TestMailServerDownWhileBooking: 100 bookings while the server is down, then it comes
// back: all 100 confirmations arrive, none twice, and no booking failed meanwhile.
func TestMailServerDownWhileBooking(t *testing.T) {
	r := newRig(t)
	addr := freeAddr(t)
	w := r.worker(t, r.env.DB, addr)
	sessionID := r.session(t, 7*24*time.Hour, 100)
	for i := range 100 {
		r.book(t, sessionID, r.person(t, "p"+strconv.Itoa(i)+"@example.org"))
	}
	drain(t, w)
	if got := statuses(t, r.env.DB); got[outbox.Retrying] != 100 {
		t.Fatalf("with the server down: %v, want 100 retrying", got)
	}
	smtp := mailtest.Start(t, mailtest.Options{Addr: addr})
	r.env.Clock.Advance(31 * time.Second)
	drain(t, w)
	msgs := smtp.WaitFor(100, 10*time.Second)
	seen := map[string]bool{}
	for _, m := range msgs {
		hdr, _ := mailtest.ParseMessage(t, m.Data)
		id := hdr.Get("Message-Id")
		if seen[id] {
			t.Fatalf("message %s delivered twice", id)
		}
		seen[id] = true
	}
	if len(seen) != 100 || statuses(t, r.env.DB)[outbox.Sent] != 100 {
		t.Fatalf("delivered %d distinct messages, statuses %v; want 100 sent", len(seen), statuses(t, r.env.DB))
	}
}

// TestPendingMailSurvivesRestart: mail queued by one process goes out from the next.
func TestPendingMailSurvivesRestart(t *testing.T) {
	r := newRig(t)
	r.book(t, r.session(t, 7*24*time.Hour, 10), r.person(t, "restart@example.org"))
	if err := r.env.DB.Close(); err != nil { // the process stops before the worker ran
		t.Fatal(err)
	}
	again := testkit.DBAt(t, r.env.Path)
	smtp := mailtest.Start(t, mailtest.Options{})
	drain(t, r.worker(t, again, smtp.Addr()))
	if msgs := smtp.WaitFor(1, 5*time.Second); len(msgs) != 1 || msgs[0].To[0] != "restart@example.org" {
		t.Fatalf("after restart delivered %d messages, want 1 to restart@example.org", len(msgs))
	}
	if statuses(t, again)[outbox.Sent] != 1 {
		t.Fatalf("statuses after restart: %v", statuses(t, again))
	}
}

// TestSessionMailExpiresAtTheStart: a confirmation still failing when the session begins
// is given up, not sent late.
func TestSessionMailExpiresAtTheStart(t *testing.T) {
	r := newRig(t)
	w := r.worker(t, r.env.DB, freeAddr(t))
	r.book(t, r.session(t, 2*time.Hour, 10), r.person(t, "late@example.org"))
	drain(t, w)
	r.env.Clock.Advance(2 * time.Hour)
	drain(t, w)
	e := onlyEntry(t, r)
	if e.Status != outbox.Failed || !strings.Contains(e.LastError, "already started") {
		t.Fatalf("got %s %q; want failed because the session started", e.Status, e.LastError)
	}
}

// TestNoMailServerKeepsMessages: the embedded default renders and keeps every message.
func TestNoMailServerKeepsMessages(t *testing.T) {
	r := newRig(t)
	w := r.worker(t, r.env.DB, "")
	r.book(t, r.session(t, 7*24*time.Hour, 10), r.person(t, "demo@example.org"))
	drain(t, w)
	e := onlyEntry(t, r)
	if e.Status != outbox.NotSent || e.Subject == "" || !strings.Contains(e.BodyText, "Child sexual exploitation awareness") {
		t.Fatalf("got %s, subject %q, body %q", e.Status, e.Subject, e.BodyText)
	}
	if err := r.log.Resend(context.Background(), e.ID, r.env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if got := onlyEntry(t, r); got.Status != outbox.Queued || got.Attempts != 0 {
		t.Fatalf("after resend: %s with %d attempts", got.Status, got.Attempts)
	}
	if err := r.log.Resend(context.Background(), e.ID, r.env.Clock.Now()); err != outbox.ErrAlreadyQueued {
		t.Fatalf("second resend = %v, want ErrAlreadyQueued", err)
	}
}

func onlyEntry(t *testing.T, r *rig) outbox.Entry {
	t.Helper()
	list, err := r.log.List(context.Background(), outbox.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("%d outbox rows, want 1", len(list))
	}
	return list[0]
}

// TestResetLinkIsNotKept: once a password reset email is sent, neither the email log nor
// the stored payload holds the working link.
func TestResetLinkIsNotKept(t *testing.T) {
	r := newRig(t)
	smtp := mailtest.Start(t, mailtest.Options{})
	w := r.worker(t, r.env.DB, smtp.Addr())
	userID := r.person(t, "forgetful@example.org")
	const token = "s3cret-reset-token-value"
	err := r.env.DB.Write(context.Background(), func(tx *sql.Tx) error {
		_, err := outbox.EnqueueTx(context.Background(), tx, outbox.Row{Kind: outbox.PasswordReset, UserID: userID,
			ToEmail: "forgetful@example.org", ToName: "Forgetful", Payload: outbox.Payload{Reset: &outbox.ResetSnapshot{
				Name: "Forgetful", Token: token, ExpiresAt: r.env.Clock.Now().Add(time.Hour)}}}, r.env.Clock.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	drain(t, w)
	msgs := smtp.WaitFor(1, 5*time.Second)
	if len(msgs) != 1 || !strings.Contains(string(msgs[0].Data), token) {
		t.Fatal("the reset email itself must carry the link")
	}
	e := onlyEntry(t, r)
	if e.Status != outbox.Sent || strings.Contains(e.BodyText, token) || !strings.Contains(e.BodyText, "[hidden]") {
		t.Fatalf("email log: status %s, body %q", e.Status, e.BodyText)
	}
	if n := countRows(t, r.env.DB.R, `SELECT count(*) FROM outbox WHERE payload LIKE ?`, "%"+token+"%"); n != 0 {
		t.Fatal("the sent reset link is still stored in the outbox payload")
	}
}

// TestResendRefusesMisleadingMail: an invite overtaken by a cancellation cannot be resent
// (it would put the old date back in the calendar), nor can a used-up reset link.
func TestResendRefusesMisleadingMail(t *testing.T) {
	r := newRig(t)
	w := r.worker(t, r.env.DB, "")
	userID := r.person(t, "p@example.org")
	b := r.book(t, r.session(t, 7*24*time.Hour, 10), userID)
	if _, err := r.bookings.Cancel(context.Background(), booking.CancelRequest{BookingID: b.ID, ActorID: userID}); err != nil {
		t.Fatal(err)
	}
	drain(t, w)
	list, err := r.log.List(context.Background(), outbox.Filter{})
	if err != nil || len(list) != 2 {
		t.Fatalf("%d messages (%v), want confirmation and cancellation", len(list), err)
	}
	confirmation, cancellation := list[1], list[0]
	if err := r.log.Resend(context.Background(), confirmation.ID, r.env.Clock.Now()); err != outbox.ErrOutOfDate {
		t.Fatalf("resending the overtaken confirmation = %v, want ErrOutOfDate", err)
	}
	if err := r.log.Resend(context.Background(), cancellation.ID, r.env.Clock.Now()); err != nil {
		t.Fatalf("resending the latest message = %v", err)
	}
	r.env.Clock.Advance(8 * 24 * time.Hour)
	drain(t, w)
	if err := r.log.Resend(context.Background(), cancellation.ID, r.env.Clock.Now()); err != outbox.ErrExpired {
		t.Fatalf("resending after the session started = %v, want ErrExpired", err)
	}
}
