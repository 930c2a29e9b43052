package compliance_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/store"
)

// TestNudges: reminders go once a London day and name only what is due; nominations need
// a session open for booking; neither reaches outside the manager's organisation.
func TestNudges(t *testing.T) {
	r := newRig(t)
	care := r.Org(t, "Bath Children's Services", account.SocialCare)
	police := r.Org(t, "Bath Police", account.Police)
	mia := r.person(t, "Mia Manager", "", "", care.ID, account.Manager)
	ben := r.person(t, "Ben Baker", "Social worker", "", care.ID)
	gus := r.person(t, "Gus Grant", "Constable", "", police.ID)
	cse := r.course(t, "CSE awareness", 36)
	other := r.course(t, "Not required", 0)
	r.rule(t, cse, account.SocialCare, "", 0)
	open := r.session(t, cse, r.Clock.Now().Add(48*time.Hour), 5)

	queued := func(kind outbox.Kind) int {
		t.Helper()
		var n int
		if err := r.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE kind = ?`, kind).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	if _, _, err := r.Svc.Remind(ctx, care.ID, mia, gus.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("reminding another organisation's staff: %v", err)
	}
	if _, _, err := r.Svc.Nominate(ctx, care.ID, mia, gus.ID, open); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("nominating another organisation's staff: %v", err)
	}

	p, sent, err := r.Svc.Remind(ctx, care.ID, mia, ben.ID)
	if err != nil || !sent || p.ID != ben.ID {
		t.Fatalf("first reminder: %v sent %v", err, sent)
	}
	if _, sent, err := r.Svc.Remind(ctx, care.ID, mia, ben.ID); err != nil || sent {
		t.Fatalf("second reminder the same day: %v sent %v", err, sent)
	}
	if got := queued(compliance.TrainingDueKind); got != 1 {
		t.Fatalf("%d reminders queued, want 1", got)
	}
	today, err := r.Svc.RemindedToday(ctx, care.ID)
	if err != nil || !today[ben.ID] || len(today) != 1 {
		t.Errorf("RemindedToday = %v, %v", today, err)
	}
	// Just after London midnight it is a new day.
	r.Clock.Set(time.Date(2026, 11, 26, 0, 1, 0, 0, time.UTC))
	if _, sent, err := r.Svc.Remind(ctx, care.ID, mia, ben.ID); err != nil || !sent {
		t.Fatalf("reminder the next day: %v sent %v", err, sent)
	}

	// Gus, in the police, has nothing required (an admin's scope, 0, reaches him).
	if _, _, err := r.Svc.Remind(ctx, 0, mia, gus.ID); !errors.Is(err, compliance.ErrNothingDue) {
		t.Errorf("reminding someone with nothing required: %v", err)
	}

	n, sent, err := r.Svc.Nominate(ctx, care.ID, mia, ben.ID, open)
	if err != nil || !sent || n.CourseID != cse || n.SessionID != open || n.ManagerName != "Mia Manager" {
		t.Fatalf("nominate: %+v sent %v %v", n, sent, err)
	}
	// A second nomination for the same session the same London day, even by someone
	// else, queues nothing; another session may still be nominated.
	moe := r.person(t, "Moe Manager", "", "", care.ID, account.Manager)
	if _, sent, err := r.Svc.Nominate(ctx, care.ID, moe, ben.ID, open); err != nil || sent {
		t.Fatalf("second nomination the same day: sent %v %v", sent, err)
	}
	second := r.session(t, cse, r.Clock.Now().Add(72*time.Hour), 5)
	if _, sent, err := r.Svc.Nominate(ctx, care.ID, mia, ben.ID, second); err != nil || !sent {
		t.Fatalf("nominating for another session: sent %v %v", sent, err)
	}
	if got, err := r.Svc.NominatedToday(ctx, ben.ID); err != nil || len(got) != 2 || !got[open] || !got[second] {
		t.Errorf("NominatedToday = %v, %v", got, err)
	}
	if got := queued(compliance.NominationKind); got != 2 {
		t.Fatalf("%d nominations queued, want 2", got)
	}
	// At 23:59 London time it is still the same day; at London midnight, a new one.
	// (26 November is GMT, so London midnight is 00:00 UTC on the 27th.)
	r.Clock.Set(time.Date(2026, 11, 26, 23, 59, 0, 0, time.UTC))
	if _, sent, err := r.Svc.Nominate(ctx, care.ID, mia, ben.ID, open); err != nil || sent {
		t.Fatalf("nomination late the same London day: sent %v %v", sent, err)
	}
	r.Clock.Set(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
	if _, sent, err := r.Svc.Nominate(ctx, care.ID, mia, ben.ID, open); err != nil || !sent {
		t.Fatalf("nomination the next London day: sent %v %v", sent, err)
	}
	if got := queued(compliance.NominationKind); got != 3 {
		t.Fatalf("%d nominations queued, want 3", got)
	}
	// A session of a course that is not published, one that has started, and one that
	// does not exist are all refused.
	draft := r.session(t, other, r.Clock.Now().Add(72*time.Hour), 5)
	if _, err := r.DB.Exec(context.Background(), `UPDATE courses SET status = 'draft' WHERE id = ?`, other); err != nil {
		t.Fatal(err)
	}
	r.Clock.Set(r.Clock.Now().Add(48 * time.Hour))
	for name, sid := range map[string]int64{"draft course": draft, "started": open, "unknown": 999999} {
		if _, _, err := r.Svc.Nominate(ctx, care.ID, mia, ben.ID, sid); err != compliance.ErrSessionNotOpen {
			t.Errorf("nominating for a %s session: %v", name, err)
		}
	}
	if got := queued(compliance.NominationKind); got != 3 {
		t.Fatalf("%d nominations queued after refusals, want 3", got)
	}
}
