package privacy

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/certificate"
	"github.com/traininghub/traininghub/internal/clock"
)

// readme explains the download in plain English; %s is replaced by the date.
const readme = `Everything this training service holds about you
==================================================

This download was made on %s. It holds every piece of personal data
the partnership's training service keeps about you. Dates and times in the
JSON files are in UTC; in the CSV files they are UK time.

person.json          Your account: name, email, job title, team, organisation,
                     roles, when it was created, when you last signed in, your
                     settings (two-factor sign-in on or off, calendar feed on or
                     off) and any single sign-on link (issuer and subject).
                     Passwords, tokens and secrets are never included: only
                     hashes of them are kept, and those are not given out either.
bookings.json        Every booking you made or that was made for you, with its
                     history: each change, when, and whether you, staff or the
                     system made it.
bookings.csv         The same bookings, one row each, for a spreadsheet.
attendance.csv       What the register says for each session you were booked on.
evaluations.json     The course evaluations you wrote.
impact-answers.json  Your answers to "did the training change your practice?",
                     asked some weeks after a course.
certificates.json    Your certificates: code, course, dates and whether each is
                     valid, expired or withdrawn.
certificates/        Each certificate that has not been withdrawn, as a PDF.
emails.json          The emails the service sent (or tried to send) you: date,
                     subject, status, and the text where it is still kept. Email
                     text is deleted after a set time (see the privacy notice).
api-tokens.json      The API tokens on your account: name, when made, last used,
                     when they expire. Never the token itself.
join-requests.json   Requests to join an organisation made when you registered.
account-merges.json  Duplicate accounts of yours that were merged into one.

To have something corrected or erased, contact the partnership's training team.
The privacy notice on the website explains your rights.
`

// ZIP writes the download: JSON and CSV files, and each certificate as a PDF drawn by the
// same renderer as the website. verifyBase is the site's address, for the certificates'
// verification links. It builds in memory so a failure never sends half a file.
func (s *Service) ZIP(x *Export, verifyBase string) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, body []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: x.GeneratedAt})
		if err != nil {
			return err
		}
		_, err = w.Write(body)
		return err
	}
	addJSON := func(name string, v any) error {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		return add(name, append(b, '\n'))
	}
	files := []struct {
		name string
		v    any
	}{
		{"person.json", x.Person}, {"bookings.json", x.Bookings}, {"evaluations.json", x.Evaluations}, {"impact-answers.json", x.Impact},
		{"certificates.json", x.Certificates}, {"emails.json", x.Emails}, {"api-tokens.json", x.APITokens},
		{"join-requests.json", x.JoinRequests}, {"account-merges.json", x.Merges},
	}
	text := strings.Replace(readme, "%s", x.GeneratedAt.In(clock.London).Format("2 January 2006 at 3:04pm"), 1)
	if err := add("README.txt", []byte(strings.ReplaceAll(text, "\n", "\r\n"))); err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := addJSON(f.name, f.v); err != nil {
			return nil, err
		}
	}
	bookings, attendance, err := bookingCSVs(x.Bookings)
	if err != nil {
		return nil, err
	}
	if err := add("bookings.csv", bookings); err != nil {
		return nil, err
	}
	if err := add("attendance.csv", attendance); err != nil {
		return nil, err
	}
	for _, k := range x.certs {
		if k.Revoked() {
			continue
		}
		pdf, err := certificate.PDF(k.Printable(s.Partnership, verifyBase+"/verify/"+k.Code))
		if err != nil {
			return nil, err
		}
		if err := add("certificates/certificate-"+k.Code+".pdf", pdf); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func bookingCSVs(bs []BookingRecord) (bookings, attendance []byte, err error) {
	rows := [][]string{{"Booking", "Course", "Starts", "Ends", "Where", "Status", "Walk-in", "Booked on", "Last change", "History"}}
	att := [][]string{{"Booking", "Course", "Session date", "Attendance", "Recorded"}}
	for _, b := range bs {
		var hist []string
		for _, h := range b.History {
			hist = append(hist, londonTime(h.At)+": "+h.Reason+" ("+h.By+")")
		}
		rows = append(rows, []string{strconv.FormatInt(b.ID, 10), b.Course, londonTime(b.StartsAt), londonTime(b.EndsAt),
			b.Where, b.Status, yesNo(b.WalkIn), londonTime(b.CreatedAt), londonTime(b.UpdatedAt), strings.Join(hist, "; ")})
		if b.Attendance != "" {
			recorded := ""
			if b.AttendanceAt != nil {
				recorded = londonTime(*b.AttendanceAt)
			}
			att = append(att, []string{strconv.FormatInt(b.ID, 10), b.Course, b.StartsAt.In(clock.London).Format("2006-01-02"),
				b.Attendance, recorded})
		}
	}
	if bookings, err = spreadsheetCSV(rows); err != nil {
		return nil, nil, err
	}
	attendance, err = spreadsheetCSV(att)
	return bookings, attendance, err
}

func londonTime(t time.Time) string { return t.In(clock.London).Format("2006-01-02 15:04") }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// spreadsheetCSV writes UTF-8 with a byte-order mark and CRLF, every cell neutralised so
// that none runs as a formula, as the site's other CSV exports do.
func spreadsheetCSV(rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	for _, row := range rows {
		safe := make([]string, len(row))
		for i, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				cell = "'" + cell
			}
			safe[i] = cell
		}
		if err := w.Write(safe); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
