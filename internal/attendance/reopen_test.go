package attendance_test

import (
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/store"
)

func TestReopenNeedsAReason(t *testing.T) {
	r := newRig(t)
	sessionID, start := r.session(t, 5)
	r.Clock.Set(start)
	r.submit(t, sessionID)
	for _, reason := range []string{"", "   ", "\t\n", "line one\nline two", strings.Repeat("x", 501)} {
		err := r.Svc.Reopen(ctx, sessionID, r.Admin.ID, reason)
		if f := fields(t, err); f["reason"] == "" {
			t.Errorf("reason %q: fields %v, want reason", reason, f)
		}
	}
	if !r.register(t, sessionID).Locked() {
		t.Error("register reopened without a valid reason")
	}
	if n := r.count(t, `SELECT count(*) FROM register_history WHERE action = 'reopened'`); n != 0 {
		t.Errorf("%d reopened rows", n)
	}
}

func TestReopenRefusedWhenOpen(t *testing.T) {
	r := newRig(t)
	sessionID, start := r.session(t, 5)
	r.Clock.Set(start)
	// Never submitted.
	wantProblem(t, r.Svc.Reopen(ctx, sessionID, r.Admin.ID, "Typo"), attendance.ErrRegisterOpen)
	// Submitted, reopened, reopened again.
	r.submit(t, sessionID)
	r.reopen(t, sessionID)
	wantProblem(t, r.Svc.Reopen(ctx, sessionID, r.Admin.ID, "Again"), attendance.ErrRegisterOpen)
	// A session that does not exist has no register to reopen.
	wantProblem(t, r.Svc.Reopen(ctx, sessionID+1000, r.Admin.ID, "Typo"), attendance.ErrRegisterOpen)
	if n := r.count(t, `SELECT count(*) FROM register_history WHERE action = 'reopened'`); n != 1 {
		t.Errorf("%d reopened rows, want 1", n)
	}
}

func TestReopenHistory(t *testing.T) {
	r := newRig(t)
	sessionID, start := r.session(t, 5)
	b := r.book(t, sessionID, r.person(t))
	r.Clock.Set(start.Add(time.Hour))
	r.mark(t, b.ID, attendance.Attended)
	t1 := r.Clock.Now()
	r.submit(t, sessionID)
	r.Clock.Advance(24 * time.Hour)
	t2 := r.Clock.Now()
	if err := r.Svc.Reopen(ctx, sessionID, r.Admin.ID, "  Wrong person marked  "); err != nil {
		t.Fatal(err)
	}
	reg := r.register(t, sessionID)
	if reg.Locked() || reg.Status != attendance.Open {
		t.Fatalf("register %s after reopen", reg.Status)
	}
	// Marks can change again, and the change is recorded by whoever makes it.
	r.Clock.Advance(time.Minute)
	if err := r.Svc.SetMark(ctx, b.ID, attendance.Partial, r.Admin.ID); err != nil {
		t.Fatal(err)
	}
	if n := r.count(t, `SELECT count(*) FROM attendance_history WHERE booking_id = ? AND from_mark = 'attended'
		AND to_mark = 'partial' AND actor_id = ?`, b.ID, r.Admin.ID); n != 1 {
		t.Errorf("correction not in the booking history")
	}
	r.Clock.Advance(time.Minute)
	t3 := r.Clock.Now()
	if _, err := r.Svc.Submit(ctx, sessionID, r.Admin.ID); err != nil {
		t.Fatal(err)
	}
	reg = r.register(t, sessionID)
	want := []attendance.RegisterEvent{
		{Action: "submitted", Actor: r.Trainer.Name, At: t1},
		{Action: "reopened", Actor: r.Admin.Name, Reason: "Wrong person marked", At: t2},
		{Action: "submitted", Actor: r.Admin.Name, At: t3},
	}
	if len(reg.History) != len(want) {
		t.Fatalf("history = %+v", reg.History)
	}
	for i, w := range want {
		g := reg.History[i]
		if g.Action != w.Action || g.Actor != w.Actor || g.Reason != w.Reason || !g.At.Equal(w.At) {
			t.Errorf("history[%d] = %+v, want %+v", i, g, w)
		}
	}
	if !reg.Locked() || reg.SubmittedBy != r.Admin.Name || !reg.SubmittedAt.Equal(t3) {
		t.Errorf("register %s by %s at %v", reg.Status, reg.SubmittedBy, reg.SubmittedAt)
	}
}

func TestCorrectionsAfterReopen(t *testing.T) {
	type step struct {
		marks map[string]attendance.Mark // by person: "a", "b"
		want  attendance.Outcome
		live  map[string]int // live certificates per person afterwards
		all   map[string]int // certificates ever issued per person afterwards
	}
	cases := []struct {
		name  string
		first map[string]attendance.Mark
		then  []step
	}{
		{
			name:  "attended corrected to absent revokes",
			first: map[string]attendance.Mark{"a": attendance.Attended, "b": attendance.Attended},
			then: []step{{
				marks: map[string]attendance.Mark{"a": attendance.Absent},
				want:  attendance.Outcome{Withdrawn: 1},
				live:  map[string]int{"a": 0, "b": 1}, all: map[string]int{"a": 1, "b": 1},
			}},
		},
		{
			name:  "attended corrected to partial revokes",
			first: map[string]attendance.Mark{"a": attendance.Attended, "b": attendance.Absent},
			then: []step{{
				marks: map[string]attendance.Mark{"a": attendance.Partial},
				want:  attendance.Outcome{Withdrawn: 1},
				live:  map[string]int{"a": 0, "b": 0}, all: map[string]int{"a": 1, "b": 0},
			}},
		},
		{
			name:  "absent corrected to attended issues",
			first: map[string]attendance.Mark{"a": attendance.Attended, "b": attendance.Absent},
			then: []step{{
				marks: map[string]attendance.Mark{"b": attendance.Attended},
				want:  attendance.Outcome{Issued: 1},
				live:  map[string]int{"a": 1, "b": 1}, all: map[string]int{"a": 1, "b": 1},
			}},
		},
		{
			name:  "the two swapped",
			first: map[string]attendance.Mark{"a": attendance.Attended, "b": attendance.Absent},
			then: []step{{
				marks: map[string]attendance.Mark{"a": attendance.Absent, "b": attendance.Attended},
				want:  attendance.Outcome{Issued: 1, Withdrawn: 1},
				live:  map[string]int{"a": 0, "b": 1}, all: map[string]int{"a": 1, "b": 1},
			}},
		},
		{
			name:  "resubmitted without changes issues nothing",
			first: map[string]attendance.Mark{"a": attendance.Attended, "b": attendance.Partial},
			then: []step{
				{want: attendance.Outcome{}, live: map[string]int{"a": 1, "b": 0}, all: map[string]int{"a": 1, "b": 0}},
				{want: attendance.Outcome{}, live: map[string]int{"a": 1, "b": 0}, all: map[string]int{"a": 1, "b": 0}},
			},
		},
		{
			name:  "revoked, reissued, then the other revoked",
			first: map[string]attendance.Mark{"a": attendance.Attended, "b": attendance.Attended},
			then: []step{{
				marks: map[string]attendance.Mark{"a": attendance.Absent},
				want:  attendance.Outcome{Withdrawn: 1},
				live:  map[string]int{"a": 0, "b": 1}, all: map[string]int{"a": 1, "b": 1},
			}, {
				marks: map[string]attendance.Mark{"a": attendance.Attended},
				want:  attendance.Outcome{Issued: 1},
				live:  map[string]int{"a": 1, "b": 1}, all: map[string]int{"a": 2, "b": 1},
			}, {
				marks: map[string]attendance.Mark{"b": attendance.Absent},
				want:  attendance.Outcome{Withdrawn: 1},
				live:  map[string]int{"a": 1, "b": 0}, all: map[string]int{"a": 2, "b": 1},
			}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			sessionID, start := r.session(t, 5)
			bs := map[string]booking.Booking{"a": r.book(t, sessionID, r.person(t)), "b": r.book(t, sessionID, r.person(t))}
			r.Clock.Set(start.Add(3 * time.Hour))
			for who, m := range tc.first {
				r.mark(t, bs[who].ID, m)
			}
			r.submit(t, sessionID)
			codes := map[string]string{}
			for who := range bs {
				if r.liveCertificates(t, bs[who].ID) == 1 {
					codes[who] = r.liveCertificate(t, bs[who].ID).Code
				}
			}
			for i, st := range tc.then {
				r.Clock.Advance(24 * time.Hour)
				r.reopen(t, sessionID)
				for who, m := range st.marks {
					if err := r.Svc.SetMark(ctx, bs[who].ID, m, r.Admin.ID); err != nil {
						t.Fatal(err)
					}
				}
				// The confirmation page's preview says beforehand what the submit then does.
				preview, err := r.Svc.Preview(ctx, sessionID)
				if err != nil {
					t.Fatal(err)
				}
				out, err := r.Svc.Submit(ctx, sessionID, r.Admin.ID)
				if err != nil {
					t.Fatal(err)
				}
				if preview.Outcome != out || len(preview.Losing) != out.Withdrawn {
					t.Errorf("step %d: preview %+v, but submit did %+v", i, preview, out)
				}
				for _, lost := range preview.Losing {
					if r.liveCertificates(t, lost) != 0 {
						t.Errorf("step %d: booking %d was to lose its certificate and still holds one", i, lost)
					}
				}
				for _, kept := range preview.Keeping {
					if r.liveCertificates(t, kept) != 1 || r.attendanceOf(t, kept) != attendance.Attended {
						t.Errorf("step %d: booking %d was to keep its certificate", i, kept)
					}
				}
				if out != st.want {
					t.Errorf("step %d: outcome %+v, want %+v", i, out, st.want)
				}
				for who, b := range bs {
					live := r.liveCertificates(t, b.ID)
					all := r.count(t, `SELECT count(*) FROM certificates WHERE booking_id = ?`, b.ID)
					emails := r.outboxRows(t, string(outbox.CertificateIssued), b.ID)
					if live != st.live[who] || all != st.all[who] || emails != all {
						t.Errorf("step %d, %s: %d live, %d issued, %d emails; want %d live, %d issued, as many emails",
							i, who, live, all, emails, st.live[who], st.all[who])
					}
					if code, had := codes[who]; had {
						c, err := r.Svc.ByCode(ctx, code)
						if err != nil {
							t.Fatal(err)
						}
						wantState := "valid"
						if st.live[who] == 0 || r.liveCertificate(t, b.ID).Code != code {
							wantState = "revoked"
						}
						if got := c.State(r.Clock.Now()); got != wantState {
							t.Errorf("step %d, %s: first certificate %s, want %s", i, who, got, wantState)
						}
						if wantState == "revoked" && (c.RevokeReason == "" || c.RevokedAt.IsZero()) {
							t.Errorf("revoked certificate without reason or time: %+v", c)
						}
					}
				}
			}
		})
	}
}

func TestChangedAndChangedBackBeforeResubmittingKeepsTheCertificate(t *testing.T) {
	r := newRig(t)
	sessionID, start := r.session(t, 5)
	b := r.book(t, sessionID, r.person(t))
	r.Clock.Set(start)
	r.mark(t, b.ID, attendance.Attended)
	r.submit(t, sessionID)
	code := r.liveCertificate(t, b.ID).Code
	r.reopen(t, sessionID)
	r.mark(t, b.ID, attendance.Absent)
	r.mark(t, b.ID, attendance.Attended)
	if out := r.submit(t, sessionID); out != (attendance.Outcome{}) {
		t.Errorf("outcome %+v, want nothing", out)
	}
	if c := r.liveCertificate(t, b.ID); c.Code != code {
		t.Errorf("certificate %s replaced by %s", code, c.Code)
	}
	if n := r.markHistory(t, b.ID); n != 3 {
		t.Errorf("%d history rows, want 3 (attended, absent, attended)", n)
	}
}

func TestWithdrawnCertificateRecordsWhoAndWhen(t *testing.T) {
	r := newRig(t)
	sessionID, start := r.session(t, 5)
	b := r.book(t, sessionID, r.person(t))
	r.Clock.Set(start)
	r.mark(t, b.ID, attendance.Attended)
	r.submit(t, sessionID)
	code := r.liveCertificate(t, b.ID).Code
	r.Clock.Advance(48 * time.Hour)
	r.reopen(t, sessionID)
	if err := r.Svc.SetMark(ctx, b.ID, attendance.Absent, r.Admin.ID); err != nil {
		t.Fatal(err)
	}
	if out, err := r.Svc.Submit(ctx, sessionID, r.Admin.ID); err != nil || out.Withdrawn != 1 {
		t.Fatalf("Submit = %+v, %v", out, err)
	}
	c, err := r.Svc.ByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if c.State(r.Clock.Now()) != "revoked" || !c.RevokedAt.Equal(r.Clock.Now()) {
		t.Errorf("certificate %+v", c)
	}
	if n := r.count(t, `SELECT count(*) FROM certificates WHERE code = ? AND revoked_by = ? AND revoked_at = ?`,
		code, r.Admin.ID, store.FormatTime(r.Clock.Now())); n != 1 {
		t.Error("revocation does not record the admin who resubmitted")
	}
	// The person's learning record no longer shows the course.
	comps, err := r.Svc.Completions(ctx, b.UserID)
	if err != nil || len(comps) != 0 {
		t.Errorf("completions = %+v, %v; want none", comps, err)
	}
	// And their certificate list keeps the revoked one.
	certs, err := r.Svc.ForUser(ctx, b.UserID)
	if err != nil || len(certs) != 1 || !certs[0].Revoked() {
		t.Errorf("ForUser = %+v, %v", certs, err)
	}
}

func TestOneLiveCertificatePerBooking(t *testing.T) {
	r := newRig(t)
	sessionID, start := r.session(t, 5)
	b := r.book(t, sessionID, r.person(t))
	r.Clock.Set(start)
	r.mark(t, b.ID, attendance.Attended)
	r.submit(t, sessionID)
	c := r.liveCertificate(t, b.ID)
	// The database itself refuses a second valid certificate for the booking.
	_, err := r.DB.Exec(ctx, `INSERT INTO certificates (code, booking_id, user_id, course_id, session_id, person_name,
		organisation, course_title, completed_on, duration_minutes, issued_at) VALUES (?, ?, ?, ?, ?, 'x', 'x', 'x', '2026-12-02', 60, ?)`,
		"00000-00000-00000-00000", b.ID, c.UserID, c.CourseID, c.SessionID, store.FormatTime(r.Clock.Now()))
	if !store.IsConstraint(err) {
		t.Errorf("second live certificate: err = %v, want a constraint violation", err)
	}
}

// TestAdminRevocationSurvivesResubmission: a certificate an admin revoked is not quietly
// reissued when the register is later reopened and submitted again for another reason.
func TestAdminRevocationSurvivesResubmission(t *testing.T) {
	r := newRig(t)
	sid, start := r.session(t, 5)
	b := r.book(t, sid, r.person(t))
	r.Clock.Set(start.Add(time.Hour))
	r.mark(t, b.ID, attendance.Attended)
	if out := r.submit(t, sid); out.Issued != 1 {
		t.Fatalf("issued %d, want 1", out.Issued)
	}
	code := r.liveCertificate(t, b.ID).Code
	if err := r.Svc.Revoke(ctx, code, "Issued to the wrong person", r.Admin.ID); err != nil {
		t.Fatal(err)
	}
	r.reopen(t, sid)
	if out := r.submit(t, sid); out.Issued != 0 {
		t.Fatalf("resubmitting reissued %d certificates after an admin revoked one", out.Issued)
	}
	if n := r.liveCertificates(t, b.ID); n != 0 {
		t.Fatalf("%d live certificates after resubmission, want 0", n)
	}
}
