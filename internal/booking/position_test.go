package booking_test

import (
	"context"
	"testing"
)

// TestWaitlistPositionsAtTheSameInstant: people who join a waiting list at the same
// recorded instant are ordered by booking number, and every reader agrees on the
// positions: the booking answer, a person's list and the session's list.
func TestWaitlistPositionsAtTheSameInstant(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sid := f.session(t, 1)
	people := f.people(t, 4)
	f.book(t, sid, people[0])
	var waiting []int64
	for i, p := range people[1:] {
		b := f.book(t, sid, p) // the fixture's clock stands still: one instant for all
		if b.WaitlistPosition != i+1 {
			t.Fatalf("booking %d joined the list at position %d, want %d", b.ID, b.WaitlistPosition, i+1)
		}
		waiting = append(waiting, b.ID)
	}
	var instants int
	if err := f.DB.R.QueryRow(`SELECT count(DISTINCT waitlisted_at) FROM bookings WHERE session_id = ? AND status = 'waitlisted'`, sid).Scan(&instants); err != nil || instants != 1 {
		t.Fatalf("the waiting list holds %d distinct instants (%v); the test needs one", instants, err)
	}
	positions := func() map[int64]int {
		t.Helper()
		list, err := f.Svc.ForSession(ctx, sid)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]int{}
		for _, e := range list {
			out[e.ID] = e.WaitlistPosition
		}
		for _, p := range people[1:] {
			mine, err := f.Svc.ForUser(ctx, p.ID)
			if err != nil || len(mine) != 1 {
				t.Fatalf("ForUser(%d): %v, %d entries", p.ID, err, len(mine))
			}
			if got := out[mine[0].ID]; got != mine[0].WaitlistPosition {
				t.Errorf("booking %d: the session's list says %d, the person's says %d", mine[0].ID, got, mine[0].WaitlistPosition)
			}
		}
		return out
	}
	got := positions()
	for i, id := range waiting {
		if got[id] != i+1 {
			t.Errorf("booking %d at position %d, want %d", id, got[id], i+1)
		}
	}
	// The first in the queue leaves: the others move up, in the same order.
	first, err := f.Svc.Entry(ctx, waiting[0])
	if err != nil {
		t.Fatal(err)
	}
	f.cancel(t, first.Booking)
	got = positions()
	if got[waiting[1]] != 1 || got[waiting[2]] != 2 {
		t.Errorf("after the first left: positions %d and %d, want 1 and 2", got[waiting[1]], got[waiting[2]])
	}
}
