package attendance_test

import (
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/certificate"
	"github.com/traininghub/traininghub/internal/course"
)

// issued is one certificate on a course with a validity period.
type issued struct {
	*rig
	b    booking.Booking
	cert attendance.Certificate
}

func newIssued(t *testing.T, validityMonths int) issued {
	t.Helper()
	r := newRig(t)
	courseID := r.courseWith(t, course.CourseInput{ValidityMonths: validityMonths})
	start := london(2027, 1, 31, 9, 30)
	sessionID := r.sessionAt(t, courseID, start, 5, r.Trainer.ID)
	b := r.book(t, sessionID, r.person(t))
	r.Clock.Set(start.Add(4 * time.Hour))
	r.mark(t, b.ID, attendance.Attended)
	r.submit(t, sessionID)
	return issued{rig: r, b: b, cert: r.liveCertificate(t, b.ID)}
}

func TestByCodeAcceptsHowPeopleTypeIt(t *testing.T) {
	is := newIssued(t, 0)
	// Give the certificate a known code with 0s and 1s in it, so the I/L/O confusions can
	// be typed.
	const code = "01ABC-DEF01-GHJK0-MN1PQ"
	if certificate.NormaliseCode(code) != code {
		t.Fatalf("test code %s is not canonical", code)
	}
	if _, err := is.DB.Exec(ctx, `UPDATE certificates SET code = ? WHERE id = ?`, code, is.cert.ID); err != nil {
		t.Fatal(err)
	}
	for _, typed := range []string{
		code,
		strings.ToLower(code),
		"01ABCDEF01GHJK0MN1PQ",
		"01abc def01 ghjk0 mn1pq",
		"  01ABC - DEF01 - GHJK0 - MN1PQ  ",
		"OIABC-DEFOL-GHJKO-MNIPQ", // O for 0, I and L for 1
		"olabc-defoi-ghjko-mnlpq",
		"01ABC\u2013DEF01\u2013GHJK0\u2013MN1PQ", // en dashes from a word processor
	} {
		c, err := is.Svc.ByCode(ctx, typed)
		if err != nil {
			t.Errorf("ByCode(%q): %v", typed, err)
			continue
		}
		if c.ID != is.cert.ID || c.Code != code || c.PersonName != is.cert.PersonName {
			t.Errorf("ByCode(%q) = %+v", typed, c)
		}
	}
}

func TestByCodeUnknown(t *testing.T) {
	is := newIssued(t, 0)
	for _, typed := range []string{
		"",
		"   ",
		certificate.NewCode(),              // well formed, never issued
		is.cert.Code[:len(is.cert.Code)-1], // one character short
		is.cert.Code + "0",                 // one too many
		strings.Replace(is.cert.Code, "-", "_", 1), // not a separator
		"UUUUU-UUUUU-UUUUU-UUUUU",                  // U is not in the alphabet
		"' OR 1=1 --",
		strings.Repeat("0", 1000),
	} {
		if typed == is.cert.Code {
			continue
		}
		_, err := is.Svc.ByCode(ctx, typed)
		if !isProblem(err, attendance.ErrCertificateNotFound) {
			t.Errorf("ByCode(%q): err = %v, want ErrCertificateNotFound", typed, err)
		}
	}
}

func TestCertificateStateOverTime(t *testing.T) {
	is := newIssued(t, 1) // 31 January 2027 + 1 month: expires at the start of 28 February
	expires := london(2027, 2, 28, 0, 0)
	if !is.cert.ExpiresOn.Equal(expires) {
		t.Fatalf("expires %v, want %v", is.cert.ExpiresOn, expires)
	}
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{london(2027, 1, 31, 14, 0), "valid"},
		{london(2027, 2, 27, 23, 59), "valid"},
		{expires.Add(-time.Second), "valid"},
		{expires, "expired"},
		{london(2027, 2, 28, 12, 0), "expired"},
		{london(2030, 1, 1, 0, 0), "expired"},
	} {
		is.Clock.Set(tc.at)
		c, err := is.Svc.ByCode(ctx, is.cert.Code)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.State(is.Clock.Now()); got != tc.want {
			t.Errorf("at %v: %s, want %s", tc.at, got, tc.want)
		}
	}

	// Revoking an expired certificate shows it as revoked.
	is.Clock.Set(london(2027, 3, 1, 9, 0))
	if err := is.Svc.Revoke(ctx, is.cert.Code, "Issued in error", is.Admin.ID); err != nil {
		t.Fatal(err)
	}
	c, err := is.Svc.ByCode(ctx, is.cert.Code)
	if err != nil || c.State(is.Clock.Now()) != "revoked" {
		t.Fatalf("after revoking: %+v, %v", c, err)
	}
}

func TestCertificateWithoutExpiryStaysValid(t *testing.T) {
	is := newIssued(t, 0)
	if !is.cert.ExpiresOn.IsZero() {
		t.Fatalf("expires %v", is.cert.ExpiresOn)
	}
	for _, at := range []time.Time{is.Clock.Now(), london(2040, 1, 1, 0, 0), london(2999, 12, 31, 23, 0)} {
		if got := is.cert.State(at); got != "valid" {
			t.Errorf("at %v: %s", at, got)
		}
	}
}

func TestRevoke(t *testing.T) {
	is := newIssued(t, 36)
	for _, reason := range []string{"", "  ", "two\nlines", strings.Repeat("r", 501)} {
		err := is.Svc.Revoke(ctx, is.cert.Code, reason, is.Admin.ID)
		if f := fields(t, err); f["reason"] == "" {
			t.Errorf("reason %q: fields %v", reason, f)
		}
	}
	wantProblem(t, is.Svc.Revoke(ctx, certificate.NewCode(), "Issued in error", is.Admin.ID), attendance.ErrCertificateNotFound)
	if c := is.liveCertificate(t, is.b.ID); c.Revoked() {
		t.Fatal("revoked by a refused call")
	}

	is.Clock.Advance(time.Hour)
	// Any typed form of the code will do.
	if err := is.Svc.Revoke(ctx, strings.ToLower(strings.ReplaceAll(is.cert.Code, "-", " ")), "  Person did not stay  ", is.Admin.ID); err != nil {
		t.Fatal(err)
	}
	c, err := is.Svc.ByCode(ctx, is.cert.Code)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Revoked() || c.State(is.Clock.Now()) != "revoked" || c.RevokeReason != "Person did not stay" ||
		!c.RevokedAt.Equal(is.Clock.Now()) {
		t.Errorf("revoked certificate %+v", c)
	}
	if n := is.count(t, `SELECT count(*) FROM certificates WHERE id = ? AND revoked_by = ?`, c.ID, is.Admin.ID); n != 1 {
		t.Error("revoked_by not recorded")
	}
	wantProblem(t, is.Svc.Revoke(ctx, is.cert.Code, "Again", is.Admin.ID), attendance.ErrAlreadyRevoked)
	again, _ := is.Svc.ByCode(ctx, is.cert.Code)
	if again.RevokeReason != "Person did not stay" || !again.RevokedAt.Equal(c.RevokedAt) {
		t.Errorf("second revoke changed the record: %+v", again)
	}
	// The learning record no longer shows a certificate for it.
	comps, err := is.Svc.Completions(ctx, is.b.UserID)
	if err != nil || len(comps) != 1 || comps[0].CertificateCode != "" {
		t.Errorf("completions %+v, %v", comps, err)
	}
}

func TestForUserListsNewestFirst(t *testing.T) {
	r := newRig(t)
	u := r.person(t)
	var sessions []int64
	starts := []time.Time{r.Clock.Now().Add(24 * time.Hour), r.Clock.Now().Add(10 * 24 * time.Hour)}
	for i, start := range starts {
		id := r.sessionAt(t, r.courseWith(t, course.CourseInput{Title: []string{"First course", "Second course"}[i]}), start, 5)
		sessions = append(sessions, id)
	}
	for i, id := range sessions {
		b := r.book(t, id, u)
		r.Clock.Set(starts[i])
		r.mark(t, b.ID, attendance.Attended)
		r.submit(t, id)
	}
	certs, err := r.Svc.ForUser(ctx, u.ID)
	if err != nil || len(certs) != 2 || certs[0].CourseTitle != "Second course" || certs[1].CourseTitle != "First course" {
		t.Fatalf("ForUser = %+v, %v", certs, err)
	}
	if others, err := r.Svc.ForUser(ctx, r.Trainer.ID); err != nil || len(others) != 0 {
		t.Errorf("trainer's certificates = %+v, %v", others, err)
	}
}

func TestPrintableCarriesTheFrozenFields(t *testing.T) {
	is := newIssued(t, 12)
	p := is.cert.Printable("B&NES Safeguarding Children Partnership", "https://training.example.org/verify/"+is.cert.Code)
	if p.Code != is.cert.Code || p.PersonName != is.cert.PersonName || p.CourseTitle != is.cert.CourseTitle ||
		!p.CompletedOn.Equal(is.cert.CompletedOn) || !p.ExpiresOn.Equal(is.cert.ExpiresOn) ||
		p.Partnership != "B&NES Safeguarding Children Partnership" || !p.IssuedAt.Equal(is.cert.IssuedAt) ||
		p.Trainer != is.cert.Trainer || p.Organisation != is.cert.Organisation || p.DurationMinutes != is.cert.DurationMinutes {
		t.Errorf("Printable = %+v from %+v", p, is.cert)
	}
}
