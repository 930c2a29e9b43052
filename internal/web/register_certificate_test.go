package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// The certificate PDF page follows the API's rule (attendance.MayDownloadCertificate):
// the owner, admins and the trainers of the certificate's session; for anyone else the
// certificate does not exist.
func TestSessionTrainersDownloadTheirSessionsCertificates(t *testing.T) {
	f := newRegFixture(t)
	f.start()
	tom := f.signedIn(t, "tom@example.org")
	reg := f.registerURL(f.Mine)
	f.follow(t, tom, f.post(t, tom, reg+"/all", nil))
	mustContain(t, f.follow(t, tom, f.post(t, tom, reg+"/submit", nil)).Body, "3 certificates issued")
	var code string
	if err := f.DB.R.QueryRow(`SELECT code FROM certificates WHERE booking_id = ?`, f.PatB).Scan(&code); err != nil {
		t.Fatal(err)
	}
	path := "/certificates/" + code + ".pdf"

	for _, who := range []string{"tom@example.org", "pat@example.org", "ada@example.org"} {
		r := f.get(t, f.signedIn(t, who), path)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Body, "%PDF") {
			t.Errorf("%s downloads Pat's certificate: %d %.80q", who, r.Status, r.Body)
		}
	}

	// Another trainer, and another person from the same session, are told exactly what an
	// unknown code tells them.
	for _, who := range []string{"tia@example.org", "sean@example.org"} {
		c := f.signedIn(t, who)
		unknown := f.get(t, c, "/certificates/7Q2KD-M9XWT-0BZ4H-RC5NE.pdf")
		regWant(t, unknown, http.StatusNotFound, who+", unknown code")
		if r := f.get(t, c, path); r.Status != http.StatusNotFound || r.Body != unknown.Body {
			t.Errorf("%s downloads Pat's certificate: %d, want the unknown code's 404: %.300s", who, r.Status, r.Body)
		}
	}

	// A withdrawn certificate is gone for the trainer too.
	if err := f.Attendance.Revoke(context.Background(), code, "Wrong person", f.Admin.ID); err != nil {
		t.Fatal(err)
	}
	if r := f.get(t, tom, path); r.Status != http.StatusGone {
		t.Errorf("trainer, revoked: %d, want 410", r.Status)
	}
}
