package booking_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/notify"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/problem"
)

// outboxRow is one queued message.
type outboxRow struct {
	Kind      outbox.Kind
	To        string
	BookingID int64
	Snap      outbox.BookingSnapshot
}

func (f *fixture) outboxAfter(t *testing.T, after int64) []outboxRow {
	t.Helper()
	rows, err := f.DB.R.Query(`SELECT kind, recipient_email, COALESCE(booking_id, 0), payload FROM outbox WHERE id > ? ORDER BY id`, after)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		var payload string
		if err := rows.Scan(&r.Kind, &r.To, &r.BookingID, &payload); err != nil {
			t.Fatal(err)
		}
		var p outbox.Payload
		if err := json.Unmarshal([]byte(payload), &p); err != nil {
			t.Fatal(err)
		}
		if p.Booking != nil {
			r.Snap = *p.Booking
		}
		out = append(out, r)
	}
	return out
}

func (f *fixture) maxOutbox(t *testing.T) int64 {
	t.Helper()
	var id int64
	if err := f.DB.R.QueryRow(`SELECT COALESCE(max(id), 0) FROM outbox`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// state is everything a refused substitution must leave alone.
func (f *fixture) state(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id || ':' || status || ':' || ical_sequence FROM bookings ORDER BY id`,
		`SELECT count(*) FROM booking_history`,
		`SELECT count(*) FROM outbox`,
		`SELECT id || ':' || confirmed_count FROM course_sessions ORDER BY id`,
	} {
		rows, err := f.DB.R.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			b.WriteString(s + " ")
		}
		rows.Close()
	}
	return b.String()
}

// TestSubstituteHandsThePlaceOver: the holder's place becomes a colleague's in one step:
// capacity unchanged, nobody promoted, never late; a calendar CANCEL with the holder's UID
// and a REQUEST with a new UID for the colleague, rendered by the real renderer.
func TestSubstituteHandsThePlaceOver(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sessionID := f.session(t, 2)
	holder, other, waiter, colleague := f.person(t), f.person(t), f.person(t), f.person(t)
	orig := f.book(t, sessionID, holder)
	f.book(t, sessionID, other)
	f.book(t, sessionID, waiter) // waitlisted
	// After the cancellation cut-off: a substitution is still not a late cancellation.
	f.Clock.Advance(7*24*time.Hour - time.Hour)
	mark := f.maxOutbox(t)

	res, err := f.Svc.Substitute(ctx, booking.SubstituteRequest{BookingID: orig.ID, ColleagueEmail: "  " + strings.ToUpper(colleague.Email) + " ", ActorID: holder.ID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Original.Status != booking.Cancelled || res.Colleague.Status != booking.Confirmed || res.Colleague.UserID != colleague.ID ||
		res.ColleagueName != colleague.Name {
		t.Fatalf("result = %+v", res)
	}
	s, err := f.Courses.Session(ctx, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Confirmed != 2 || s.Waitlisted != 1 {
		t.Fatalf("confirmed %d waitlisted %d, want 2 and 1: the place is handed on, not freed", s.Confirmed, s.Waitlisted)
	}
	if b, _ := f.Svc.Booking(ctx, orig.ID); b.Status != booking.Cancelled {
		t.Fatalf("holder's booking: %s, want cancelled (never late)", b.Status)
	}
	for id, want := range map[int64][]string{
		orig.ID:          {"booked", booking.ReasonSubstituted},
		res.Colleague.ID: {booking.ReasonSubstitute},
	} {
		h, err := f.Svc.History(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range h {
			got = append(got, r.Reason)
		}
		if !slices.Equal(got, want) {
			t.Errorf("history of %d = %v, want %v", id, got, want)
		}
	}

	msgs := f.outboxAfter(t, mark)
	if len(msgs) != 2 || msgs[0].Kind != booking.SubstitutionOut || msgs[0].To != holder.Email ||
		msgs[1].Kind != booking.SubstitutionIn || msgs[1].To != colleague.Email {
		t.Fatalf("messages = %+v", msgs)
	}
	first := f.outboxAfter(t, 0)[0] // the holder's original confirmation
	out, in := msgs[0].Snap, msgs[1].Snap
	if first.Kind != outbox.BookingConfirmed || out.UID != first.Snap.UID || out.Sequence != first.Snap.Sequence+1 || out.Reason != colleague.Name {
		t.Fatalf("cancel snapshot uid %s seq %d reason %q; invite was uid %s seq %d", out.UID, out.Sequence, out.Reason, first.Snap.UID, first.Snap.Sequence)
	}
	if in.UID == "" || in.UID == out.UID || in.Sequence != 0 || in.BookingID != res.Colleague.ID || in.Reason != holder.Name {
		t.Fatalf("colleague's snapshot = %+v", in)
	}

	// Render both as the worker would.
	r, err := notify.New(notify.Config{BaseURL: "https://training.example.org", SiteName: "Test training",
		OrganizerName: "Training", OrganizerEmail: "training@training.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"METHOD:CANCEL", "METHOD:REQUEST"} {
		snap := msgs[i].Snap
		m, err := r.Render(outbox.Envelope{ID: int64(i + 1), Kind: msgs[i].Kind, To: mail.Address{Email: msgs[i].To}, Payload: outbox.Payload{Booking: &snap}})
		if err != nil {
			t.Fatal(err)
		}
		ics := string(m.Calendar)
		if !strings.Contains(ics, want+"\r\n") || !strings.Contains(ics, "UID:"+snap.UID+"@training.example.org\r\n") ||
			!strings.Contains(ics, fmt.Sprintf("SEQUENCE:%d\r\n", snap.Sequence)) {
			t.Errorf("%s calendar:\n%s", msgs[i].Kind, ics)
		}
	}
	if m, _ := r.Render(outbox.Envelope{Kind: booking.SubstitutionOut, Payload: outbox.Payload{Booking: &out}}); !strings.Contains(m.Text, "You have given your place to "+colleague.Name) {
		t.Errorf("substitution_out text:\n%s", m.Text)
	}

	// The colleague now holds an ordinary place: they can cancel it, and it is not late
	// (they had it only after the cut-off).
	c, err := f.Svc.Cancel(ctx, booking.CancelRequest{BookingID: res.Colleague.ID, ActorID: colleague.ID})
	if err != nil || c.Status != booking.Cancelled {
		t.Fatalf("colleague cancels: %v %s", err, c.Status)
	}
}

func TestSubstituteRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sessionID := f.session(t, 2)
	holder, other, waiter, colleague := f.person(t), f.person(t), f.person(t), f.person(t)
	elsewhere := f.Org(t, "Avon Police", account.Police)
	outsider := f.User(t, "outsider@police.example.org", elsewhere.ID, account.Practitioner)
	disabled := f.person(t)
	if err := f.Accounts.SetActive(ctx, disabled.ID, false); err != nil {
		t.Fatal(err)
	}
	held := f.book(t, sessionID, holder)
	f.book(t, sessionID, other)
	waiting := f.book(t, sessionID, waiter)
	cancelledSession := f.session(t, 3)
	gone := f.cancel(t, f.book(t, cancelledSession, holder))

	approvalCourse, err := f.Courses.CreateCourse(ctx, course.CourseInput{Title: "Needs approval", DurationMinutes: 60,
		Status: course.Published, ManagerApproval: true})
	if err != nil {
		t.Fatal(err)
	}
	approved := f.book(t, f.Session(t, approvalCourse, 7*24*time.Hour, 3), holder) // booked by other means
	heldSession := f.session(t, 3)
	var heldID int64
	if err := f.DB.Write(ctx, func(tx *sql.Tx) error {
		var err error
		heldID, err = booking.HoldTx(ctx, tx, heldSession, holder.ID, holder.ID, f.Clock.Now())
		return err
	}); err != nil || heldID == 0 {
		t.Fatalf("hold: %d %v", heldID, err)
	}
	soon := f.Session(t, f.Course, time.Hour, 3)
	started := f.book(t, soon, holder)

	const sameWords = "Enter the email address of a colleague in the same organisation who has an account"
	cases := []struct {
		name    string
		booking int64
		actor   int64
		email   string
		want    error
		status  int
		field   string
	}{
		{"empty address", held.ID, holder.ID, " ", nil, http.StatusUnprocessableEntity, "Enter your colleague's email address"},
		{"not an address", held.ID, holder.ID, "bea at example", nil, http.StatusUnprocessableEntity, "Enter an email address in the correct format, like name@example.org"},
		{"unknown address", held.ID, holder.ID, "nobody@example.org", nil, http.StatusUnprocessableEntity, sameWords},
		{"another organisation", held.ID, holder.ID, outsider.Email, nil, http.StatusUnprocessableEntity, sameWords},
		{"disabled account", held.ID, holder.ID, disabled.Email, nil, http.StatusUnprocessableEntity, sameWords},
		{"themselves", held.ID, holder.ID, holder.Email, nil, http.StatusUnprocessableEntity, "Enter a colleague's email address, not the address of the person who has the place"},
		{"colleague already booked", held.ID, holder.ID, other.Email, booking.ErrColleagueBooked, http.StatusConflict, ""},
		{"colleague waitlisted", held.ID, holder.ID, waiter.Email, booking.ErrColleagueBooked, http.StatusConflict, ""},
		{"a waiting-list position", waiting.ID, waiter.ID, colleague.Email, booking.ErrSubstituteNotConfirmed, http.StatusUnprocessableEntity, ""},
		{"someone else's booking", held.ID, other.ID, colleague.Email, booking.ErrNotYours, http.StatusNotFound, ""},
		{"a cancelled booking", gone.ID, holder.ID, colleague.Email, booking.ErrAlreadyCancelled, http.StatusConflict, ""},
		{"a course needing approval", approved.ID, holder.ID, colleague.Email, booking.ErrSubstituteApproval, http.StatusUnprocessableEntity, ""},
		{"a place held for approval", heldID, holder.ID, colleague.Email, booking.ErrSubstituteHeld, http.StatusUnprocessableEntity, ""},
		{"no such booking", 99999, holder.ID, colleague.Email, booking.ErrBookingNotFound, http.StatusNotFound, ""},
	}
	f.Clock.Advance(2 * time.Hour) // the "soon" session has started
	cases = append(cases, struct {
		name    string
		booking int64
		actor   int64
		email   string
		want    error
		status  int
		field   string
	}{"after the start", started.ID, holder.ID, colleague.Email, booking.ErrSubstituteTooLate, http.StatusUnprocessableEntity, ""})

	before := f.state(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Svc.Substitute(ctx, booking.SubstituteRequest{BookingID: tc.booking, ColleagueEmail: tc.email, ActorID: tc.actor})
			if err == nil {
				t.Fatal("substituted")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			pe, unexpected := problem.From(err)
			if unexpected || pe.Status != tc.status {
				t.Fatalf("err = %v: status %d, want %d", err, pe.Status, tc.status)
			}
			if tc.field != "" && pe.Fields["user_email"] != tc.field {
				t.Fatalf("field error = %q, want %q", pe.Fields["user_email"], tc.field)
			}
			if after := f.state(t); after != before {
				t.Fatalf("a refused substitution changed something:\n before %s\n after  %s", before, after)
			}
		})
	}

	// An admin may hand on anyone's place, within the holder's organisation.
	res, err := f.Svc.Substitute(ctx, booking.SubstituteRequest{BookingID: held.ID, ColleagueEmail: colleague.Email, ActorID: f.admin.ID, AnyBooking: true})
	if err != nil {
		t.Fatal(err)
	}
	msgs := f.outboxAfter(t, 0)
	last := msgs[len(msgs)-1]
	if last.Kind != booking.SubstitutionIn || !last.Snap.ByOrganiser || res.Colleague.UserID != colleague.ID {
		t.Fatalf("admin substitution: %+v", last)
	}
}

// TestSubstituteConcurrently: two hand-overs of one place at once: exactly one wins.
func TestSubstituteConcurrently(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sessionID := f.session(t, 1)
	holder, a, b := f.person(t), f.person(t), f.person(t)
	orig := f.book(t, sessionID, holder)
	errs := make(chan error, 2)
	for _, u := range []*account.User{a, b} {
		go func() {
			_, err := f.Svc.Substitute(ctx, booking.SubstituteRequest{BookingID: orig.ID, ColleagueEmail: u.Email, ActorID: holder.ID})
			errs <- err
		}()
	}
	var ok, refused int
	for range 2 {
		switch err := <-errs; {
		case err == nil:
			ok++
		case errors.Is(err, booking.ErrAlreadyCancelled):
			refused++
		default:
			t.Fatalf("unexpected: %v", err)
		}
	}
	if ok != 1 || refused != 1 {
		t.Fatalf("%d succeeded, %d refused", ok, refused)
	}
	s, _ := f.Courses.Session(ctx, sessionID)
	if s.Confirmed != 1 {
		t.Fatalf("confirmed = %d", s.Confirmed)
	}
}
