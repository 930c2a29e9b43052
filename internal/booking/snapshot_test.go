package booking_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/outbox"
)

// TestBookingEmailSaysWhatTheDatabaseSays: a new booking's email is built from what the
// booking transaction read while deciding, not read again; it must say exactly what a
// fresh read of the booking says (place or position, session, course, person, calendar
// UID, who made it), for a place, a waiting-list place and a booking made by an admin.
func TestBookingEmailSaysWhatTheDatabaseSays(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sid := f.session(t, 1)
	people := f.people(t, 3)
	made := []struct {
		name   string
		byAdmn bool
		b      booking.Booking
	}{
		{"a place", false, f.book(t, sid, people[0])},
		{"a waiting-list place", false, f.book(t, sid, people[1])},
	}
	res, err := f.Svc.Book(ctx, booking.Request{SessionID: sid, UserID: people[2].ID, ActorID: f.admin.ID})
	if err != nil {
		t.Fatal(err)
	}
	made = append(made, struct {
		name   string
		byAdmn bool
		b      booking.Booking
	}{"an admin's booking for someone (second on the list)", true, res.Booking})

	for _, m := range made {
		var payload []byte
		var userID int64
		var to string
		if err := f.DB.R.QueryRow(`SELECT payload, user_id, recipient_email FROM outbox WHERE booking_id = ?`, m.b.ID).
			Scan(&payload, &userID, &to); err != nil {
			t.Fatalf("%s: its email: %v", m.name, err)
		}
		var queued outbox.Payload
		if err := json.Unmarshal(payload, &queued); err != nil || queued.Booking == nil {
			t.Fatalf("%s: payload %s: %v", m.name, payload, err)
		}
		var fresh outbox.BookingSnapshot
		var owner int64
		err := f.DB.Write(ctx, func(tx *sql.Tx) error {
			var err error
			fresh, owner, err = outbox.ReadBookingSnapshotTx(ctx, tx, m.b.ID, outbox.Options{ByOrganiser: m.byAdmn})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		fresh.Stamp = queued.Booking.Stamp
		want, _ := json.Marshal(fresh)
		got, _ := json.Marshal(queued.Booking)
		if string(got) != string(want) {
			t.Errorf("%s: the email says\n%s\nthe database says\n%s", m.name, got, want)
		}
		if userID != owner || to != fresh.PersonEmail {
			t.Errorf("%s: queued for user %d at %s, the booking is user %d's at %s", m.name, userID, to, owner, fresh.PersonEmail)
		}
		if queued.Booking.WaitlistPosition != m.b.WaitlistPosition {
			t.Errorf("%s: the email says position %d, the answer %d", m.name, queued.Booking.WaitlistPosition, m.b.WaitlistPosition)
		}
	}
	if made[1].b.WaitlistPosition != 1 || made[2].b.WaitlistPosition != 2 {
		t.Errorf("positions %d and %d, want 1 and 2", made[1].b.WaitlistPosition, made[2].b.WaitlistPosition)
	}
}
