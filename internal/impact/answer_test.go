package impact_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/impact"
	"github.com/traininghub/traininghub/internal/problem"
)

func TestInputRules(t *testing.T) {
	long := func(n int) string { return strings.Repeat("é", n) }
	for _, tc := range []struct {
		name   string
		in     impact.Input
		fields []string
	}{
		{"good", impact.Input{Before: 1, After: 5, Change: "  I record the voice of the child  "}, nil},
		{"nothing", impact.Input{}, []string{impact.FieldBefore, impact.FieldAfter, impact.FieldChange}},
		{"out of range", impact.Input{Before: 0, After: 6, Change: "x"}, []string{impact.FieldBefore, impact.FieldAfter}},
		{"blank change", impact.Input{Before: 3, After: 3, Change: " \n\t "}, []string{impact.FieldChange}},
		{"change at the limit", impact.Input{Before: 3, After: 3, Change: long(impact.MaxChange)}, nil},
		{"change too long", impact.Input{Before: 3, After: 3, Change: long(impact.MaxChange + 1)}, []string{impact.FieldChange}},
		{"examples too long", impact.Input{Before: 3, After: 3, Change: "x", Examples: long(impact.MaxExamples + 1)},
			[]string{impact.FieldExamples}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.in.Check()
			if len(tc.fields) == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var pe *problem.Error
			if !errors.As(err, &pe) {
				t.Fatalf("want a validation error, got %v", err)
			}
			if len(pe.Fields) != len(tc.fields) {
				t.Errorf("fields %v, want %v", pe.Fields, tc.fields)
			}
			for _, f := range tc.fields {
				if pe.Fields[f] == "" {
					t.Errorf("no message for %s: %v", f, pe.Fields)
				}
			}
		})
	}
}

func TestSubmitOnlyTheAttendeeOnlyWhileOpenOnlyOnce(t *testing.T) {
	r := newRig(t)
	u, other := r.person(t), r.person(t)
	ids := r.book(t, r.SessionID, u, other)
	r.mark(t, r.SessionID, true, map[int64]attendance.Mark{ids[0]: attendance.Attended, ids[1]: attendance.Attended})

	// Before the follow-up went: there is nothing to answer.
	if err := r.Svc.Submit(ctx, ids[0], u.ID, answer()); !errors.Is(err, impact.ErrNotFound) {
		t.Fatalf("before the follow-up: %v", err)
	}
	r.at(91*day + time.Hour)
	r.run(t)

	open, err := r.Svc.OpenForUser(ctx, u.ID)
	if err != nil || len(open) != 1 || open[0].BookingID != ids[0] || open[0].CourseTitle != "Neglect: spotting the signs" {
		t.Fatalf("open follow-ups: %+v %v", open, err)
	}
	// Someone else's booking does not exist for them; bad input changes nothing.
	if err := r.Svc.Submit(ctx, ids[0], other.ID, answer()); !errors.Is(err, impact.ErrNotFound) {
		t.Fatalf("another person's booking: %v", err)
	}
	if err := r.Svc.Submit(ctx, ids[0], u.ID, impact.Input{Before: 2}); err == nil {
		t.Fatal("an incomplete answer was accepted")
	}
	in := answer()
	in.Share = true
	if err := r.Svc.Submit(ctx, ids[0], u.ID, in); err != nil {
		t.Fatal(err)
	}
	if err := r.Svc.Submit(ctx, ids[0], u.ID, answer()); !errors.Is(err, impact.ErrAlreadyAnswered) {
		t.Fatalf("second answer: %v", err)
	}
	var before, after int
	var change string
	var share bool
	if err := r.DB.R.QueryRow(`SELECT confidence_before, confidence_after, change_made, share_examples FROM impact_answers
		WHERE booking_id = ?`, ids[0]).Scan(&before, &after, &change, &share); err != nil {
		t.Fatal(err)
	}
	if before != 2 || after != 4 || change != "I now ask about who else lives at home" || !share {
		t.Fatalf("stored %d %d %q %v", before, after, change, share)
	}
	if open, _ := r.Svc.OpenForUser(ctx, u.ID); len(open) != 0 {
		t.Fatalf("still open after the answer: %+v", open)
	}

	// The other person's form closes OpenFor after the follow-up.
	r.at(91*day + time.Hour + impact.OpenFor + time.Minute)
	if err := r.Svc.Submit(ctx, ids[1], other.ID, answer()); !errors.Is(err, impact.ErrNotOpen) {
		t.Fatalf("after closing: %v", err)
	}
	if open, _ := r.Svc.OpenForUser(ctx, other.ID); len(open) != 0 {
		t.Fatalf("open after closing: %+v", open)
	}
}
