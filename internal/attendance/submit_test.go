package attendance_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/certificate"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// certificatePayload reads the snapshot queued with the booking's certificate email.
func (r *rig) certificatePayload(t *testing.T, bookingID int64) (outbox.CertificateSnapshot, string) {
	t.Helper()
	var payload, to string
	if err := r.DB.R.QueryRowContext(ctx, `SELECT payload, recipient_email FROM outbox
		WHERE kind = ? AND booking_id = ? ORDER BY id DESC LIMIT 1`, outbox.CertificateIssued, bookingID).Scan(&payload, &to); err != nil {
		t.Fatalf("certificate email for booking %d: %v", bookingID, err)
	}
	var p outbox.Payload
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		t.Fatal(err)
	}
	if p.Certificate == nil {
		t.Fatalf("certificate email for booking %d has no certificate snapshot: %s", bookingID, payload)
	}
	return *p.Certificate, to
}

func TestSubmitRefusedWhileAnyoneIsUnmarked(t *testing.T) {
	for _, tc := range []struct {
		unmarked int
		want     string
	}{
		{1, "1 person is not marked yet"},
		{2, "2 people are not marked yet"},
		{4, "4 people are not marked yet"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			r := newRig(t)
			sessionID, start := r.session(t, 10)
			marked := r.book(t, sessionID, r.person(t))
			for range tc.unmarked {
				r.book(t, sessionID, r.person(t))
			}
			r.Clock.Set(start.Add(3 * time.Hour))
			r.mark(t, marked.ID, attendance.Attended)
			_, err := r.Svc.Submit(ctx, sessionID, r.Trainer.ID)
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Code != "register_incomplete" || pe.Status != 422 ||
				!strings.HasSuffix(pe.Message, ": "+tc.want+".") {
				t.Fatalf("err = %v, want register_incomplete saying %q", err, tc.want)
			}
			if reg := r.register(t, sessionID); reg.Locked() || len(reg.History) != 0 {
				t.Errorf("register locked=%v history=%v after a refused submit", reg.Locked(), reg.History)
			}
			if n := r.count(t, `SELECT count(*) FROM certificates`); n != 0 {
				t.Errorf("%d certificates issued by a refused submit", n)
			}
			if n := r.count(t, `SELECT count(*) FROM registers`); n != 0 {
				t.Errorf("refused submit wrote a registers row")
			}
		})
	}
}

func TestSubmitRefusals(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, r *rig, id int64, start time.Time) int64
		want  func(err error) bool
	}{
		{"before the start", func(t *testing.T, r *rig, id int64, start time.Time) int64 {
			r.Clock.Set(start.Add(-time.Second))
			return id
		}, func(err error) bool { return isProblem(err, attendance.ErrNotStarted) }},
		{"cancelled session", func(t *testing.T, r *rig, id int64, start time.Time) int64 {
			if err := r.Courses.CancelSession(ctx, id, "", r.Admin.ID); err != nil {
				t.Fatal(err)
			}
			r.Clock.Set(start)
			return id
		}, func(err error) bool { return isProblem(err, attendance.ErrSessionCancelled) }},
		{"unknown session", func(t *testing.T, r *rig, id int64, start time.Time) int64 {
			r.Clock.Set(start)
			return id + 1000
		}, func(err error) bool { return errors.Is(err, store.ErrNotFound) }},
		{"already submitted", func(t *testing.T, r *rig, id int64, start time.Time) int64 {
			r.Clock.Set(start)
			r.submit(t, id)
			return id
		}, func(err error) bool { return isProblem(err, attendance.ErrRegisterLocked) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			sessionID, start := r.session(t, 5)
			id := tc.setup(t, r, sessionID, start)
			history := r.count(t, `SELECT count(*) FROM register_history`)
			if _, err := r.Svc.Submit(ctx, id, r.Trainer.ID); !tc.want(err) {
				t.Fatalf("Submit: err = %v", err)
			}
			if got := r.count(t, `SELECT count(*) FROM register_history`); got != history {
				t.Errorf("register_history %d -> %d on a refused submit", history, got)
			}
		})
	}
}

func TestSubmitLocksTheRegister(t *testing.T) {
	r := newRig(t)
	sessionID, start := r.session(t, 5)
	b := r.book(t, sessionID, r.person(t))
	walker := r.person(t)
	r.Clock.Set(start.Add(time.Hour))
	r.mark(t, b.ID, attendance.Attended)
	submittedAt := r.Clock.Now()
	r.submit(t, sessionID)
	r.Clock.Advance(time.Minute)

	reg := r.register(t, sessionID)
	if !reg.Locked() || reg.Status != attendance.Submitted || reg.SubmittedBy != r.Trainer.Name || !reg.SubmittedAt.Equal(submittedAt) {
		t.Errorf("register status %s by %q at %v", reg.Status, reg.SubmittedBy, reg.SubmittedAt)
	}
	if len(reg.History) != 1 || reg.History[0].Action != "submitted" || reg.History[0].Actor != r.Trainer.Name ||
		!reg.History[0].At.Equal(submittedAt) {
		t.Errorf("history = %+v", reg.History)
	}

	for _, tc := range []struct {
		name string
		do   func() error
	}{
		{"mark", func() error { return r.Svc.SetMark(ctx, b.ID, attendance.Absent, r.Trainer.ID) }},
		{"mark everyone", func() error { _, err := r.Svc.MarkEveryoneAttended(ctx, sessionID, r.Trainer.ID); return err }},
		{"walk-in", func() error {
			_, err := r.Svc.AddWalkIn(ctx, attendance.WalkIn{SessionID: sessionID, Email: walker.Email, ActorID: r.Trainer.ID})
			return err
		}},
		{"submit again", func() error { _, err := r.Svc.Submit(ctx, sessionID, r.Trainer.ID); return err }},
	} {
		if err := tc.do(); !isProblem(err, attendance.ErrRegisterLocked) {
			t.Errorf("%s after submit: err = %v, want ErrRegisterLocked", tc.name, err)
		}
	}
	if got := r.attendanceOf(t, b.ID); got != attendance.Attended {
		t.Errorf("mark changed to %q on a locked register", got)
	}
	if n := r.count(t, `SELECT count(*) FROM register_history`); n != 1 {
		t.Errorf("%d register_history rows, want 1", n)
	}
	if n := r.count(t, `SELECT count(*) FROM certificates`); n != 1 {
		t.Errorf("%d certificates, want 1", n)
	}
}

func TestSubmitIssuesCertificatesToThoseWhoAttended(t *testing.T) {
	r := newRig(t)
	hospital := r.Env.Org(t, "Royal United Hospitals Bath NHS Foundation Trust", account.Health)
	provider := r.Env.Org(t, "NSPCC Learning", account.TrainingPartner)
	second := r.namedUser(t, "Tom Evans", "tom@example.org", r.Org.ID, account.Trainer)
	courseID := r.courseWith(t, course.CourseInput{Title: "Working Together to Safeguard Children", DurationMinutes: 210,
		ValidityMonths: 36, ProviderID: provider.ID})
	start := london(2027, 3, 30, 9, 30) // BST: 08:30 UTC
	sessionID := r.sessionAt(t, courseID, start, 10, r.Trainer.ID, second.ID)

	sean := r.namedUser(t, "Seán Ó Briain", "sean@example.org", r.Org.ID, account.Practitioner)
	zoe := r.namedUser(t, "Zoë Łukasz", "zoe@example.org", hospital.ID, account.Practitioner)
	part := r.person(t)
	absent := r.person(t)
	bSean, bZoe, bPart, bAbsent := r.book(t, sessionID, sean), r.book(t, sessionID, zoe), r.book(t, sessionID, part), r.book(t, sessionID, absent)

	r.Clock.Set(start.Add(4 * time.Hour))
	walker := r.namedUser(t, "Ngozi Adébáyọ̀", "ngozi@example.org", hospital.ID, account.Practitioner)
	walkID, err := r.Svc.AddWalkIn(ctx, attendance.WalkIn{SessionID: sessionID, Email: walker.Email, ActorID: r.Trainer.ID})
	if err != nil {
		t.Fatal(err)
	}
	r.mark(t, bPart.ID, attendance.Partial)
	r.mark(t, bAbsent.ID, attendance.Absent)
	if n, err := r.Svc.MarkEveryoneAttended(ctx, sessionID, r.Trainer.ID); err != nil || n != 2 {
		t.Fatalf("MarkEveryoneAttended = %d, %v", n, err)
	}
	r.Clock.Advance(10 * time.Minute)
	issuedAt := r.Clock.Now()
	out := r.submit(t, sessionID)
	if out != (attendance.Outcome{Issued: 3}) {
		t.Errorf("outcome %+v, want 3 issued", out)
	}

	wantExpiry := certificate.AddMonths(start, 36)
	if got := wantExpiry.In(clock.London).Format("2006-01-02 15:04"); got != "2030-03-30 00:00" {
		t.Fatalf("AddMonths gave %s", got)
	}
	for _, tc := range []struct {
		b     booking.Booking
		id    int64
		user  *account.User
		org   string
		email string
	}{
		{bSean, bSean.ID, sean, r.Org.Name, "sean@example.org"},
		{bZoe, bZoe.ID, zoe, hospital.Name, "zoe@example.org"},
		{booking.Booking{}, walkID, walker, hospital.Name, "ngozi@example.org"},
	} {
		c := r.liveCertificate(t, tc.id)
		if c.PersonName != tc.user.Name || c.Organisation != tc.org || c.CourseTitle != "Working Together to Safeguard Children" ||
			c.DurationMinutes != 210 || c.UserID != tc.user.ID || c.SessionID != sessionID || c.CourseID != courseID {
			t.Errorf("certificate %+v", c)
		}
		if !strings.HasSuffix(c.Trainer, ", NSPCC Learning") || !strings.Contains(c.Trainer, "Priya Shah") ||
			!strings.Contains(c.Trainer, "Tom Evans") {
			t.Errorf("trainer = %q, want both trainers then the provider", c.Trainer)
		}
		if !c.CompletedOn.Equal(london(2027, 3, 30, 0, 0)) {
			t.Errorf("completed on %v, want London midnight of 30 March 2027", c.CompletedOn)
		}
		if !c.ExpiresOn.Equal(wantExpiry) {
			t.Errorf("expires on %v, want %v", c.ExpiresOn, wantExpiry)
		}
		if !c.IssuedAt.Equal(issuedAt) || c.Revoked() || c.State(r.Clock.Now()) != "valid" {
			t.Errorf("issued %v revoked %v state %s", c.IssuedAt, c.Revoked(), c.State(r.Clock.Now()))
		}
		if certificate.NormaliseCode(c.Code) != c.Code {
			t.Errorf("code %q is not canonical", c.Code)
		}
		if n := r.outboxRows(t, string(outbox.CertificateIssued), tc.id); n != 1 {
			t.Errorf("booking %d: %d certificate emails, want 1", tc.id, n)
		}
		snap, to := r.certificatePayload(t, tc.id)
		if to != tc.email || snap.Code != c.Code || snap.PersonName != c.PersonName || snap.Organisation != c.Organisation ||
			snap.CourseTitle != c.CourseTitle || snap.DurationMinutes != 210 || snap.Trainer != c.Trainer ||
			!snap.ExpiresOn.Equal(wantExpiry) || !snap.IssuedAt.Equal(issuedAt) ||
			snap.CompletedOn.In(clock.London).Format("2006-01-02") != "2027-03-30" {
			t.Errorf("email to %s with snapshot %+v, certificate %+v", to, snap, c)
		}
	}
	for _, b := range []booking.Booking{bPart, bAbsent} {
		if n := r.count(t, `SELECT count(*) FROM certificates WHERE booking_id = ?`, b.ID); n != 0 {
			t.Errorf("booking %d (%s) has %d certificates", b.ID, r.attendanceOf(t, b.ID), n)
		}
		if n := r.count(t, `SELECT count(*) FROM outbox WHERE booking_id = ? AND kind IN (?, ?)`, b.ID,
			outbox.CertificateIssued, outbox.EvaluationRequested); n != 0 {
			t.Errorf("booking %d (%s) was sent %d certificate or evaluation emails", b.ID, r.attendanceOf(t, b.ID), n)
		}
	}
	if n := r.count(t, `SELECT count(*) FROM outbox WHERE kind = ?`, outbox.CertificateIssued); n != 3 {
		t.Errorf("%d certificate emails in all, want 3", n)
	}
	if n := r.count(t, `SELECT count(DISTINCT code) FROM certificates`); n != 3 {
		t.Errorf("%d distinct codes, want 3", n)
	}
}

func TestCertificateDatesAndExpiry(t *testing.T) {
	cases := []struct {
		name      string
		start     time.Time
		months    int
		completed string
		expires   string // "" never
	}{
		{"31 January plus a month is 28 February", london(2027, 1, 31, 10, 0), 1, "2027-01-31", "2027-02-28"},
		{"31 January plus a month in a leap year is 29 February", london(2028, 1, 31, 10, 0), 1, "2028-01-31", "2028-02-29"},
		{"29 February plus a year", london(2028, 2, 29, 9, 30), 12, "2028-02-29", "2029-02-28"},
		{"31 August plus 36 months", london(2027, 8, 31, 18, 0), 36, "2027-08-31", "2030-08-31"},
		{"just after midnight in summer is the London date", time.Date(2027, 6, 30, 23, 30, 0, 0, time.UTC), 12, "2027-07-01", "2028-07-01"},
		{"the night the clocks go back", london(2027, 10, 31, 0, 30), 1, "2027-10-31", "2027-11-30"},
		{"the day the clocks go forward", london(2027, 3, 28, 9, 0), 6, "2027-03-28", "2027-09-28"},
		{"no validity period never expires", london(2027, 5, 12, 9, 0), 0, "2027-05-12", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			courseID := r.courseWith(t, course.CourseInput{ValidityMonths: tc.months})
			sessionID := r.sessionAt(t, courseID, tc.start, 5, r.Trainer.ID)
			b := r.book(t, sessionID, r.person(t))
			r.Clock.Set(tc.start.Add(3 * time.Hour))
			r.mark(t, b.ID, attendance.Attended)
			if out := r.submit(t, sessionID); out.Issued != 1 {
				t.Fatalf("outcome %+v", out)
			}
			var completed, expires string
			if err := r.DB.R.QueryRowContext(ctx, `SELECT completed_on, COALESCE(expires_on, '') FROM certificates
				WHERE booking_id = ?`, b.ID).Scan(&completed, &expires); err != nil {
				t.Fatal(err)
			}
			if completed != tc.completed || expires != tc.expires {
				t.Errorf("stored completed_on %s expires_on %q, want %s %q", completed, expires, tc.completed, tc.expires)
			}
			c := r.liveCertificate(t, b.ID)
			if got := c.CompletedOn.In(clock.London).Format("2006-01-02 15:04"); got != tc.completed+" 00:00" {
				t.Errorf("CompletedOn = %s London", got)
			}
			if tc.expires == "" {
				if !c.ExpiresOn.IsZero() {
					t.Errorf("ExpiresOn = %v, want none", c.ExpiresOn)
				}
				return
			}
			if want := certificate.AddMonths(tc.start, tc.months); !c.ExpiresOn.Equal(want) {
				t.Errorf("ExpiresOn = %v, want AddMonths = %v", c.ExpiresOn, want)
			}
			if got := c.ExpiresOn.In(clock.London).Format("2006-01-02 15:04"); got != tc.expires+" 00:00" {
				t.Errorf("ExpiresOn = %s London, want %s 00:00", got, tc.expires)
			}
		})
	}
}

func TestCertificateTrainerLine(t *testing.T) {
	cases := []struct {
		name     string
		trainers bool
		provider bool
		want     string
	}{
		{"trainer only", true, false, "Priya Shah"},
		{"provider only", false, true, "Barnardo's Training"},
		{"trainer and provider", true, true, "Priya Shah, Barnardo's Training"},
		{"neither", false, false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			var in course.CourseInput
			if tc.provider {
				in.ProviderID = r.Env.Org(t, "Barnardo's Training", account.TrainingPartner).ID
			}
			var trainers []int64
			if tc.trainers {
				trainers = []int64{r.Trainer.ID}
			}
			start := r.Clock.Now().Add(48 * time.Hour)
			sessionID := r.sessionAt(t, r.courseWith(t, in), start, 5, trainers...)
			b := r.book(t, sessionID, r.person(t))
			r.Clock.Set(start)
			r.mark(t, b.ID, attendance.Attended)
			r.submit(t, sessionID)
			if got := r.liveCertificate(t, b.ID).Trainer; got != tc.want {
				t.Errorf("trainer = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSubmitAnEmptyRegister(t *testing.T) {
	r := newRig(t)
	sessionID, start := r.session(t, 5)
	r.Clock.Set(start)
	if out := r.submit(t, sessionID); out != (attendance.Outcome{}) {
		t.Errorf("outcome %+v for an empty register", out)
	}
	if !r.register(t, sessionID).Locked() {
		t.Error("empty register not locked")
	}
}
