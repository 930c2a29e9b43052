package notify

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/mail/mailtest"
	"github.com/traininghub/traininghub/internal/outbox"
)

const certCode = "7Q2KD-M9XWT-0BZ4H-RC5NE"

// certificateEnvelope is a certificate issued for a session in British Summer Time that
// expires three years on.
func certificateEnvelope() outbox.Envelope {
	return outbox.Envelope{ID: 44, Kind: outbox.CertificateIssued,
		To: mail.Address{Name: "Siobhán Ó Briain", Email: "siobhan@example.org"},
		Payload: outbox.Payload{Certificate: &outbox.CertificateSnapshot{
			Code: strings.ToLower(certCode), PersonName: "Siobhán Ó Briain", Organisation: "Bath Police",
			CourseTitle: "Working Together to Safeguard Children", DurationMinutes: 180, Trainer: "Zoë Łukasz",
			CompletedOn: time.Date(2026, 6, 9, 23, 0, 0, 0, time.UTC), // London midnight, 10 June
			ExpiresOn:   time.Date(2029, 6, 9, 23, 0, 0, 0, time.UTC),
			IssuedAt:    time.Date(2026, 6, 10, 15, 0, 0, 0, time.UTC),
		}}}
}

func TestCertificateIssued(t *testing.T) {
	cfg := testConfig()
	cfg.Partnership = "Bath and North East Somerset Safeguarding Children Partnership"
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m, err := r.Render(certificateEnvelope())
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if want := "Your certificate: Working Together to Safeguard Children"; m.Subject != want {
		t.Errorf("subject = %q, want %q", m.Subject, want)
	}
	verify := "http://localhost:8080/verify/" + certCode
	for name, body := range map[string]string{"text": m.Text, "HTML": m.HTML} {
		for _, w := range []string{"Hello Siobhán Ó Briain", "Wednesday 10 June 2026", "Sunday 10 June 2029", certCode,
			verify, "http://localhost:8080/my/record", "is attached as a PDF"} {
			if !strings.Contains(body, w) {
				t.Errorf("%s body lacks %q:\n%s", name, w, body)
			}
		}
	}
	if !strings.Contains(m.HTML, `href="`+verify+`"`) {
		t.Errorf("HTML lacks the verification link:\n%s", m.HTML)
	}
	if m.Calendar != nil || m.CalendarMethod != "" {
		t.Error("a certificate email carries a calendar part")
	}
	if len(m.Attachments) != 1 {
		t.Fatalf("%d attachments, want 1", len(m.Attachments))
	}
	a := m.Attachments[0]
	if a.Filename != "certificate-"+certCode+".pdf" || a.ContentType != "application/pdf" || !bytes.HasPrefix(a.Data, []byte("%PDF")) {
		t.Errorf("attachment %q %q %.8q", a.Filename, a.ContentType, a.Data)
	}

	_, root := mailtest.ParseMessage(t, sendable(t, m))
	if got, want := root.Shape(), "multipart/mixed[multipart/alternative[text/plain,text/html],application/pdf]"; got != want {
		t.Fatalf("MIME shape %s, want %s", got, want)
	}
	pdf := root.Find("application/pdf")
	if !bytes.Equal(pdf.Body, a.Data) {
		t.Error("the PDF part does not decode to the certificate")
	}
	if cd := pdf.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "certificate-"+certCode+".pdf") {
		t.Errorf("Content-Disposition %q", cd)
	}

	// The same snapshot draws the same PDF: a resend attaches identical bytes.
	again, err := r.Render(certificateEnvelope())
	if err != nil || !bytes.Equal(again.Attachments[0].Data, a.Data) {
		t.Errorf("second render differs (err %v)", err)
	}

	// What the PDF prints, when poppler's pdftotext is here to read it.
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed: the PDF's text is not checked")
		return
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(a.Data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, w := range []string{"Siobhán Ó Briain", "Working Together to Safeguard Children", "10 June 2026", certCode,
		"Bath and North East Somerset Safeguarding Children Partnership", "10 June 2029"} {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q:\n%s", w, text)
		}
	}
}

func TestCertificatePartnershipDefaultsToSiteName(t *testing.T) {
	r := newTest(t)
	if r.cfg.Partnership != testConfig().SiteName {
		t.Errorf("Partnership = %q, want the site name", r.cfg.Partnership)
	}
}

func TestCertificateIssuedRefusesBadSnapshots(t *testing.T) {
	r := newTest(t)
	e := certificateEnvelope()
	e.Payload.Certificate = nil
	if _, err := r.Render(e); err == nil {
		t.Error("a certificate message without a snapshot rendered")
	}
	e = certificateEnvelope()
	e.Payload.Certificate.Code = "not a code"
	if _, err := r.Render(e); err == nil {
		t.Error("a certificate message with a bad code rendered")
	}
	e = certificateEnvelope()
	e.Payload.Certificate.PersonName = " "
	if _, err := r.Render(e); err == nil {
		t.Error("a certificate without a name rendered")
	}
}

func TestCertificateWithoutExpiry(t *testing.T) {
	r := newTest(t)
	e := certificateEnvelope()
	e.Payload.Certificate.ExpiresOn = time.Time{}
	m, err := r.Render(e)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "This training does not expire.") || strings.Contains(m.Text, "2029") {
		t.Errorf("text:\n%s", m.Text)
	}
}

func TestEvaluationRequested(t *testing.T) {
	r := newTest(t)
	m, err := r.Render(envelope(outbox.EvaluationRequested, snapshot()))
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if want := "Send your evaluation to get your certificate: Working Together to Safeguard Children"; m.Subject != want {
		t.Errorf("subject = %q, want %q", m.Subject, want)
	}
	link := "http://localhost:8080/evaluations/7"
	for name, body := range map[string]string{"text": m.Text, "HTML": m.HTML} {
		for _, w := range []string{"Hello Siobhan O", "Thank you for attending Working Together to Safeguard Children on Wednesday 10 June 2026",
			link, "http://localhost:8080/my/record"} {
			if !strings.Contains(body, w) && !strings.Contains(body, strings.ReplaceAll(w, "'", "&#39;")) {
				t.Errorf("%s body lacks %q:\n%s", name, w, body)
			}
		}
	}
	if !strings.Contains(m.HTML, `href="`+link+`"`) {
		t.Errorf("HTML lacks the evaluation link as a link:\n%s", m.HTML)
	}
	if strings.Contains(m.Text+m.HTML, "meet.example.org") {
		t.Error("the evaluation request carries the joining link")
	}
	if m.Calendar != nil || len(m.Attachments) != 0 {
		t.Error("the evaluation request carries a calendar part or an attachment")
	}
	_, root := mailtest.ParseMessage(t, sendable(t, m))
	if got, want := root.Shape(), "multipart/alternative[text/plain,text/html]"; got != want {
		t.Errorf("MIME shape %s, want %s", got, want)
	}
}
