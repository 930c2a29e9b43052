package attendance_test

import (
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/store"
)

// evaluated is an open register, after the session, on a course that requires an
// evaluation: one person attended, one partly attended, one not yet marked (marked absent
// by submit below).
type evaluated struct {
	*rig
	sessionID int64
	start     time.Time
	attended  booking.Booking
	partial   booking.Booking
	unmarked  booking.Booking // booked but not marked: the register cannot be submitted until marked
}

func newEvaluated(t *testing.T) evaluated {
	t.Helper()
	r := newRig(t)
	courseID := r.courseWith(t, course.CourseInput{Title: "Neglect: recognising and responding", ValidityMonths: 12,
		RequiresEvaluation: true})
	start := r.Clock.Now().Add(72 * time.Hour)
	sessionID := r.sessionAt(t, courseID, start, 5, r.Trainer.ID)
	e := evaluated{rig: r, sessionID: sessionID, start: start, attended: r.book(t, sessionID, r.person(t)),
		partial: r.book(t, sessionID, r.person(t)), unmarked: r.book(t, sessionID, r.person(t))}
	r.Clock.Set(start.Add(3 * time.Hour))
	r.mark(t, e.attended.ID, attendance.Attended)
	r.mark(t, e.partial.ID, attendance.Partial)
	return e
}

// submit marks whoever is still unmarked absent, then submits.
func (e evaluated) submit(t *testing.T, sessionID int64) attendance.Outcome {
	t.Helper()
	if e.attendanceOf(t, e.unmarked.ID) == "" {
		e.mark(t, e.unmarked.ID, attendance.Absent)
	}
	return e.rig.submit(t, sessionID)
}

func TestEvaluationHoldsTheCertificateBack(t *testing.T) {
	e := newEvaluated(t)
	e.mark(t, e.unmarked.ID, attendance.Absent)
	preview, err := e.Svc.Preview(ctx, e.sessionID)
	if err != nil || preview.Outcome != (attendance.Outcome{Awaiting: 1}) || preview.Keeping != nil || preview.Losing != nil {
		t.Fatalf("preview %+v %v, want 1 awaiting", preview, err)
	}
	if n := e.outboxRows(t, string(outbox.EvaluationRequested), e.attended.ID); n != 0 {
		t.Fatalf("the preview sent %d evaluation requests", n)
	}
	out := e.submit(t, e.sessionID)
	if out != (attendance.Outcome{Awaiting: 1}) {
		t.Fatalf("outcome %+v, want 1 awaiting", out)
	}
	if n := e.count(t, `SELECT count(*) FROM certificates`); n != 0 {
		t.Fatalf("%d certificates issued before the evaluation", n)
	}
	if n := e.outboxRows(t, string(outbox.EvaluationRequested), e.attended.ID); n != 1 {
		t.Errorf("%d evaluation requests, want 1", n)
	}
	if n := e.outboxRows(t, string(outbox.EvaluationRequested), e.partial.ID); n != 0 {
		t.Errorf("partial attender asked for an evaluation %d times", n)
	}
	if n := e.count(t, `SELECT count(*) FROM outbox WHERE kind = ?`, outbox.CertificateIssued); n != 0 {
		t.Errorf("%d certificate emails before the evaluation", n)
	}
	// The request is sent after the session, so it must not carry the session's start as
	// its expiry: the worker would give up on it as "the session had already started".
	var expires sql.NullString
	if err := e.DB.R.QueryRowContext(ctx, `SELECT expires_at FROM outbox WHERE kind = ? AND booking_id = ?`,
		outbox.EvaluationRequested, e.attended.ID).Scan(&expires); err != nil {
		t.Fatal(err)
	}
	if expires.Valid && expires.String <= store.FormatTime(e.Clock.Now()) {
		t.Errorf("evaluation request expires at %s, already past at %s: it would never be sent",
			expires.String, store.FormatTime(e.Clock.Now()))
	}

	comps, err := e.Svc.Completions(ctx, e.attended.UserID)
	if err != nil || len(comps) != 1 || !comps[0].AwaitingEvaluation || comps[0].CertificateCode != "" {
		t.Fatalf("completions = %+v, %v; want one awaiting its evaluation", comps, err)
	}

	e.Clock.Advance(24 * time.Hour)
	issued := e.evaluate(t, e.attended, 5, 4, "Use the neglect toolkit", "Very good")
	if !issued {
		t.Error("SubmitEvaluation did not report the certificate as issued")
	}
	c := e.liveCertificate(t, e.attended.ID)
	if !c.IssuedAt.Equal(e.Clock.Now()) || c.CourseTitle != "Neglect: recognising and responding" {
		t.Errorf("certificate %+v", c)
	}
	if n := e.outboxRows(t, string(outbox.CertificateIssued), e.attended.ID); n != 1 {
		t.Errorf("%d certificate emails, want 1", n)
	}
	comps, err = e.Svc.Completions(ctx, e.attended.UserID)
	if err != nil || len(comps) != 1 || comps[0].AwaitingEvaluation || comps[0].CertificateCode != c.Code {
		t.Errorf("completions = %+v, %v; want the certificate %s", comps, err, c.Code)
	}

	// A second evaluation is refused and changes nothing.
	_, err = e.Svc.SubmitEvaluation(ctx, e.attended.ID, e.attended.UserID, attendance.EvaluationInput{Rating: 1, Usefulness: 1})
	wantProblem(t, err, attendance.ErrAlreadyEvaluated)
	if n := e.count(t, `SELECT rating FROM evaluations WHERE booking_id = ?`, e.attended.ID); n != 5 {
		t.Errorf("rating now %d, want the first evaluation's 5", n)
	}
	if n := e.count(t, `SELECT count(*) FROM certificates`); n != 1 {
		t.Errorf("%d certificates, want 1", n)
	}

	// Reopening and resubmitting without changes neither asks again nor issues again.
	e.reopen(t, e.sessionID)
	if out := e.submit(t, e.sessionID); out != (attendance.Outcome{}) {
		t.Errorf("resubmit outcome %+v, want nothing", out)
	}
	if n := e.outboxRows(t, string(outbox.EvaluationRequested), e.attended.ID); n != 1 {
		t.Errorf("%d evaluation requests after resubmitting, want 1", n)
	}
	if n := e.outboxRows(t, string(outbox.CertificateIssued), e.attended.ID); n != 1 {
		t.Errorf("%d certificate emails after resubmitting, want 1", n)
	}
}

func TestResubmitDoesNotAskForTheEvaluationTwice(t *testing.T) {
	e := newEvaluated(t)
	e.submit(t, e.sessionID)
	e.reopen(t, e.sessionID)
	if out := e.submit(t, e.sessionID); out != (attendance.Outcome{Awaiting: 1}) {
		t.Errorf("resubmit outcome %+v, want still 1 awaiting", out)
	}
	if n := e.outboxRows(t, string(outbox.EvaluationRequested), e.attended.ID); n != 1 {
		t.Errorf("%d evaluation requests, want 1", n)
	}
}

func TestSubmitEvaluationRefusals(t *testing.T) {
	cases := []struct {
		name string
		// setup returns the booking to evaluate and who is sending the evaluation.
		setup func(t *testing.T, e evaluated) (bookingID, userID int64)
		want  func(err error) bool
	}{
		{"someone else's booking", func(t *testing.T, e evaluated) (int64, int64) {
			e.submit(t, e.sessionID)
			return e.attended.ID, e.partial.UserID
		}, func(err error) bool { return errors.Is(err, store.ErrNotFound) }},
		{"a booking that does not exist", func(t *testing.T, e evaluated) (int64, int64) {
			e.submit(t, e.sessionID)
			return 99999, e.attended.UserID
		}, func(err error) bool { return errors.Is(err, store.ErrNotFound) }},
		{"before the register is submitted", func(t *testing.T, e evaluated) (int64, int64) {
			return e.attended.ID, e.attended.UserID
		}, func(err error) bool { return isProblem(err, attendance.ErrNotAttended) }},
		{"while the register is reopened", func(t *testing.T, e evaluated) (int64, int64) {
			e.submit(t, e.sessionID)
			e.reopen(t, e.sessionID)
			return e.attended.ID, e.attended.UserID
		}, func(err error) bool { return isProblem(err, attendance.ErrNotAttended) }},
		{"partly attended", func(t *testing.T, e evaluated) (int64, int64) {
			e.submit(t, e.sessionID)
			return e.partial.ID, e.partial.UserID
		}, func(err error) bool { return isProblem(err, attendance.ErrNotAttended) }},
		{"did not attend", func(t *testing.T, e evaluated) (int64, int64) {
			e.mark(t, e.partial.ID, attendance.Absent)
			e.submit(t, e.sessionID)
			return e.partial.ID, e.partial.UserID
		}, func(err error) bool { return isProblem(err, attendance.ErrNotAttended) }},
		{"not marked yet", func(t *testing.T, e evaluated) (int64, int64) {
			return e.unmarked.ID, e.unmarked.UserID
		}, func(err error) bool { return isProblem(err, attendance.ErrNotAttended) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEvaluated(t)
			bookingID, userID := tc.setup(t, e)
			issued, err := e.Svc.SubmitEvaluation(ctx, bookingID, userID, attendance.EvaluationInput{Rating: 4, Usefulness: 4})
			if !tc.want(err) || issued {
				t.Fatalf("SubmitEvaluation = %v, %v", issued, err)
			}
			if n := e.count(t, `SELECT count(*) FROM evaluations`); n != 0 {
				t.Errorf("%d evaluations stored by a refused submission", n)
			}
			if n := e.count(t, `SELECT count(*) FROM certificates`); n != 0 {
				t.Errorf("%d certificates issued by a refused submission", n)
			}
		})
	}
}

func TestEvaluationValidation(t *testing.T) {
	long := strings.Repeat("é", 2001)
	cases := []struct {
		name string
		in   attendance.EvaluationInput
		want []string
	}{
		{"no ratings", attendance.EvaluationInput{}, []string{"rating", "usefulness"}},
		{"rating zero", attendance.EvaluationInput{Rating: 0, Usefulness: 3}, []string{"rating"}},
		{"rating six", attendance.EvaluationInput{Rating: 6, Usefulness: 3}, []string{"rating"}},
		{"negative usefulness", attendance.EvaluationInput{Rating: 3, Usefulness: -1}, []string{"usefulness"}},
		{"usefulness six", attendance.EvaluationInput{Rating: 5, Usefulness: 6}, []string{"usefulness"}},
		{"too long", attendance.EvaluationInput{Rating: 5, Usefulness: 5, DoDifferently: long, Comments: long},
			[]string{"do_differently", "comments"}},
		{"everything wrong", attendance.EvaluationInput{Rating: 9, Usefulness: 0, DoDifferently: long, Comments: long},
			[]string{"rating", "usefulness", "do_differently", "comments"}},
	}
	e := newEvaluated(t)
	e.submit(t, e.sessionID)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Svc.SubmitEvaluation(ctx, e.attended.ID, e.attended.UserID, tc.in)
			f := fields(t, err)
			if len(f) != len(tc.want) {
				t.Errorf("fields = %v, want exactly %v", f, tc.want)
			}
			for _, name := range tc.want {
				if f[name] == "" {
					t.Errorf("no message for %s in %v", name, f)
				}
			}
		})
	}
	if n := e.count(t, `SELECT count(*) FROM evaluations`); n != 0 {
		t.Errorf("%d invalid evaluations stored", n)
	}
	// 2,000 characters exactly, with spaces around, is fine and stored trimmed.
	ok := strings.Repeat("é", 2000)
	if !e.evaluate(t, e.attended, 1, 5, "  "+ok+"  ", "\n"+ok) {
		t.Error("valid evaluation did not issue the certificate")
	}
	var doDiff string
	if err := e.DB.R.QueryRowContext(ctx, `SELECT do_differently FROM evaluations`).Scan(&doDiff); err != nil || doDiff != ok {
		t.Errorf("stored do_differently untrimmed or lost (%d runes, %v)", len([]rune(doDiff)), err)
	}
}

func TestEvaluationOnACourseThatDoesNotRequireOne(t *testing.T) {
	r := newRig(t)
	sessionID, start := r.session(t, 5)
	b := r.book(t, sessionID, r.person(t))
	r.Clock.Set(start)
	r.mark(t, b.ID, attendance.Attended)
	if out := r.submit(t, sessionID); out.Issued != 1 || out.Awaiting != 0 {
		t.Fatalf("outcome %+v", out)
	}
	if n := r.outboxRows(t, string(outbox.EvaluationRequested), b.ID); n != 0 {
		t.Errorf("%d evaluation requests for a course that does not require one", n)
	}
	if issued := r.evaluate(t, b, 4, 4, "", "Good"); issued {
		t.Error("evaluation re-issued a certificate the person already had")
	}
	if n := r.count(t, `SELECT count(*) FROM certificates`); n != 1 {
		t.Errorf("%d certificates, want 1", n)
	}
}
