package attendance_test

import (
	"sync"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/outbox"
)

// race runs fn n times at once and returns the errors.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return errs
}

func TestConcurrentSubmitsIssueOnce(t *testing.T) {
	for _, goroutines := range []int{2, 8} {
		t.Run(map[int]string{2: "two trainers", 8: "eight clicks"}[goroutines], func(t *testing.T) {
			r := newRig(t)
			sessionID, start := r.session(t, 10)
			var bs []booking.Booking
			for range 6 {
				bs = append(bs, r.book(t, sessionID, r.person(t)))
			}
			r.Clock.Set(start.Add(time.Hour))
			if _, err := r.Svc.MarkEveryoneAttended(ctx, sessionID, r.Trainer.ID); err != nil {
				t.Fatal(err)
			}
			r.mark(t, bs[5].ID, attendance.Absent)

			outcomes := make([]attendance.Outcome, goroutines)
			errs := race(goroutines, func(i int) error {
				var err error
				outcomes[i], err = r.Svc.Submit(ctx, sessionID, r.Trainer.ID)
				return err
			})
			ok := 0
			for i, err := range errs {
				switch {
				case err == nil:
					ok++
					if outcomes[i].Issued != 5 {
						t.Errorf("winning submit issued %d, want 5", outcomes[i].Issued)
					}
				case isProblem(err, attendance.ErrRegisterLocked):
				default:
					t.Errorf("submit %d: %v", i, err)
				}
			}
			if ok != 1 {
				t.Fatalf("%d submits succeeded, want exactly 1", ok)
			}
			if n := r.count(t, `SELECT count(*) FROM certificates`); n != 5 {
				t.Errorf("%d certificates, want 5", n)
			}
			if n := r.count(t, `SELECT count(*) FROM outbox WHERE kind = ?`, outbox.CertificateIssued); n != 5 {
				t.Errorf("%d certificate emails, want 5", n)
			}
			if n := r.count(t, `SELECT count(*) FROM register_history WHERE action = 'submitted'`); n != 1 {
				t.Errorf("%d submitted rows, want 1", n)
			}
			for _, b := range bs[:5] {
				if n := r.liveCertificates(t, b.ID); n != 1 {
					t.Errorf("booking %d has %d live certificates", b.ID, n)
				}
			}
		})
	}
}

func TestConcurrentEvaluationsIssueOnce(t *testing.T) {
	e := newEvaluated(t)
	e.submit(t, e.sessionID)
	issued := make([]bool, 6)
	errs := race(len(issued), func(i int) error {
		var err error
		issued[i], err = e.Svc.SubmitEvaluation(ctx, e.attended.ID, e.attended.UserID,
			attendance.EvaluationInput{Rating: 1 + i%5, Usefulness: 3})
		return err
	})
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
			if !issued[i] {
				t.Error("the accepted evaluation did not issue the certificate")
			}
		case isProblem(err, attendance.ErrAlreadyEvaluated):
			if issued[i] {
				t.Error("a refused evaluation reported a certificate")
			}
		default:
			t.Errorf("evaluation %d: %v", i, err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d evaluations accepted, want 1", ok)
	}
	if n := e.count(t, `SELECT count(*) FROM certificates`); n != 1 {
		t.Errorf("%d certificates, want 1", n)
	}
	if n := e.count(t, `SELECT count(*) FROM outbox WHERE kind = ?`, outbox.CertificateIssued); n != 1 {
		t.Errorf("%d certificate emails, want 1", n)
	}
}

func TestConcurrentMarksAndSubmit(t *testing.T) {
	// A trainer marking while another submits: either the mark lands before the submit (and
	// the certificate follows it) or it is refused as locked; never a certificate for a
	// mark that says otherwise.
	for range 5 {
		r := newRig(t)
		sessionID, start := r.session(t, 5)
		b := r.book(t, sessionID, r.person(t))
		r.Clock.Set(start)
		r.mark(t, b.ID, attendance.Attended)
		errs := race(2, func(i int) error {
			if i == 0 {
				return r.Svc.SetMark(ctx, b.ID, attendance.Absent, r.Trainer.ID)
			}
			_, err := r.Svc.Submit(ctx, sessionID, r.Trainer.ID)
			return err
		})
		if errs[1] != nil {
			t.Fatalf("submit: %v", errs[1])
		}
		markedAbsent := errs[0] == nil
		if !markedAbsent && !isProblem(errs[0], attendance.ErrRegisterLocked) {
			t.Fatalf("mark: %v", errs[0])
		}
		want := 1
		if markedAbsent {
			want = 0
		}
		if got := r.liveCertificates(t, b.ID); got != want {
			t.Errorf("mark absent landed=%v, live certificates %d, want %d", markedAbsent, got, want)
		}
	}
}
