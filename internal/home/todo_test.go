package home_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/home"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// TestAdminTodo counts a fixture in which each figure has things it must count and
// near misses it must not.
func TestAdminTodo(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	now := env.Clock.Now()
	org := env.Org(t, "Todo Council", account.SocialCare)
	u := env.User(t, "todo@example.org", org.ID, account.Practitioner)
	admin := env.User(t, "admin@example.org", org.ID, account.Admin)
	courseID := env.Course(t, "Todo course")
	pending := env.Course(t, "Partner course")
	rejected := env.Course(t, "Refused course")

	// exec runs q; one ending RETURNING id gives the new row's id.
	exec := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		err := env.DB.Write(ctx, func(tx *sql.Tx) error {
			if strings.HasSuffix(q, "RETURNING id") {
				return tx.QueryRowContext(ctx, q, args...).Scan(&id)
			}
			_, err := tx.ExecContext(ctx, q, args...)
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	ts := store.FormatTime
	// session inserts a session starting at start, 3 hours long, with confirmed places taken.
	session := func(start time.Time, capacity, confirmed int, status string) int64 {
		return exec(`INSERT INTO course_sessions (course_id, starts_at, ends_at, venue, capacity, booking_closes_at,
			cancel_cutoff_at, status, confirmed_count, created_at, updated_at) VALUES (?, ?, ?, 'Hall', ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			courseID, ts(start), ts(start.Add(3*time.Hour)), capacity, ts(start), ts(start), status, confirmed, ts(now), ts(now))
	}
	register := func(sessionID int64, status string) {
		exec(`INSERT INTO registers (session_id, status, updated_at) VALUES (?, ?, ?)`, sessionID, status, ts(now))
	}

	// Registers: ended two days ago with none, ended two days ago and open, ended a week
	// ago and submitted (done), ended 12 hours ago (within the grace), cancelled (no
	// register needed).
	none := session(now.Add(-51*time.Hour), 10, 5, "scheduled")
	open := session(now.Add(-52*time.Hour), 10, 5, "scheduled")
	register(open, "open")
	register(session(now.Add(-7*24*time.Hour), 10, 5, "scheduled"), "submitted")
	recent := session(now.Add(-15*time.Hour), 10, 5, "scheduled")
	session(now.Add(-51*time.Hour), 10, 0, "cancelled")

	// Under-subscribed: within 7 days, 4 of 10 (counts), 5 of 10 (half: does not), 0 of 1
	// (counts); cancelled (does not); 8 days ahead (does not).
	thin := session(now.Add(2*24*time.Hour), 10, 4, "scheduled")
	session(now.Add(3*24*time.Hour), 10, 5, "scheduled")
	thinner := session(now.Add(6*24*time.Hour), 1, 0, "scheduled")
	session(now.Add(2*24*time.Hour), 10, 0, "cancelled")
	session(now.Add(8*24*time.Hour), 10, 0, "scheduled")
	// With a minimum, the minimum decides instead of half the places: 6 of 10 short of 7
	// (counts, though over half full), 7 of 10 at 7 (does not), 2 of 10 at a minimum of 2
	// (does not, though under half full), 1 of 10 short of 2 but cancelled (does not).
	withMin := func(start time.Time, confirmed, min int, status string) int64 {
		id := session(start, 10, confirmed, status)
		exec(`UPDATE course_sessions SET min_places = ? WHERE id = ?`, min, id)
		return id
	}
	short := withMin(now.Add(4*24*time.Hour), 6, 7, "scheduled")
	withMin(now.Add(4*24*time.Hour), 7, 7, "scheduled")
	withMin(now.Add(5*24*time.Hour), 2, 2, "scheduled")
	withMin(now.Add(5*24*time.Hour), 1, 2, "cancelled")

	exec(`UPDATE courses SET approval = 'pending' WHERE id = ?`, pending)
	exec(`UPDATE courses SET approval = 'rejected' WHERE id = ?`, rejected)

	for _, status := range []string{"failed", "failed", "sent", "retrying", "queued"} {
		exec(`INSERT INTO outbox (kind, recipient_email, payload, status, next_attempt_at, created_at, updated_at)
			VALUES ('reminder', 'x@example.org', '{}', ?, ?, ?, ?)`, status, ts(now), ts(now), ts(now))
	}

	later := session(now.Add(20*24*time.Hour), 10, 0, "scheduled")
	for i, status := range []string{"pending", "approved", "declined"} {
		exec(`INSERT INTO approval_requests (session_id, user_id, status, token_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
			later, u.ID, status, "hash"+string(rune('a'+i)), ts(now))
	}
	// The admin's own request waits for someone else: not theirs to decide.
	exec(`INSERT INTO approval_requests (session_id, user_id, status, token_hash, created_at) VALUES (?, ?, 'pending', 'hashz', ?)`,
		later, admin.ID, ts(now))

	got, err := home.AdminTodo(ctx, env.DB, now, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := home.Todo{RegistersOverdue: 2, CoursesToApprove: 1, FailedEmails: 2, ApprovalsWaiting: 1, UnderSubscribed: 3}
	if got != want {
		t.Fatalf("AdminTodo = %+v, want %+v", got, want)
	}
	if got.Total() != 9 {
		t.Errorf("Total = %d, want 9", got.Total())
	}
	// The lists the to-do links lead to hold exactly what was counted, in their order.
	regs, err := home.OverdueRegisters(ctx, env.DB, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(regs) != 2 || regs[0].SessionID != open || regs[1].SessionID != none {
		t.Fatalf("OverdueRegisters = %+v, want sessions %d then %d (oldest first)", regs, open, none)
	}
	if regs[1].CourseTitle != "Todo course" || regs[1].Overdue != 51*time.Hour-3*time.Hour-home.RegisterGrace {
		t.Errorf("overdue register %+v: want it due 24 hours ago", regs[1])
	}
	thins, err := home.UnderSubscribedSessions(ctx, env.DB, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(thins) != 3 || thins[0].SessionID != thin || thins[1].SessionID != short || thins[2].SessionID != thinner ||
		thins[0].Confirmed != 4 || thins[0].Capacity != 10 || thins[0].MinPlaces != 0 || thins[1].MinPlaces != 7 {
		t.Fatalf("UnderSubscribedSessions = %+v, want sessions %d, %d and %d", thins, thin, short, thinner)
	}

	// Thirteen hours on, the session that ended 12 hours ago is overdue too.
	env.Clock.Advance(13 * time.Hour)
	got, err = home.AdminTodo(ctx, env.DB, env.Clock.Now(), admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.RegistersOverdue != 3 {
		t.Errorf("13 hours later: %d registers overdue, want 3", got.RegistersOverdue)
	}
	if regs, err = home.OverdueRegisters(ctx, env.DB, env.Clock.Now()); err != nil || len(regs) != 3 || regs[2].SessionID != recent {
		t.Errorf("13 hours later: OverdueRegisters = %+v, %v; want the recent one last", regs, err)
	}
	// For the person whose own request the other is, the admin's is the one to decide.
	if got, err = home.AdminTodo(ctx, env.DB, env.Clock.Now(), u.ID); err != nil || got.ApprovalsWaiting != 1 {
		t.Errorf("for the other requester, %d approvals waiting (%v), want 1", got.ApprovalsWaiting, err)
	}
	if got, err = home.AdminTodo(ctx, env.DB, env.Clock.Now(), 0); err != nil || got.ApprovalsWaiting != 2 {
		t.Errorf("for someone with no request, %d approvals waiting (%v), want 2", got.ApprovalsWaiting, err)
	}
}
