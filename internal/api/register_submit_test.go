package api_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/course"
)

type submittedBody struct {
	regBody
	Outcome struct {
		CertificatesIssued    int `json:"certificates_issued"`
		AwaitingEvaluation    int `json:"awaiting_evaluation"`
		CertificatesWithdrawn int `json:"certificates_withdrawn"`
	} `json:"outcome"`
}

func TestRegisterAPISubmit(t *testing.T) {
	f := newRegAPI(t)
	submit := func(sessionID int64, token string, body any) response {
		return f.do(http.MethodPost, regPath("sessions", sessionID, "/register/submit"), token, body)
	}
	locked := func() bool {
		return f.countRows(t, `SELECT count(*) FROM registers WHERE session_id = ? AND status = 'submitted'`, f.mine) == 1
	}

	// Who may: the session's trainers and admins; other trainers are told it does not exist.
	want(t, submit(f.mine, "", nil), http.StatusUnauthorized, "anonymous")
	want(t, submit(f.mine, f.pracToken, nil), http.StatusForbidden, "practitioner")
	unknown := submit(999999, f.tiaToken, nil)
	want(t, unknown, http.StatusNotFound, "unknown session")
	r := submit(f.mine, f.tiaToken, nil)
	want(t, r, http.StatusNotFound, "another trainer's session")
	if string(r.Body) != string(unknown.Body) {
		t.Errorf("bodies differ: %s vs %s", r.Body, unknown.Body)
	}

	// When: not before the start, not with anyone unmarked, not with a body it cannot read.
	r = submit(f.mine, f.tomToken, nil)
	want(t, r, http.StatusUnprocessableEntity, "before the start")
	if r.errorCode() != "session_not_started" {
		t.Fatalf("before the start: %s", r.Body)
	}
	f.Clock.Set(f.starts.Add(time.Hour))
	r = submit(f.mine, f.tomToken, "{}")
	want(t, r, http.StatusUnprocessableEntity, "someone unmarked")
	if r.errorCode() != "register_incomplete" || !strings.Contains(string(r.Body), "1 person is not marked yet") {
		t.Fatalf("someone unmarked: %s", r.Body)
	}
	want(t, submit(f.mine, f.tomToken, `{"force":true}`), http.StatusBadRequest, "unknown field")
	if locked() || f.countRows(t, `SELECT count(*) FROM certificates`) != 0 {
		t.Fatal("a refused submit locked the register or issued a certificate")
	}

	want(t, f.do(http.MethodPut, regPath("bookings", f.patB, "/attendance"), f.tomToken, map[string]string{"status": "attended"}),
		http.StatusOK, "mark")
	r = submit(f.mine, f.tomToken, nil)
	want(t, r, http.StatusOK, "submit")
	var got submittedBody
	r.Into(t, &got)
	if got.SessionID != f.mine || got.Status != "submitted" || got.SubmittedAt == nil ||
		!got.SubmittedAt.Equal(f.Clock.Now().Truncate(time.Second)) || len(got.Entries) != 1 ||
		got.Entries[0].Attendance == nil || *got.Entries[0].Attendance != "attended" ||
		got.Outcome.CertificatesIssued != 1 || got.Outcome.AwaitingEvaluation != 0 || got.Outcome.CertificatesWithdrawn != 0 {
		t.Fatalf("submit answered %s", r.Body)
	}
	if !locked() || f.countRows(t, `SELECT count(*) FROM certificates WHERE booking_id = ? AND revoked_at IS NULL`, f.patB) != 1 {
		t.Fatal("the register is not locked, or Pat has no certificate")
	}
	var submittedBy int64
	if err := f.DB.R.QueryRow(`SELECT submitted_by FROM registers WHERE session_id = ?`, f.mine).Scan(&submittedBy); err != nil || submittedBy != f.tom.ID {
		t.Errorf("submitted by %d (%v), want Tom", submittedBy, err)
	}

	// Sending it again changes nothing and says why.
	r = submit(f.mine, f.tomToken, nil)
	want(t, r, http.StatusConflict, "submitted twice")
	if r.errorCode() != "register_submitted" || f.countRows(t, `SELECT count(*) FROM certificates`) != 1 {
		t.Fatalf("submitted twice: %s", r.Body)
	}

	// A cancelled session has no register to submit; admins reach any session.
	ctx := context.Background()
	s, err := f.Courses.Session(ctx, f.theirs)
	if err != nil {
		t.Fatal(err)
	}
	cancelled, err := f.Courses.CreateSession(ctx, course.SessionInput{CourseID: s.CourseID, StartsAt: f.Clock.Now().Add(24 * time.Hour),
		EndsAt: f.Clock.Now().Add(26 * time.Hour), Venue: "Bath", Capacity: 5, TrainerIDs: []int64{f.tom.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Courses.CancelSession(ctx, cancelled, "Trainer ill", f.admin.ID); err != nil {
		t.Fatal(err)
	}
	r = submit(cancelled, f.tomToken, nil)
	want(t, r, http.StatusConflict, "cancelled session")
	if r.errorCode() != "session_cancelled" {
		t.Fatalf("cancelled session: %s", r.Body)
	}
	want(t, f.do(http.MethodPut, regPath("bookings", f.thB, "/attendance"), f.adminToken, map[string]string{"status": "absent"}),
		http.StatusOK, "admin marks")
	r = submit(f.theirs, f.adminToken, nil)
	want(t, r, http.StatusOK, "admin submits another trainer's register")
	r.Into(t, &got)
	if got.Outcome.CertificatesIssued != 0 || got.Status != "submitted" {
		t.Fatalf("admin submit: %s", r.Body)
	}
}

func (f *regAPI) countRows(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.DB.R.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCertificatePDFAPI(t *testing.T) {
	f := newRegAPI(t)
	f.Clock.Set(f.starts.Add(time.Hour))
	want(t, f.do(http.MethodPut, regPath("bookings", f.patB, "/attendance"), f.tomToken, map[string]string{"status": "attended"}),
		http.StatusOK, "mark")
	want(t, f.do(http.MethodPost, regPath("sessions", f.mine, "/register/submit"), f.tomToken, nil), http.StatusOK, "submit")

	// The owner's record links to the PDF with an absolute address.
	r := f.do(http.MethodGet, "/api/v1/me/record", f.pracToken, nil)
	want(t, r, http.StatusOK, "record")
	var rec struct {
		Completions []struct {
			CertificateCode   *string `json:"certificate_code"`
			CertificatePDFURL *string `json:"certificate_pdf_url"`
		} `json:"completions"`
	}
	r.Into(t, &rec)
	if len(rec.Completions) != 1 || rec.Completions[0].CertificateCode == nil || rec.Completions[0].CertificatePDFURL == nil {
		t.Fatalf("record: %s", r.Body)
	}
	code, link := *rec.Completions[0].CertificateCode, *rec.Completions[0].CertificatePDFURL
	if link != f.URL+"/api/v1/certificates/"+code+"/pdf" {
		t.Fatalf("certificate_pdf_url %q, want %q", link, f.URL+"/api/v1/certificates/"+code+"/pdf")
	}

	pdf := func(who, token string) {
		t.Helper()
		r := call(t, nil, http.MethodGet, link, token, nil)
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(r.Body, []byte("%PDF")) {
			t.Fatalf("%s: %d %q %.80q", who, r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="certificate-`+code+`.pdf"` {
			t.Errorf("%s: Content-Disposition %q", who, cd)
		}
	}
	pdf("owner", f.pracToken)
	pdf("the session's trainer", f.tomToken)
	pdf("admin", f.adminToken)
	// The code may be written as people type it.
	lower := f.do(http.MethodGet, "/api/v1/certificates/"+strings.ToLower(strings.ReplaceAll(code, "-", ""))+"/pdf", f.pracToken, nil)
	if lower.Status != http.StatusOK || !bytes.HasPrefix(lower.Body, []byte("%PDF")) {
		t.Errorf("code as typed: %d", lower.Status)
	}

	// Everyone else: exactly as if the certificate did not exist.
	unknown := f.do(http.MethodGet, "/api/v1/certificates/7Q2KD-M9XWT-0BZ4H-RC5NE/pdf", f.otherToken, nil)
	want(t, unknown, http.StatusNotFound, "unknown code")
	for who, token := range map[string]string{"another practitioner": f.otherToken, "another trainer": f.tiaToken} {
		r := call(t, nil, http.MethodGet, link, token, nil)
		want(t, r, http.StatusNotFound, who)
		if string(r.Body) != string(unknown.Body) {
			t.Errorf("%s: %s, want the unknown code's answer %s", who, r.Body, unknown.Body)
		}
	}
	want(t, call(t, nil, http.MethodGet, link, "", nil), http.StatusUnauthorized, "anonymous")

	// A withdrawn certificate is gone, for its owner too.
	if err := f.Attendance.Revoke(context.Background(), code, "Wrong person", f.admin.ID); err != nil {
		t.Fatal(err)
	}
	r = call(t, nil, http.MethodGet, link, f.pracToken, nil)
	want(t, r, http.StatusGone, "revoked")
	if r.errorCode() != "certificate_revoked" {
		t.Errorf("revoked: %s", r.Body)
	}
}
