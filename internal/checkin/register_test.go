package checkin_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/attendance"
)

func TestMarkCheckedInAttendedLeavesTheRestToTheTrainer(t *testing.T) {
	r := newRig(t)
	// Room for four: A checks in, B checks in but the trainer marked them as leaving
	// early, C does not check in.
	id, err := r.Courses.CreateSession(ctx, courseInput(r, 4))
	if err != nil {
		t.Fatal(err)
	}
	a, ab := r.booked(t, id)
	b, bb := r.booked(t, id)
	_, cb := r.booked(t, id)
	r.opened()
	for _, u := range []int64{a.ID, b.ID} {
		if _, err := r.Svc.CheckIn(ctx, id, u, r.code(t, id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Att.SetMark(ctx, bb.ID, attendance.Partial, r.Trainer.ID); err != nil {
		t.Fatal(err)
	}
	n, err := r.Svc.MarkCheckedInAttended(ctx, id, r.Trainer.ID)
	if err != nil || n != 1 {
		t.Fatalf("marked %d (%v), want 1", n, err)
	}
	for bookingID, want := range map[int64]string{ab.ID: "attended", bb.ID: "partial", cb.ID: ""} {
		if got := markOf(t, r, bookingID); got != want {
			t.Errorf("booking %d is %q, want %q", bookingID, got, want)
		}
	}
	// Again: nothing left to do.
	if n, err := r.Svc.MarkCheckedInAttended(ctx, id, r.Trainer.ID); err != nil || n != 0 {
		t.Fatalf("second time marked %d (%v), want 0", n, err)
	}
	var history int
	if err := r.DB.R.QueryRow(`SELECT count(*) FROM attendance_history WHERE booking_id = ?`, ab.ID).Scan(&history); err != nil || history != 1 {
		t.Fatalf("%d attendance history rows for A (%v), want 1", history, err)
	}
}

func TestMarkCheckedInAttendedKeepsTheRegisterRules(t *testing.T) {
	r := newRig(t)
	u, b := r.booked(t, r.Session)
	r.Clock.Set(r.Starts.Add(-10 * time.Minute))
	if _, err := r.Svc.CheckIn(ctx, r.Session, u.ID, r.code(t, r.Session)); err != nil {
		t.Fatal(err)
	}
	// Checked in before the start: the register cannot be marked yet.
	_, err := r.Svc.MarkCheckedInAttended(ctx, r.Session, r.Trainer.ID)
	wantProblem(t, err, attendance.ErrNotStarted)
	r.opened()
	if err := r.Att.SetMark(ctx, b.ID, attendance.Absent, r.Trainer.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Att.Submit(ctx, r.Session, r.Trainer.ID); err != nil {
		t.Fatal(err)
	}
	_, err = r.Svc.MarkCheckedInAttended(ctx, r.Session, r.Trainer.ID)
	wantProblem(t, err, attendance.ErrRegisterLocked)
	if got := markOf(t, r, b.ID); got != "absent" {
		t.Fatalf("a submitted register changed: %q", got)
	}
}

func markOf(t *testing.T, r *rig, bookingID int64) string {
	t.Helper()
	var m sql.NullString
	if err := r.DB.R.QueryRow(`SELECT attendance FROM bookings WHERE id = ?`, bookingID).Scan(&m); err != nil {
		t.Fatal(err)
	}
	return m.String
}
