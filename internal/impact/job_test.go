package impact_test

import (
	"sync"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/impact"
	"github.com/traininghub/traininghub/internal/testkit"
)

func TestFollowUpGoesOnceAfterTheDelayOnlyToThoseWhoAttended(t *testing.T) {
	r := newRig(t)
	came, absent, partial := r.person(t), r.person(t), r.person(t)
	ids := r.book(t, r.SessionID, came, absent, partial)
	r.mark(t, r.SessionID, true, map[int64]attendance.Mark{ids[0]: attendance.Attended, ids[1]: attendance.Absent,
		ids[2]: attendance.Partial})

	// 90 days after: not yet (the default is 91).
	r.at(90 * day)
	if q := r.run(t); q != (impact.Queued{}) {
		t.Fatalf("queued before the delay: %+v", q)
	}
	if n := r.sent(t, "impact_followup", ids[0]); n != 0 {
		t.Fatalf("follow-up before the delay: %d", n)
	}

	r.at(91*day + time.Minute)
	if q := r.run(t); q.FollowUps != 1 || q.Reminders != 0 {
		t.Fatalf("first pass after the delay: %+v", q)
	}
	if n := r.sent(t, "impact_followup", ids[0]); n != 1 {
		t.Fatalf("follow-ups to the attendee: %d", n)
	}
	for _, id := range ids[1:] {
		if n := r.sent(t, "impact_followup", id); n != 0 {
			t.Errorf("follow-up to booking %d, not marked attended: %d", id, n)
		}
	}
	// Run again, and again later: nothing more until the reminder is due.
	if q := r.run(t); q != (impact.Queued{}) {
		t.Fatalf("second pass: %+v", q)
	}
	r.at(91*day + 13*day)
	if q := r.run(t); q != (impact.Queued{}) {
		t.Fatalf("before the reminder is due: %+v", q)
	}

	// The email expires when the form closes, not at the session's (past) start.
	var expires string
	if err := r.DB.R.QueryRow(`SELECT expires_at FROM outbox WHERE kind = 'impact_followup' AND booking_id = ?`, ids[0]).Scan(&expires); err != nil {
		t.Fatal(err)
	}
	if want := r.Ends.Add(91*day + time.Minute + impact.OpenFor).Format("2006-01-02"); expires[:10] != want {
		t.Errorf("expires %s, want %s", expires, want)
	}
}

func TestReminderOnceThenStops(t *testing.T) {
	r := newRig(t)
	u := r.person(t)
	ids := r.book(t, r.SessionID, u)
	r.mark(t, r.SessionID, true, map[int64]attendance.Mark{ids[0]: attendance.Attended})
	r.at(92 * day)
	r.run(t)
	r.at(92*day + impact.ReminderAfter)
	if q := r.run(t); q.Reminders != 1 || q.FollowUps != 0 {
		t.Fatalf("reminder pass: %+v", q)
	}
	for _, d := range []time.Duration{0, 7 * day, 30 * day, 200 * day} {
		r.at(92*day + impact.ReminderAfter + d)
		if q := r.run(t); q != (impact.Queued{}) {
			t.Fatalf("after the reminder (+%v): %+v", d, q)
		}
	}
	if a, b := r.sent(t, "impact_followup", ids[0]), r.sent(t, "impact_reminder", ids[0]); a != 1 || b != 1 {
		t.Fatalf("sent %d follow-ups and %d reminders, want 1 and 1", a, b)
	}
}

func TestNoReminderAfterAnAnswer(t *testing.T) {
	r := newRig(t)
	u := r.person(t)
	ids := r.book(t, r.SessionID, u)
	r.mark(t, r.SessionID, true, map[int64]attendance.Mark{ids[0]: attendance.Attended})
	r.at(91*day + time.Hour)
	r.run(t)
	r.at(95 * day)
	if err := r.Svc.Submit(ctx, ids[0], u.ID, answer()); err != nil {
		t.Fatal(err)
	}
	r.at(91*day + impact.ReminderAfter + time.Hour)
	if q := r.run(t); q != (impact.Queued{}) {
		t.Fatalf("queued after an answer: %+v", q)
	}
	if n := r.sent(t, "impact_reminder", ids[0]); n != 0 {
		t.Fatalf("reminders after an answer: %d", n)
	}
}

func TestNothingForAnUnsubmittedRegisterOrACourseWithoutFollowUp(t *testing.T) {
	r := newRig(t)
	u, v := r.person(t), r.person(t)
	ids := r.book(t, r.SessionID, u)
	off := r.Course(t, "Course without follow-up")
	testkit.Exec(t, r.DB, `UPDATE courses SET impact_followup_days = 0 WHERE id = ?`, off)
	other := r.Session(t, off, time.Hour, 5)
	otherIDs := r.book(t, other, v)
	r.mark(t, r.SessionID, false, map[int64]attendance.Mark{ids[0]: attendance.Attended})
	r.mark(t, other, true, map[int64]attendance.Mark{otherIDs[0]: attendance.Attended})
	r.at(100 * day)
	if q := r.run(t); q != (impact.Queued{}) {
		t.Fatalf("queued for an unsubmitted register: %+v", q)
	}
}

func TestAFollowUpLongOverdueIsNotSent(t *testing.T) {
	r := newRig(t)
	u := r.person(t)
	ids := r.book(t, r.SessionID, u)
	r.mark(t, r.SessionID, true, map[int64]attendance.Mark{ids[0]: attendance.Attended})
	// The server was off (or this version arrived) long after the moment passed.
	r.at(91*day + impact.LateBy + day)
	if q := r.run(t); q != (impact.Queued{}) {
		t.Fatalf("queued a follow-up %v late: %+v", impact.LateBy+day, q)
	}
}

func TestTwoRunsAtOnceSendEachMessageOnce(t *testing.T) {
	r := newRig(t)
	people := []int64{}
	for range 5 {
		people = append(people, r.book(t, r.SessionID, r.person(t))...)
	}
	marks := map[int64]attendance.Mark{}
	for _, id := range people {
		marks[id] = attendance.Attended
	}
	r.mark(t, r.SessionID, true, marks)
	r.at(91*day + time.Hour)
	second := &impact.FollowUps{DB: r.DB, Now: r.Clock.Now, Log: r.Job.Log}
	var wg sync.WaitGroup
	var totals [2]impact.Queued
	for i, job := range []*impact.FollowUps{r.Job, second} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q, err := job.Queue(ctx)
			if err != nil {
				t.Error(err)
			}
			totals[i] = q
		}()
	}
	wg.Wait()
	if got := totals[0].FollowUps + totals[1].FollowUps; got != len(people) {
		t.Fatalf("two runs queued %d follow-ups, want %d", got, len(people))
	}
	for _, id := range people {
		if n := r.sent(t, "impact_followup", id); n != 1 {
			t.Errorf("booking %d: %d follow-ups", id, n)
		}
	}
	r.at(91*day + impact.ReminderAfter + 2*time.Hour)
	r.run(t)
	r.run(t)
	for _, id := range people {
		if n := r.sent(t, "impact_reminder", id); n != 1 {
			t.Errorf("booking %d: %d reminders", id, n)
		}
	}
}
