package outbox_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/calendar/caltest"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/mail/mailtest"
)

// received parses one delivered message and returns its calendar part, checking the MIME
// tree every invite must have.
func calendarOf(t *testing.T, raw []byte, wantMethod string) caltest.Parsed {
	t.Helper()
	hdr, root := mailtest.ParseMessage(t, raw)
	const shape = "multipart/mixed[multipart/alternative[text/plain,text/html,text/calendar],application/ics]"
	if got := root.Shape(); got != shape {
		t.Fatalf("MIME tree = %s, want %s", got, shape)
	}
	inline := root.Find("text/calendar")
	if inline.Params["method"] != wantMethod {
		t.Errorf("text/calendar method parameter = %q, want %q", inline.Params["method"], wantMethod)
	}
	if att := root.Find("application/ics"); string(att.Body) != string(inline.Body) {
		t.Error("invite.ics differs from the inline calendar part")
	}
	if !strings.HasPrefix(hdr.Get("Message-Id"), "<outbox-") {
		t.Errorf("Message-ID = %q, want the outbox's stable id", hdr.Get("Message-Id"))
	}
	caltest.CheckLines(t, inline.Body)
	p := caltest.ParseBoth(t, inline.Body)
	if p.Method != wantMethod {
		t.Errorf("METHOD inside = %q, want %q", p.Method, wantMethod)
	}
	return p
}

// TestInviteLifecycle follows one booking through confirmation, a moved session and a
// cancellation: the same UID throughout, SEQUENCE rising, REQUEST then CANCEL.
func TestInviteLifecycle(t *testing.T) {
	r := newRig(t)
	smtp := mailtest.Start(t, mailtest.Options{})
	w := r.worker(t, r.env.DB, smtp.Addr())
	ctx := context.Background()

	userID := r.person(t, "sean.obriain@police.example.org")
	sessionID := r.session(t, 10*24*time.Hour, 12)
	b := r.book(t, sessionID, userID)
	drain(t, w)

	msgs := smtp.WaitFor(1, 5*time.Second)
	first := calendarOf(t, msgs[0].Data, "REQUEST")
	if first.Sequence != 0 || first.Status != "CONFIRMED" || !strings.HasSuffix(first.UID, "@"+host) {
		t.Fatalf("first invite: sequence %d, status %s, uid %s", first.Sequence, first.Status, first.UID)
	}
	sess, err := r.env.Courses.Session(ctx, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Start.Equal(sess.StartsAt) || first.Start.Location() != time.UTC {
		t.Errorf("DTSTART = %v, want %v in UTC", first.Start, sess.StartsAt)
	}

	// Move the session by a day: an update that replaces the event in place.
	moved := course.SessionInput{StartsAt: sess.StartsAt.Add(24 * time.Hour), EndsAt: sess.EndsAt.Add(24 * time.Hour),
		Venue: sess.Venue, Capacity: sess.Capacity}
	if err := r.env.Courses.UpdateSession(ctx, sessionID, moved, 0); err != nil {
		t.Fatal(err)
	}
	drain(t, w)
	second := calendarOf(t, smtp.WaitFor(2, 5*time.Second)[1].Data, "REQUEST")
	if second.UID != first.UID || second.Sequence != 1 || !second.Start.Equal(moved.StartsAt) {
		t.Fatalf("update: uid %s seq %d start %v; want uid %s seq 1 start %v",
			second.UID, second.Sequence, second.Start, first.UID, moved.StartsAt)
	}

	// An edit that changes nothing people care about (places) sends nothing.
	moved.Capacity++
	if err := r.env.Courses.UpdateSession(ctx, sessionID, moved, 0); err != nil {
		t.Fatal(err)
	}
	drain(t, w)

	if _, err := r.bookings.Cancel(ctx, booking.CancelRequest{BookingID: b.ID, ActorID: userID}); err != nil {
		t.Fatal(err)
	}
	drain(t, w)
	msgs = smtp.WaitFor(3, 5*time.Second)
	if len(msgs) != 3 {
		t.Fatalf("%d messages delivered, want 3 (a capacity change must not send an update)", len(msgs))
	}
	third := calendarOf(t, msgs[2].Data, "CANCEL")
	if third.UID != first.UID || third.Sequence != 2 || third.Status != "CANCELLED" {
		t.Fatalf("cancel: uid %s seq %d status %s", third.UID, third.Sequence, third.Status)
	}
}

// TestWaitlistAndPromotionMail: a waitlisted person gets a note without an invite, then
// an invite when a place comes free.
func TestWaitlistAndPromotionMail(t *testing.T) {
	r := newRig(t)
	smtp := mailtest.Start(t, mailtest.Options{})
	w := r.worker(t, r.env.DB, smtp.Addr())
	sessionID := r.session(t, 5*24*time.Hour, 1)
	holder := r.person(t, "holder@example.org")
	waiter := r.person(t, "waiter@example.org")
	held := r.book(t, sessionID, holder)
	r.book(t, sessionID, waiter)
	drain(t, w)
	msgs := smtp.WaitFor(2, 5*time.Second)
	// Mail to different people goes over several connections at once: find the waiter's.
	note := msgs[1]
	if note.To[0] != "waiter@example.org" {
		note = msgs[0]
	}
	_, root := mailtest.ParseMessage(t, note.Data)
	if root.Find("text/calendar") != nil || note.To[0] != "waiter@example.org" {
		t.Fatalf("waiting-list note must go to the waiter without an invite; got %s to %v", root.Shape(), note.To)
	}
	if _, err := r.bookings.Cancel(context.Background(), booking.CancelRequest{BookingID: held.ID, ActorID: holder}); err != nil {
		t.Fatal(err)
	}
	drain(t, w)
	msgs = smtp.WaitFor(4, 5*time.Second)
	byRecipient := map[string]string{}
	for _, m := range msgs[2:] {
		_, root := mailtest.ParseMessage(t, m.Data)
		cal := ""
		if c := root.Find("text/calendar"); c != nil {
			cal = c.Params["method"]
		}
		byRecipient[m.To[0]] = cal
	}
	if byRecipient["holder@example.org"] != "CANCEL" || byRecipient["waiter@example.org"] != "REQUEST" {
		t.Fatalf("after cancel + promotion: %v; want holder CANCEL, waiter REQUEST", byRecipient)
	}
}

// TestSessionCancelledTellsEveryone: places get a CANCEL, the waiting list a note.
func TestSessionCancelledTellsEveryone(t *testing.T) {
	r := newRig(t)
	smtp := mailtest.Start(t, mailtest.Options{})
	w := r.worker(t, r.env.DB, smtp.Addr())
	sessionID := r.session(t, 5*24*time.Hour, 1)
	r.book(t, sessionID, r.person(t, "a@example.org"))
	r.book(t, sessionID, r.person(t, "b@example.org"))
	drain(t, w)
	if err := r.env.Courses.CancelSession(context.Background(), sessionID, "Trainer unwell", 0); err != nil {
		t.Fatal(err)
	}
	drain(t, w)
	msgs := smtp.WaitFor(4, 5*time.Second)
	if len(msgs) != 4 {
		t.Fatalf("%d messages, want 4", len(msgs))
	}
	for _, m := range msgs[2:] {
		_, root := mailtest.ParseMessage(t, m.Data)
		text := string(root.Find("text/plain").Body)
		if !strings.Contains(text, "Trainer unwell") {
			t.Errorf("cancellation to %v does not give the reason:\n%s", m.To, text)
		}
		c := root.Find("text/calendar")
		switch m.To[0] {
		case "a@example.org":
			if c == nil || c.Params["method"] != "CANCEL" {
				t.Errorf("the person with a place must get a calendar CANCEL")
			}
		case "b@example.org":
			if c != nil {
				t.Errorf("the waiting list must not get a calendar part")
			}
		}
	}
}
