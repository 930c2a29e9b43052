package attendance_test

import (
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/store"
)

func TestSetMarkRefusals(t *testing.T) {
	cases := []struct {
		name string
		// setup returns the booking to mark; it may move the clock.
		setup func(t *testing.T, r *rig, sessionID int64, start time.Time) int64
		mark  attendance.Mark
		check func(err error) bool
	}{
		{
			name: "before the session starts",
			setup: func(t *testing.T, r *rig, sessionID int64, start time.Time) int64 {
				b := r.book(t, sessionID, r.person(t))
				r.Clock.Set(start.Add(-time.Second))
				return b.ID
			},
			mark:  attendance.Attended,
			check: func(err error) bool { return isProblem(err, attendance.ErrNotStarted) },
		},
		{
			name: "a week before the session",
			setup: func(t *testing.T, r *rig, sessionID int64, start time.Time) int64 {
				return r.book(t, sessionID, r.person(t)).ID
			},
			mark:  attendance.Absent,
			check: func(err error) bool { return isProblem(err, attendance.ErrNotStarted) },
		},
		{
			name: "on a cancelled session",
			setup: func(t *testing.T, r *rig, sessionID int64, start time.Time) int64 {
				b := r.book(t, sessionID, r.person(t))
				r.Clock.Set(start.Add(-time.Hour)) // cancelled before it began
				if err := r.Courses.CancelSession(ctx, sessionID, "Trainer ill", r.Admin.ID); err != nil {
					t.Fatal(err)
				}
				r.Clock.Set(start.Add(time.Minute))
				return b.ID
			},
			mark: attendance.Attended,
			// Cancelling a session cancels its bookings, so the person is no longer on a
			// register either; both refusals are right.
			check: func(err error) bool {
				return isProblem(err, attendance.ErrSessionCancelled) || isProblem(err, attendance.ErrNotOnRegister)
			},
		},
		{
			name: "a waitlisted booking",
			setup: func(t *testing.T, r *rig, sessionID int64, start time.Time) int64 {
				r.book(t, sessionID, r.person(t))
				b := r.book(t, sessionID, r.person(t))
				if b.Status != booking.Waitlisted {
					t.Fatalf("second booking is %s, want waitlisted", b.Status)
				}
				r.Clock.Set(start)
				return b.ID
			},
			mark:  attendance.Attended,
			check: func(err error) bool { return isProblem(err, attendance.ErrNotOnRegister) },
		},
		{
			name: "a cancelled booking",
			setup: func(t *testing.T, r *rig, sessionID int64, start time.Time) int64 {
				u := r.person(t)
				b := r.book(t, sessionID, u)
				if _, err := r.Bookings.Cancel(ctx, booking.CancelRequest{BookingID: b.ID, ActorID: u.ID}); err != nil {
					t.Fatal(err)
				}
				r.Clock.Set(start)
				return b.ID
			},
			mark:  attendance.Absent,
			check: func(err error) bool { return isProblem(err, attendance.ErrNotOnRegister) },
		},
		{
			name: "a booking that does not exist",
			setup: func(t *testing.T, r *rig, sessionID int64, start time.Time) int64 {
				r.Clock.Set(start)
				return 999999
			},
			mark:  attendance.Attended,
			check: func(err error) bool { return isProblem(err, attendance.ErrNotOnRegister) },
		},
		{
			name: "a mark that is not one of the three",
			setup: func(t *testing.T, r *rig, sessionID int64, start time.Time) int64 {
				b := r.book(t, sessionID, r.person(t))
				r.Clock.Set(start)
				return b.ID
			},
			mark:  "present",
			check: func(err error) bool { return isProblem(err, attendance.ErrBadMark) },
		},
		{
			name: "an empty mark",
			setup: func(t *testing.T, r *rig, sessionID int64, start time.Time) int64 {
				b := r.book(t, sessionID, r.person(t))
				r.Clock.Set(start)
				return b.ID
			},
			mark:  "",
			check: func(err error) bool { return isProblem(err, attendance.ErrBadMark) },
		},
		{
			name: "a mark in the wrong case",
			setup: func(t *testing.T, r *rig, sessionID int64, start time.Time) int64 {
				b := r.book(t, sessionID, r.person(t))
				r.Clock.Set(start)
				return b.ID
			},
			mark:  "Attended",
			check: func(err error) bool { return isProblem(err, attendance.ErrBadMark) },
		},
		{
			name: "a submitted register",
			setup: func(t *testing.T, r *rig, sessionID int64, start time.Time) int64 {
				b := r.book(t, sessionID, r.person(t))
				r.Clock.Set(start)
				r.mark(t, b.ID, attendance.Attended)
				r.submit(t, sessionID)
				return b.ID
			},
			mark:  attendance.Absent,
			check: func(err error) bool { return isProblem(err, attendance.ErrRegisterLocked) },
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			sessionID, start := r.session(t, 1) // one place: the second person waits
			bookingID := tc.setup(t, r, sessionID, start)
			before := r.count(t, `SELECT (SELECT count(*) FROM booking_history) + (SELECT count(*) FROM attendance_history)`)
			var was attendance.Mark
			if bookingID != 999999 {
				was = r.attendanceOf(t, bookingID)
			}
			err := r.Svc.SetMark(ctx, bookingID, tc.mark, r.Trainer.ID)
			if !tc.check(err) {
				t.Fatalf("SetMark: err = %v", err)
			}
			if after := r.count(t, `SELECT (SELECT count(*) FROM booking_history) + (SELECT count(*) FROM attendance_history)`); after != before {
				t.Errorf("the histories grew from %d to %d rows on a refused mark", before, after)
			}
			if bookingID != 999999 {
				if got := r.attendanceOf(t, bookingID); got != was {
					t.Errorf("attendance changed from %q to %q on a refused mark", was, got)
				}
			}
		})
	}
}

func TestBadMarkCarriesAFieldError(t *testing.T) {
	r := newRig(t)
	sessionID, start := r.session(t, 5)
	b := r.book(t, sessionID, r.person(t))
	r.Clock.Set(start)
	err := r.Svc.SetMark(ctx, b.ID, "late", r.Trainer.ID)
	if f := fields(t, err); f["status"] == "" {
		t.Errorf("fields = %v, want a status message", f)
	}
}

func TestSetMarkHistory(t *testing.T) {
	r := newRig(t)
	sessionID, start := r.session(t, 5)
	b := r.book(t, sessionID, r.person(t))
	r.Clock.Set(start) // allowed from the very start

	type row struct {
		from  sql.NullString
		to    string
		actor int64
	}
	steps := []struct {
		mark    attendance.Mark
		written bool // a history row is expected
		from    string
	}{
		{attendance.Attended, true, ""},
		{attendance.Attended, false, ""}, // the same mark again writes nothing
		{attendance.Partial, true, "attended"},
		{attendance.Absent, true, "partial"},
		{attendance.Absent, false, ""},
		{attendance.Attended, true, "absent"},
	}
	want := 0
	for i, step := range steps {
		r.Clock.Advance(time.Minute)
		r.mark(t, b.ID, step.mark)
		if step.written {
			want++
		}
		if got := r.markHistory(t, b.ID); got != want {
			t.Fatalf("step %d (%s): %d attendance history rows, want %d", i, step.mark, got, want)
		}
		if got := r.attendanceOf(t, b.ID); got != step.mark {
			t.Fatalf("step %d: attendance = %q, want %q", i, got, step.mark)
		}
		if !step.written {
			continue
		}
		var h row
		var at string
		if err := r.DB.R.QueryRowContext(ctx, `SELECT from_mark, to_mark, COALESCE(actor_id, 0), at FROM attendance_history
			WHERE booking_id = ? ORDER BY id DESC LIMIT 1`, b.ID).
			Scan(&h.from, &h.to, &h.actor, &at); err != nil {
			t.Fatal(err)
		}
		if step.from == "" && h.from.Valid {
			t.Errorf("step %d: from = %q, want NULL for a first mark", i, h.from.String)
		}
		if step.from != "" && h.from.String != step.from {
			t.Errorf("step %d: from = %q, want %q", i, h.from.String, step.from)
		}
		if h.to != string(step.mark) || h.actor != r.Trainer.ID {
			t.Errorf("step %d: history to=%q actor=%d, want to=%q actor=%d", i, h.to, h.actor, step.mark, r.Trainer.ID)
		}
		if at != store.FormatTime(r.Clock.Now()) {
			t.Errorf("step %d: history at %s, want %s", i, at, store.FormatTime(r.Clock.Now()))
		}
	}
	reg := r.register(t, sessionID)
	if len(reg.Entries) != 1 || reg.Entries[0].Mark != attendance.Attended || reg.Unmarked() != 0 {
		t.Errorf("register = %+v", reg.Entries)
	}
}

func TestMarkEveryoneAttended(t *testing.T) {
	r := newRig(t)
	sessionID, start := r.session(t, 5)
	var bs []booking.Booking
	for range 5 {
		bs = append(bs, r.book(t, sessionID, r.person(t)))
	}
	waiting := r.book(t, sessionID, r.person(t))
	if waiting.Status != booking.Waitlisted {
		t.Fatalf("sixth booking is %s, want waitlisted", waiting.Status)
	}
	r.Clock.Set(start.Add(10 * time.Minute))
	r.mark(t, bs[0].ID, attendance.Absent)
	r.mark(t, bs[1].ID, attendance.Partial)

	n, err := r.Svc.MarkEveryoneAttended(ctx, sessionID, r.Trainer.ID)
	if err != nil || n != 3 {
		t.Fatalf("MarkEveryoneAttended = %d, %v; want 3", n, err)
	}
	wantMarks := []attendance.Mark{attendance.Absent, attendance.Partial, attendance.Attended, attendance.Attended, attendance.Attended}
	for i, b := range bs {
		if got := r.attendanceOf(t, b.ID); got != wantMarks[i] {
			t.Errorf("booking %d: %q, want %q", i, got, wantMarks[i])
		}
		if got := r.markHistory(t, b.ID); got != 1 {
			t.Errorf("booking %d: %d attendance history rows, want 1", i, got)
		}
	}
	if got := r.attendanceOf(t, waiting.ID); got != "" {
		t.Errorf("waitlisted booking marked %q", got)
	}
	reg := r.register(t, sessionID)
	if reg.Unmarked() != 0 || reg.Count(attendance.Attended) != 3 || reg.Count(attendance.Partial) != 1 ||
		reg.Count(attendance.Absent) != 1 || len(reg.Entries) != 5 {
		t.Errorf("register counts: unmarked %d attended %d partial %d absent %d of %d", reg.Unmarked(),
			reg.Count(attendance.Attended), reg.Count(attendance.Partial), reg.Count(attendance.Absent), len(reg.Entries))
	}

	// Again: nobody left to mark, nothing written.
	before := r.count(t, `SELECT (SELECT count(*) FROM booking_history) + (SELECT count(*) FROM attendance_history)`)
	if n, err := r.Svc.MarkEveryoneAttended(ctx, sessionID, r.Trainer.ID); err != nil || n != 0 {
		t.Fatalf("second MarkEveryoneAttended = %d, %v; want 0", n, err)
	}
	if after := r.count(t, `SELECT (SELECT count(*) FROM booking_history) + (SELECT count(*) FROM attendance_history)`); after != before {
		t.Errorf("history grew from %d to %d", before, after)
	}
}

func TestMarkEveryoneAttendedRefusals(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, r *rig, sessionID int64, start time.Time) int64
		want  func(err error) bool
	}{
		{"before the start", func(t *testing.T, r *rig, id int64, start time.Time) int64 {
			r.Clock.Set(start.Add(-time.Minute))
			return id
		}, func(err error) bool { return isProblem(err, attendance.ErrNotStarted) }},
		{"unknown session", func(t *testing.T, r *rig, id int64, start time.Time) int64 {
			r.Clock.Set(start)
			return id + 1000
		}, func(err error) bool { return errors.Is(err, store.ErrNotFound) }},
		{"cancelled session", func(t *testing.T, r *rig, id int64, start time.Time) int64 {
			if err := r.Courses.CancelSession(ctx, id, "", r.Admin.ID); err != nil {
				t.Fatal(err)
			}
			r.Clock.Set(start)
			return id
		}, func(err error) bool { return isProblem(err, attendance.ErrSessionCancelled) }},
		{"submitted register", func(t *testing.T, r *rig, id int64, start time.Time) int64 {
			r.Clock.Set(start)
			if _, err := r.Svc.MarkEveryoneAttended(ctx, id, r.Trainer.ID); err != nil {
				t.Fatal(err)
			}
			r.submit(t, id)
			return id
		}, func(err error) bool { return isProblem(err, attendance.ErrRegisterLocked) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			sessionID, start := r.session(t, 5)
			r.book(t, sessionID, r.person(t))
			id := tc.setup(t, r, sessionID, start)
			before := r.count(t, `SELECT count(*) FROM bookings WHERE attendance IS NOT NULL`)
			n, err := r.Svc.MarkEveryoneAttended(ctx, id, r.Trainer.ID)
			if !tc.want(err) || n != 0 {
				t.Fatalf("MarkEveryoneAttended = %d, %v", n, err)
			}
			if after := r.count(t, `SELECT count(*) FROM bookings WHERE attendance IS NOT NULL`); after != before {
				t.Errorf("marks changed from %d to %d", before, after)
			}
		})
	}
}

func TestMarkLabels(t *testing.T) {
	for _, tc := range []struct {
		m     attendance.Mark
		valid bool
		label string
	}{
		{attendance.Attended, true, "Attended"},
		{attendance.Partial, true, "Partly attended"},
		{attendance.Absent, true, "Did not attend"},
		{"", false, "Not marked"},
		{"late", false, "Not marked"},
	} {
		if tc.m.Valid() != tc.valid || tc.m.Label() != tc.label {
			t.Errorf("%q: Valid %v Label %q", tc.m, tc.m.Valid(), tc.m.Label())
		}
	}
}

// TestSetMarksIsAllOrNothing: a batch that includes someone from another session saves
// nothing at all; a clean batch saves every change and counts them.
func TestSetMarksIsAllOrNothing(t *testing.T) {
	r := newRig(t)
	sid, start := r.session(t, 5)
	other, _ := r.session(t, 5)
	a, b := r.book(t, sid, r.person(t)), r.book(t, sid, r.person(t))
	stranger := r.book(t, other, r.person(t))
	r.Clock.Set(start.Add(time.Hour))

	_, err := r.Svc.SetMarks(ctx, sid, map[int64]attendance.Mark{a.ID: attendance.Attended, stranger.ID: attendance.Absent}, r.Trainer.ID)
	wantProblem(t, err, attendance.ErrNotOnRegister)
	if got := r.attendanceOf(t, a.ID); got != "" {
		t.Fatalf("a refused batch saved %q for a", got)
	}
	n, err := r.Svc.SetMarks(ctx, sid, map[int64]attendance.Mark{a.ID: attendance.Attended, b.ID: attendance.Partial}, r.Trainer.ID)
	if err != nil || n != 2 {
		t.Fatalf("SetMarks = %d, %v; want 2 changes", n, err)
	}
	if n, _ := r.Svc.SetMarks(ctx, sid, map[int64]attendance.Mark{a.ID: attendance.Attended}, r.Trainer.ID); n != 0 {
		t.Fatalf("an unchanged mark counted as %d changes", n)
	}
}

// TestDisabledAccountsCannotBeWalkIns: a disabled account is not quietly revived.
func TestDisabledAccountsCannotBeWalkIns(t *testing.T) {
	r := newRig(t)
	sid, start := r.session(t, 5)
	p := r.person(t)
	if err := r.Accounts.SetActive(ctx, p.ID, false); err != nil {
		t.Fatal(err)
	}
	r.Clock.Set(start.Add(time.Hour))
	_, err := r.Svc.AddWalkIn(ctx, attendance.WalkIn{SessionID: sid, Email: p.Email, ActorID: r.Trainer.ID})
	if f := fields(t, err); f["email"] == "" {
		t.Fatalf("err = %v, want a message on email", err)
	}
}
