package outbox_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/outbox"
)

func TestParseLeads(t *testing.T) {
	got, err := outbox.ParseLeads("1d, 3d,2h,3d")
	if err != nil {
		t.Fatal(err)
	}
	want := []outbox.Lead{{Days: 3}, {Days: 1}, {Hours: 2}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	for _, bad := range []string{"3", "d", "3w", "-1d", "0h", "99d", "x1d"} {
		if _, err := outbox.ParseLeads(bad); err == nil {
			t.Errorf("ParseLeads(%q) accepted", bad)
		}
	}
}

// TestRemindersAcrossClockChanges: "1 day before" a 10:00 session is 10:00 London the day
// before, and "3 days before" 10:00 London three days before, even when the clocks change
// in between (the last Sundays of March and October 2027: 28 March and 31 October).
func TestRemindersAcrossClockChanges(t *testing.T) {
	cases := []struct {
		name              string
		start             time.Time // 10:00 London on the Monday after the change
		threeDays, oneDay time.Time // the reminder moments in UTC
	}{
		{"spring forward", london(2027, 3, 29, 10), time.Date(2027, 3, 26, 10, 0, 0, 0, time.UTC), time.Date(2027, 3, 28, 9, 0, 0, 0, time.UTC)},
		{"fall back", london(2027, 11, 1, 10), time.Date(2027, 10, 29, 9, 0, 0, 0, time.UTC), time.Date(2027, 10, 31, 10, 0, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			r.env.Clock.Set(tc.start.AddDate(0, 0, -10))
			ctx := context.Background()
			sid, err := r.env.Courses.CreateSession(ctx, course.SessionInput{CourseID: r.courseID, StartsAt: tc.start,
				EndsAt: tc.start.Add(3 * time.Hour), Venue: "Guildhall, Bath", Capacity: 10})
			if err != nil {
				t.Fatal(err)
			}
			b := r.book(t, sid, r.person(t, "p@example.org"))
			rem := &outbox.Reminders{DB: r.env.DB, Leads: outbox.DefaultLeads, Now: r.env.Clock.Now}
			step := func(at time.Time, want int) {
				t.Helper()
				r.env.Clock.Set(at)
				n, err := rem.Queue(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n != want {
					t.Fatalf("at %v: queued %d reminders, want %d", at, n, want)
				}
			}
			step(tc.threeDays.Add(-time.Second), 0)
			step(tc.threeDays, 1)
			step(tc.threeDays.Add(time.Hour), 0) // once only
			step(tc.oneDay.Add(-time.Second), 0)
			step(tc.oneDay, 1)
			step(tc.start.Add(-time.Minute), 0)

			leads := reminderLeads(t, r, b.ID)
			if len(leads) != 2 || leads[0] != "3 days" || leads[1] != "1 day" {
				t.Fatalf("reminders queued with leads %v, want [3 days 1 day]", leads)
			}
		})
	}
}

// TestLateBookingSkipsPassedReminders: booked two days before, the person gets the 1-day
// reminder only; and a server that was down past both moments sends just the nearer one.
func TestLateBookingSkipsPassedReminders(t *testing.T) {
	r := newRig(t)
	start := london(2026, 12, 10, 9)
	r.env.Clock.Set(start.Add(-48 * time.Hour))
	sid := r.session(t, 48*time.Hour, 10)
	b := r.book(t, sid, r.person(t, "late@example.org"))
	rem := &outbox.Reminders{DB: r.env.DB, Leads: outbox.DefaultLeads, Now: r.env.Clock.Now}
	if n, _ := rem.Queue(context.Background()); n != 0 {
		t.Fatalf("queued %d reminders for the 3-day moment that passed before booking", n)
	}
	r.env.Clock.Set(start.Add(-2 * time.Hour)) // the server was down at the 1-day moment
	if n, err := rem.Queue(context.Background()); n != 1 || err != nil {
		t.Fatalf("queued %d (%v), want the 1-day reminder once", n, err)
	}
	if leads := reminderLeads(t, r, b.ID); len(leads) != 1 || leads[0] != "1 day" {
		t.Fatalf("leads %v", leads)
	}
}

func london(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, clock.London).UTC()
}

func reminderLeads(t *testing.T, r *rig, bookingID int64) []string {
	t.Helper()
	rows, err := r.env.DB.R.Query(`SELECT payload FROM outbox WHERE kind = 'reminder' AND booking_id = ? ORDER BY id`, bookingID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var raw string
		var p outbox.Payload
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Booking.Lead)
	}
	return out
}
