package attendance_test

import (
	"errors"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/store"
)

// walkInHistory lists a booking's history as "from>to:reason" lines, oldest first.
func (r *rig) walkInHistory(t *testing.T, bookingID int64) []string {
	t.Helper()
	rows, err := r.DB.R.QueryContext(ctx, `SELECT c.from_state, c.to_state, c.reason, c.actor
		FROM `+booking.HistorySQL(`b.id = ?`)+` ORDER BY `+booking.HistoryOrder, booking.HistoryArgs(bookingID)...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var from, to, reason string
		var actor int64
		if err := rows.Scan(&from, &to, &reason, &actor); err != nil {
			t.Fatal(err)
		}
		if reason == attendance.ReasonWalkIn || reason == attendance.ReasonMarked {
			if actor != r.Trainer.ID {
				t.Errorf("history %s>%s by actor %d, want the trainer %d", from, to, actor, r.Trainer.ID)
			}
		}
		out = append(out, from+">"+to+":"+reason)
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAddWalkIn(t *testing.T) {
	walkedIn := ">confirmed:" + attendance.ReasonWalkIn
	markedAttended := ">attended:" + attendance.ReasonMarked
	cases := []struct {
		name     string
		capacity int
		// setup books whoever needs booking and returns the walk-in to add.
		setup func(t *testing.T, r *rig, sessionID int64) attendance.WalkIn
		// wantSameBooking: the walk-in reuses this booking (from setup) rather than a new one.
		sameBooking func(t *testing.T, r *rig) int64
		history     []string
		newAccount  bool
	}{
		{
			name:     "existing account, no booking",
			capacity: 5,
			setup: func(t *testing.T, r *rig, sessionID int64) attendance.WalkIn {
				u := r.person(t)
				return attendance.WalkIn{SessionID: sessionID, Email: u.Email}
			},
			history: []string{walkedIn, markedAttended},
		},
		{
			name:     "existing account typed with capitals and spaces",
			capacity: 5,
			setup: func(t *testing.T, r *rig, sessionID int64) attendance.WalkIn {
				r.person(t)
				return attendance.WalkIn{SessionID: sessionID, Email: "  PERSON001@Example.ORG "}
			},
			history: []string{walkedIn, markedAttended},
		},
		{
			name:     "existing account that cancelled earlier",
			capacity: 5,
			setup: func(t *testing.T, r *rig, sessionID int64) attendance.WalkIn {
				u := r.person(t)
				b := r.book(t, sessionID, u)
				if _, err := r.Bookings.Cancel(ctx, booking.CancelRequest{BookingID: b.ID, ActorID: u.ID}); err != nil {
					t.Fatal(err)
				}
				return attendance.WalkIn{SessionID: sessionID, Email: u.Email}
			},
			history: []string{walkedIn, markedAttended},
		},
		{
			name:     "new person gets an account",
			capacity: 5,
			setup: func(t *testing.T, r *rig, sessionID int64) attendance.WalkIn {
				return attendance.WalkIn{SessionID: sessionID, Email: "Zoe.Lukasz@Example.org", Name: "Zoë Łukasz",
					JobTitle: "School nurse", OrganisationID: r.Org.ID}
			},
			history:    []string{walkedIn, markedAttended},
			newAccount: true,
		},
		{
			name:     "on a full session",
			capacity: 1,
			setup: func(t *testing.T, r *rig, sessionID int64) attendance.WalkIn {
				r.book(t, sessionID, r.person(t))
				u := r.person(t)
				return attendance.WalkIn{SessionID: sessionID, Email: u.Email}
			},
			history: []string{walkedIn, markedAttended},
		},
		{
			name:     "on the waiting list of a full session, and came anyway",
			capacity: 1,
			setup: func(t *testing.T, r *rig, sessionID int64) attendance.WalkIn {
				r.book(t, sessionID, r.person(t))
				u := r.person(t)
				if b := r.book(t, sessionID, u); b.Status != booking.Waitlisted {
					t.Fatalf("booking is %s, want waitlisted", b.Status)
				}
				return attendance.WalkIn{SessionID: sessionID, Email: u.Email}
			},
			sameBooking: func(t *testing.T, r *rig) int64 {
				return int64(r.count(t, `SELECT id FROM bookings WHERE status = 'waitlisted'`))
			},
			history: []string{">waitlisted:joined waiting list", "waitlisted>confirmed:" + attendance.ReasonWalkIn, markedAttended},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			sessionID, start := r.session(t, tc.capacity)
			w := tc.setup(t, r, sessionID)
			w.ActorID = r.Trainer.ID
			var reuse int64
			if tc.sameBooking != nil {
				reuse = tc.sameBooking(t, r)
			}
			users := r.count(t, `SELECT count(*) FROM users`)
			r.Clock.Set(start.Add(20 * time.Minute))
			confirmed := r.confirmedCount(t, sessionID)

			id, err := r.Svc.AddWalkIn(ctx, w)
			if err != nil {
				t.Fatalf("AddWalkIn: %v", err)
			}
			if reuse != 0 && id != reuse {
				t.Errorf("walk-in booking %d, want the waiting-list booking %d", id, reuse)
			}
			var status string
			var walkIn bool
			if err := r.DB.R.QueryRowContext(ctx, `SELECT status, walk_in FROM bookings WHERE id = ?`, id).Scan(&status, &walkIn); err != nil {
				t.Fatal(err)
			}
			if status != "confirmed" || !walkIn || r.attendanceOf(t, id) != attendance.Attended {
				t.Errorf("booking %d: status %s walk_in %v attendance %q", id, status, walkIn, r.attendanceOf(t, id))
			}
			if got := r.confirmedCount(t, sessionID); got != confirmed {
				t.Errorf("confirmed_count %d -> %d: walk-ins must not count against places", confirmed, got)
			}
			if got := r.walkInHistory(t, id); !equal(got, tc.history) {
				t.Errorf("history = %q, want %q", got, tc.history)
			}
			wantUsers := users
			if tc.newAccount {
				wantUsers++
			}
			if got := r.count(t, `SELECT count(*) FROM users`); got != wantUsers {
				t.Errorf("%d users, want %d", got, wantUsers)
			}

			u, err := r.Accounts.UserByEmail(ctx, w.Email)
			if err != nil {
				t.Fatal(err)
			}
			reg := r.register(t, sessionID)
			found := false
			for _, e := range reg.Entries {
				if e.BookingID == id {
					found = true
					if !e.WalkIn || e.Mark != attendance.Attended || e.UserID != u.ID || e.Organisation != r.Org.Name {
						t.Errorf("register entry %+v", e)
					}
				}
			}
			if !found {
				t.Errorf("walk-in %d not on the register %+v", id, reg.Entries)
			}
			if tc.newAccount {
				if u.Name != w.Name || u.JobTitle != w.JobTitle || u.OrganisationID != w.OrganisationID || !u.Active {
					t.Errorf("new account %+v", u)
				}
				if len(u.Roles) != 1 || u.Roles[0] != account.Practitioner {
					t.Errorf("new account roles %v, want practitioner only", u.Roles)
				}
				if n := r.count(t, `SELECT count(*) FROM users WHERE id = ? AND password_hash = ''`, u.ID); n != 1 {
					t.Errorf("new account has a password; it should have none until its owner sets one")
				}
			}
		})
	}
}

func TestWalkInsNeverCountAgainstPlaces(t *testing.T) {
	r := newRig(t)
	sessionID, start := r.session(t, 2)
	r.book(t, sessionID, r.person(t))
	r.Clock.Set(start)
	for range 3 { // more walk-ins than places
		u := r.person(t)
		if _, err := r.Svc.AddWalkIn(ctx, attendance.WalkIn{SessionID: sessionID, Email: u.Email, ActorID: r.Trainer.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if got := r.confirmedCount(t, sessionID); got != 1 {
		t.Errorf("confirmed_count = %d, want 1 (the booking only)", got)
	}
	reg := r.register(t, sessionID)
	walkIns := 0
	for _, e := range reg.Entries {
		if e.WalkIn {
			walkIns++
		}
	}
	if len(reg.Entries) != 4 || walkIns != 3 || reg.Unmarked() != 1 {
		t.Errorf("register: %d entries, %d walk-ins, %d unmarked; want 4, 3, 1", len(reg.Entries), walkIns, reg.Unmarked())
	}
}

func TestAddWalkInRefusals(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, r *rig, sessionID int64, start time.Time) attendance.WalkIn
		check func(t *testing.T, err error)
	}{
		{
			name: "already confirmed",
			setup: func(t *testing.T, r *rig, id int64, start time.Time) attendance.WalkIn {
				u := r.person(t)
				r.book(t, id, u)
				r.Clock.Set(start)
				return attendance.WalkIn{SessionID: id, Email: u.Email}
			},
			check: func(t *testing.T, err error) { wantProblem(t, err, attendance.ErrAlreadyOnRegister) },
		},
		{
			name: "already a walk-in",
			setup: func(t *testing.T, r *rig, id int64, start time.Time) attendance.WalkIn {
				u := r.person(t)
				r.Clock.Set(start)
				if _, err := r.Svc.AddWalkIn(ctx, attendance.WalkIn{SessionID: id, Email: u.Email, ActorID: r.Trainer.ID}); err != nil {
					t.Fatal(err)
				}
				return attendance.WalkIn{SessionID: id, Email: u.Email}
			},
			check: func(t *testing.T, err error) { wantProblem(t, err, attendance.ErrAlreadyOnRegister) },
		},
		{
			name: "new person without name or organisation",
			setup: func(t *testing.T, r *rig, id int64, start time.Time) attendance.WalkIn {
				r.Clock.Set(start)
				return attendance.WalkIn{SessionID: id, Email: "new.person@example.org"}
			},
			check: func(t *testing.T, err error) {
				f := fields(t, err)
				if f["name"] == "" || f["organisation_id"] == "" {
					t.Errorf("fields = %v, want name and organisation_id", f)
				}
			},
		},
		{
			name: "new person with an organisation that does not exist",
			setup: func(t *testing.T, r *rig, id int64, start time.Time) attendance.WalkIn {
				r.Clock.Set(start)
				return attendance.WalkIn{SessionID: id, Email: "new.person@example.org", Name: "New Person", OrganisationID: 9999}
			},
			check: func(t *testing.T, err error) {
				if f := fields(t, err); f["organisation_id"] == "" {
					t.Errorf("fields = %v, want organisation_id", f)
				}
			},
		},
		{
			name: "email that is not an email",
			setup: func(t *testing.T, r *rig, id int64, start time.Time) attendance.WalkIn {
				r.Clock.Set(start)
				return attendance.WalkIn{SessionID: id, Email: "not an email", Name: "New Person", OrganisationID: r.Org.ID}
			},
			check: func(t *testing.T, err error) {
				if f := fields(t, err); f["email"] == "" {
					t.Errorf("fields = %v, want email", f)
				}
			},
		},
		{
			name: "before the session starts, new person",
			setup: func(t *testing.T, r *rig, id int64, start time.Time) attendance.WalkIn {
				r.Clock.Set(start.Add(-time.Second))
				return attendance.WalkIn{SessionID: id, Email: "new.person@example.org", Name: "New Person", OrganisationID: r.Org.ID}
			},
			check: func(t *testing.T, err error) { wantProblem(t, err, attendance.ErrNotStarted) },
		},
		{
			name: "submitted register, new person",
			setup: func(t *testing.T, r *rig, id int64, start time.Time) attendance.WalkIn {
				r.Clock.Set(start)
				r.submit(t, id) // nobody booked: nothing to mark
				return attendance.WalkIn{SessionID: id, Email: "new.person@example.org", Name: "New Person", OrganisationID: r.Org.ID}
			},
			check: func(t *testing.T, err error) { wantProblem(t, err, attendance.ErrRegisterLocked) },
		},
		{
			name: "submitted register, existing person",
			setup: func(t *testing.T, r *rig, id int64, start time.Time) attendance.WalkIn {
				u := r.person(t)
				r.Clock.Set(start)
				r.submit(t, id)
				return attendance.WalkIn{SessionID: id, Email: u.Email}
			},
			check: func(t *testing.T, err error) { wantProblem(t, err, attendance.ErrRegisterLocked) },
		},
		{
			name: "cancelled session, new person",
			setup: func(t *testing.T, r *rig, id int64, start time.Time) attendance.WalkIn {
				if err := r.Courses.CancelSession(ctx, id, "Venue flooded", r.Admin.ID); err != nil {
					t.Fatal(err)
				}
				r.Clock.Set(start)
				return attendance.WalkIn{SessionID: id, Email: "new.person@example.org", Name: "New Person", OrganisationID: r.Org.ID}
			},
			check: func(t *testing.T, err error) { wantProblem(t, err, attendance.ErrSessionCancelled) },
		},
		{
			name: "session that does not exist, new person",
			setup: func(t *testing.T, r *rig, id int64, start time.Time) attendance.WalkIn {
				r.Clock.Set(start)
				return attendance.WalkIn{SessionID: id + 1000, Email: "new.person@example.org", Name: "New Person", OrganisationID: r.Org.ID}
			},
			check: func(t *testing.T, err error) {
				if !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("err = %v, want not found", err)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			sessionID, start := r.session(t, 5)
			w := tc.setup(t, r, sessionID, start)
			w.ActorID = r.Trainer.ID
			users := r.count(t, `SELECT count(*) FROM users`)
			bookings := r.count(t, `SELECT count(*) FROM bookings`)
			history := r.count(t, `SELECT (SELECT count(*) FROM booking_history) + (SELECT count(*) FROM attendance_history)`)
			confirmed := r.confirmedCount(t, sessionID)

			id, err := r.Svc.AddWalkIn(ctx, w)
			tc.check(t, err)
			if id != 0 {
				t.Errorf("refused walk-in returned booking %d", id)
			}
			if got := r.count(t, `SELECT count(*) FROM users`); got != users {
				t.Errorf("users %d -> %d: a refused walk-in must not create an account", users, got)
			}
			if got := r.count(t, `SELECT count(*) FROM bookings`); got != bookings {
				t.Errorf("bookings %d -> %d", bookings, got)
			}
			if got := r.count(t, `SELECT (SELECT count(*) FROM booking_history) + (SELECT count(*) FROM attendance_history)`); got != history {
				t.Errorf("history rows %d -> %d", history, got)
			}
			if got := r.confirmedCount(t, sessionID); got != confirmed {
				t.Errorf("confirmed_count %d -> %d", confirmed, got)
			}
		})
	}
}
