package attendance_test

import (
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/certificate"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
)

func TestCompletionsListOnlyAttendanceOnSubmittedRegisters(t *testing.T) {
	r := newRig(t)
	u := r.person(t)
	other := r.person(t)
	now := r.Clock.Now()
	type plan struct {
		title  string
		start  time.Time
		mark   attendance.Mark // "" unmarked (someone else is marked so the register can be submitted)
		submit bool
		reopen bool
		listed bool
	}
	plans := []plan{
		{"Attended, submitted", now.Add(1 * 24 * time.Hour), attendance.Attended, true, false, true},
		{"Attended, register still open", now.Add(2 * 24 * time.Hour), attendance.Attended, false, false, false},
		{"Partly attended, submitted", now.Add(3 * 24 * time.Hour), attendance.Partial, true, false, false},
		{"Did not attend, submitted", now.Add(4 * 24 * time.Hour), attendance.Absent, true, false, false},
		{"Attended, submitted then reopened", now.Add(5 * 24 * time.Hour), attendance.Attended, true, true, false},
		{"Attended later, submitted", now.Add(6 * 24 * time.Hour), attendance.Attended, true, false, true},
	}
	ids := make([]int64, len(plans))
	for i, p := range plans {
		ids[i] = r.sessionAt(t, r.courseWith(t, course.CourseInput{Title: p.title, DurationMinutes: 90 + i}), p.start, 5, r.Trainer.ID)
	}
	// Someone else's attendance never shows on u's record.
	otherSession := r.sessionAt(t, r.courseWith(t, course.CourseInput{Title: "Someone else's course"}), now.Add(7*24*time.Hour), 5)
	ob := r.book(t, otherSession, other)
	// A waiting-list place on a full session is not a completion either.
	fullSession := r.sessionAt(t, r.courseWith(t, course.CourseInput{Title: "Full course"}), now.Add(8*24*time.Hour), 1)
	fb := r.book(t, fullSession, other)
	if w := r.book(t, fullSession, u); w.Status != booking.Waitlisted {
		t.Fatalf("waitlisted booking is %s", w.Status)
	}

	bookings := make([]booking.Booking, len(plans))
	for i := range plans {
		bookings[i] = r.book(t, ids[i], u)
	}
	for i, p := range plans {
		r.Clock.Set(p.start.Add(time.Hour))
		r.mark(t, bookings[i].ID, p.mark)
		if p.submit {
			r.submit(t, ids[i])
		}
		if p.reopen {
			r.reopen(t, ids[i])
		}
	}
	r.Clock.Set(now.Add(7*24*time.Hour + time.Hour))
	r.mark(t, ob.ID, attendance.Attended)
	r.submit(t, otherSession)
	r.Clock.Set(now.Add(8*24*time.Hour + time.Hour))
	r.mark(t, fb.ID, attendance.Attended)
	r.submit(t, fullSession)

	comps, err := r.Svc.Completions(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	var want []int // newest first
	for i := len(plans) - 1; i >= 0; i-- {
		if plans[i].listed {
			want = append(want, i)
		}
	}
	if len(comps) != len(want) {
		t.Fatalf("completions = %+v, want %d", comps, len(want))
	}
	for k, i := range want {
		c := comps[k]
		if c.CourseTitle != plans[i].title || c.BookingID != bookings[i].ID || c.SessionID != ids[i] ||
			!c.CompletedOn.Equal(plans[i].start) || c.DurationMinutes != 90+i || !c.ExpiresOn.IsZero() ||
			c.Status != certificate.StatusNone || c.AwaitingEvaluation || c.CertificateCode == "" {
			t.Errorf("completion %d = %+v, want %q", k, c, plans[i].title)
		}
		if want := r.liveCertificate(t, bookings[i].ID).Code; c.CertificateCode != want {
			t.Errorf("completion %d certificate %q, want %q", k, c.CertificateCode, want)
		}
		if c.CompletedLondon().Location() != clock.London || !c.CompletedLondon().Equal(c.CompletedOn) {
			t.Errorf("CompletedLondon = %v", c.CompletedLondon())
		}
	}
}

func TestCompletionStatusAsTheClockMoves(t *testing.T) {
	// 31 January 2027 + 15 months = 30 April 2028, in BST; "expiring" starts 90 days earlier,
	// at London midnight on 31 January 2028, in GMT.
	r := newRig(t)
	courseID := r.courseWith(t, course.CourseInput{ValidityMonths: 15})
	start := london(2027, 1, 31, 9, 30)
	sessionID := r.sessionAt(t, courseID, start, 5, r.Trainer.ID)
	b := r.book(t, sessionID, r.person(t))
	r.Clock.Set(start.Add(3 * time.Hour))
	r.mark(t, b.ID, attendance.Attended)
	r.submit(t, sessionID)

	expires := london(2028, 4, 30, 0, 0)
	if want := certificate.AddMonths(start, 15); !want.Equal(expires) {
		t.Fatalf("AddMonths = %v, want %v", want, expires)
	}
	for _, tc := range []struct {
		at   time.Time
		want certificate.Status
	}{
		{start.Add(3 * time.Hour), certificate.StatusCurrent},
		{london(2027, 12, 25, 12, 0), certificate.StatusCurrent},
		{london(2028, 1, 30, 23, 59), certificate.StatusCurrent},
		{london(2028, 1, 31, 0, 0), certificate.StatusExpiring},
		{london(2028, 3, 26, 12, 0), certificate.StatusExpiring}, // clocks have gone forward
		{expires.Add(-time.Second), certificate.StatusExpiring},
		{expires, certificate.StatusExpired},
		{london(2031, 1, 1, 0, 0), certificate.StatusExpired},
	} {
		r.Clock.Set(tc.at)
		comps, err := r.Svc.Completions(ctx, b.UserID)
		if err != nil || len(comps) != 1 {
			t.Fatalf("completions %+v, %v", comps, err)
		}
		c := comps[0]
		if c.Status != tc.want || !c.ExpiresOn.Equal(expires) {
			t.Errorf("at %v: %s (expires %v), want %s", tc.at.In(clock.London), c.Status, c.ExpiresOn, tc.want)
		}
		if got := certificate.ExpiryStatus(c.ExpiresOn, tc.at); got != c.Status {
			t.Errorf("at %v: completion says %s, ExpiryStatus says %s", tc.at, c.Status, got)
		}
		// The certificate says expired exactly when the record does.
		cert := r.liveCertificate(t, b.ID)
		if (cert.State(tc.at) == "expired") != (tc.want == certificate.StatusExpired) {
			t.Errorf("at %v: certificate %s but record %s", tc.at, cert.State(tc.at), tc.want)
		}
	}
}

func TestCompletionAwaitingEvaluation(t *testing.T) {
	e := newEvaluated(t)
	u := e.attended.UserID
	check := func(stage string, awaiting, hasCode bool) {
		t.Helper()
		comps, err := e.Svc.Completions(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if len(comps) != 1 || comps[0].AwaitingEvaluation != awaiting || (comps[0].CertificateCode != "") != hasCode {
			t.Errorf("%s: completions %+v, want awaiting=%v certificate=%v", stage, comps, awaiting, hasCode)
		}
		if len(comps) == 1 && comps[0].Status != certificate.StatusCurrent {
			t.Errorf("%s: status %s, want current", stage, comps[0].Status)
		}
	}
	if comps, err := e.Svc.Completions(ctx, u); err != nil || len(comps) != 0 {
		t.Fatalf("before submission: %+v, %v", comps, err)
	}
	e.submit(t, e.sessionID)
	check("submitted", true, false)
	e.Clock.Advance(48 * time.Hour)
	check("two days later", true, false)
	e.evaluate(t, e.attended, 4, 5, "", "")
	check("evaluated", false, true)
	if comps, _ := e.Svc.Completions(ctx, u); comps[0].CertificateCode != e.liveCertificate(t, e.attended.ID).Code {
		t.Errorf("completion code %q is not the certificate's", comps[0].CertificateCode)
	}
}

// TestRecordKeepsTheCertificatesExpiry: changing a course's validity later does not
// rewrite what an issued certificate says, and the record agrees with the certificate.
func TestRecordKeepsTheCertificatesExpiry(t *testing.T) {
	r := newRig(t)
	in := course.CourseInput{Title: "CSE awareness", ValidityMonths: 36}
	courseID := r.courseWith(t, in)
	start := r.Clock.Now().Add(7 * 24 * time.Hour)
	sid := r.sessionAt(t, courseID, start, 5, r.Trainer.ID)
	p := r.person(t)
	b := r.book(t, sid, p)
	r.Clock.Set(start.Add(time.Hour))
	r.mark(t, b.ID, attendance.Attended)
	r.submit(t, sid)
	issued := r.liveCertificate(t, b.ID).ExpiresOn

	in.Title, in.Summary, in.DurationMinutes, in.Status, in.ValidityMonths = "CSE awareness", "About it", 180, course.Published, 12
	if err := r.Courses.UpdateCourse(ctx, courseID, in); err != nil {
		t.Fatal(err)
	}
	done, err := r.Svc.Completions(ctx, p.ID)
	if err != nil || len(done) != 1 {
		t.Fatalf("completions: %v, %v", done, err)
	}
	if !done[0].ExpiresOn.Equal(issued) {
		t.Fatalf("record says %v, the certificate %v", done[0].ExpiresOn, issued)
	}
}
