package demo

import (
	"context"
	"testing"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// TestSeedHasASessionUnderWay: the demo trainer can take a register at once: one session
// has started and not ended, it is theirs, people hold places on it, and its register is
// open and unmarked.
func TestSeedHasASessionUnderWay(t *testing.T) {
	ctx := context.Background()
	env := testkit.New(t)
	seed(t, env)
	now := store.FormatTime(env.Clock.Now())
	rows, err := env.DB.R.QueryContext(ctx, `SELECT s.id FROM course_sessions s
		WHERE s.status = 'scheduled' AND s.starts_at <= ? AND s.ends_at > ?`, now, now)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) != 1 {
		t.Fatalf("%d sessions under way, want 1", len(ids))
	}
	trainer, err := env.Accounts.UserByEmail(ctx, "trainer@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if !trainer.Has(account.Trainer) {
		t.Fatal("the demo trainer is not a trainer")
	}
	s, err := env.Courses.Session(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	led := false
	for _, tr := range s.Trainers {
		led = led || tr.ID == trainer.ID
	}
	if !led {
		t.Errorf("the session under way is led by %v, not the demo trainer %d", s.Trainers, trainer.ID)
	}
	reg, err := attendance.NewService(env.DB, env.Accounts, env.Clock.Now).Load(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if reg.Locked() || len(reg.Entries) != startedPeople {
		t.Errorf("register locked %v with %d people; want open with %d", reg.Locked(), len(reg.Entries), startedPeople)
	}
	for _, e := range reg.Entries {
		if e.Mark != "" {
			t.Errorf("%s is already marked %q", e.Name, e.Mark)
		}
	}
}
