package web_test

import (
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/course"
)

// recordPagePaths gives the learning-record, certificate and evaluation pages their
// addresses for pages_test.go. The certificate pages use the newest certificate when
// there is one (recordPageData makes one), else a well-formed code that is not issued;
// bookingID is the signed-in person's booking, for the evaluation form.
func (f *fixture) recordPagePaths(t *testing.T, bookingID int64) map[string]string {
	t.Helper()
	code := "7Q2KD-M9XWT-0BZ4H-RC5NE"
	_ = f.DB.R.QueryRow(`SELECT code FROM certificates ORDER BY id DESC LIMIT 1`).Scan(&code)
	return map[string]string{
		"/my/record":                       "/my/record",
		"/my/record.csv":                   "/my/record.csv",
		"/my/record.pdf":                   "/my/record.pdf",
		"/certificates/:code":              "/certificates/" + code + ".pdf",
		"/verify":                          "/verify",
		"/verify/:code":                    "/verify/" + code,
		"/evaluations/:booking_id":         "/evaluations/" + id(bookingID),
		"/impact/:booking_id":              "/impact/" + id(f.impactFollowUp(t, bookingID)),
		"/admin/courses/:id/evaluations":   "/admin/courses/" + id(f.CourseID) + "/evaluations",
		"/partner/courses/:id/evaluations": "/partner/courses/" + id(f.CourseID) + "/evaluations",
		"/admin/certificates/:code":        "/admin/certificates/" + code,
	}
}

// recordPageData issues a certificate, to someone else, so that the certificate pages
// have one to show. It moves the clock an hour or two on.
func (f *fixture) recordPageData(t *testing.T) {
	t.Helper()
	u := f.recPerson(t, "rhiannon@example.org", "Rhiannon Record", f.Police.ID)
	cid := f.recCourse(t, course.CourseInput{Title: "Record pages", ValidityMonths: 36})
	f.recAttend(t, f.Session(t, cid, time.Hour, 5), u)
}
