package certificate

import (
	"bytes"
	"errors"
	"net/url"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Certificate is everything printed on a certificate of attendance, frozen at issue, so
// the PDF can be drawn again at any time and come out byte for byte the same.
type Certificate struct {
	Code            string    // public verification code (NewCode); printed in canonical form
	PersonName      string    // as the person wrote it: "Seán Ó Briain", "Zoë Łukasz"
	Organisation    string    // the person's organisation; may be empty
	CourseTitle     string    // the course as it was titled when the session ran
	CompletedOn     time.Time // the session date, shown in Europe/London as "30 March 2026"
	DurationMinutes int       // shown as "3 hours" and "3 CPD hours"; 0 leaves both out
	Trainer         string    // trainer name(s) or provider organisation; may be empty
	Partnership     string    // e.g. "Bath and North East Somerset Safeguarding Children Partnership"
	ExpiresOn       time.Time // zero when the training does not expire
	VerifyURL       string    // e.g. https://training.example.org/verify/CODE, encoded in the QR code
	IssuedAt        time.Time // the PDF's creation date, so identical inputs give identical bytes
}

// Errors for a certificate that cannot be drawn; each names the missing piece so the
// caller's log says what to fix.
var (
	ErrInvalidCode    = errors.New("certificate: code is not a valid verification code")
	ErrMissingName    = errors.New("certificate: person name is empty")
	ErrMissingCourse  = errors.New("certificate: course title is empty")
	ErrMissingDate    = errors.New("certificate: completion date is zero")
	ErrInvalidURL     = errors.New("certificate: verification URL is not an absolute http(s) URL")
	ErrMissingIssued  = errors.New("certificate: issue time is zero")
	ErrNegativeLength = errors.New("certificate: duration is negative")
)

// Page geometry of the certificate, in millimetres (A4 landscape).
const (
	certW      = 297.0
	certH      = 210.0
	certMargin = 30.0         // left and right edge of the printed content
	certTop    = 16.0         // highest the heading may start, inside the frame
	certBottom = certH - 22.0 // lowest the details may reach
	qrSize     = 36.0         // printed side of the QR code, quiet zone included
	ruleGap    = 12.0         // space above the name, with the short teal rule in it
)

// PDF draws the certificate of attendance: A4 landscape, the partnership's teal frame, the
// person's name large, the course, date, duration and CPD hours, trainer, organisation,
// expiry when there is one, and the verification code with a QR code that opens VerifyURL.
// It is safe for concurrent use and deterministic: the same Certificate always gives the
// same bytes.
func PDF(c Certificate) ([]byte, error) {
	code, err := c.validate()
	if err != nil {
		return nil, err
	}
	verify := strings.TrimSpace(c.VerifyURL)
	qr, err := qrPNG(verify)
	if err != nil {
		return nil, err
	}
	name, course := line(c.PersonName), line(c.CourseTitle)

	f := newDoc("L", "Certificate of attendance: "+name+", "+course, line(c.Partnership), c.IssuedAt, false)
	f.SetSubject(course, true)
	f.SetMargins(certMargin, certTop, certMargin)
	f.SetAutoPageBreak(false, 0)
	f.AddPage()

	// Frame: a strong outer line and a fine inner one, both in the partnership's teal.
	f.draw(teal)
	f.SetLineWidth(1.4)
	f.Rect(9, 9, certW-18, certH-18, "D")
	f.SetLineWidth(0.3)
	f.Rect(12.5, 12.5, certW-25, certH-25, "D")

	// The details are anchored to the foot of the page; the heading is centred in the
	// space left above them, whatever wraps.
	detailsTop := f.certDetails(c, code, verify, qr)
	f.certHeading(c, detailsTop-5)
	return f.bytes()
}

// certHeading draws the centred heading block (partnership, title, name, organisation,
// "attended", course) in the middle of the space between certTop and bottom.
func (f *pdfDoc) certHeading(c Certificate, bottom float64) {
	contentW := certW - 2*certMargin
	type heading struct {
		style     string
		size, gap float64 // gap is the space above, in millimetres
		colour    rgb
		lines     []string
		ruleAbove bool
	}
	var block []heading
	add := func(text, style string, max, min, gap float64, maxLines int, colour rgb) {
		size := f.fit(text, style, max, min, contentW)
		block = append(block, heading{style, size, gap, colour, f.clip(f.wrap(text, contentW), maxLines, contentW), false})
	}
	if p := line(c.Partnership); p != "" {
		add(p, "B", 13, 10, 0, 2, teal)
	}
	add("Certificate of attendance", "", 32, 32, 4, 1, ink)
	add(line(c.PersonName), "B", 36, 20, ruleGap, 2, ink)
	block[len(block)-1].ruleAbove = true
	if org := line(c.Organisation); org != "" {
		add(org, "", 14, 11, 1, 2, muted)
	}
	add("attended", "", 12.5, 12.5, 5, 1, muted)
	add(line(c.CourseTitle), "B", 22, 15, 2, 3, teal)

	height := 0.0
	for _, h := range block {
		height += h.gap + float64(len(h.lines))*lineHeight(h.size)
	}
	y := max(certTop, certTop+(bottom-certTop-height)/2)
	for _, h := range block {
		y += h.gap
		if h.ruleAbove {
			f.draw(teal)
			f.SetLineWidth(0.6)
			f.Line(certW/2-25, y-ruleGap/2, certW/2+25, y-ruleGap/2)
		}
		f.text(h.colour)
		f.setFont(h.style, h.size)
		for _, l := range h.lines {
			f.SetXY(certMargin, y)
			f.CellFormat(contentW, lineHeight(h.size), l, "", 0, "C", false, 0, "")
			y += lineHeight(h.size)
		}
	}
}

// certDetails draws the labelled details (date, duration and CPD hours, trainer, expiry,
// code), the "check this certificate" line and the QR code along the foot of the page,
// above a teal rule, and returns the y of the rule.
func (f *pdfDoc) certDetails(c Certificate, code, verify string, qr []byte) float64 {
	type detail struct {
		label, value, style string
		size, h             float64
		lines               []string
	}
	details := []detail{{label: "Date", value: LongDate(c.CompletedOn)}}
	if c.DurationMinutes > 0 {
		details = append(details, detail{label: "Duration",
			value: FormatDuration(c.DurationMinutes) + " (" + CPDHours(c.DurationMinutes) + ")"})
	}
	if trainer := line(c.Trainer); trainer != "" {
		details = append(details, detail{label: "Delivered by", value: trainer})
	}
	if !c.ExpiresOn.IsZero() {
		details = append(details, detail{label: "Expires on",
			value: LongDate(c.ExpiresOn) + "; refresher training due by then"})
	}
	details = append(details, detail{label: "Certificate code", value: code, style: "B"})

	// Lay out first: a value shrinks a little to stay on one line, then wraps onto two.
	const labelW, rowH, checkSize = 38.0, 6.6, 9.0
	qrX := certW - certMargin - qrSize
	valueW := qrX - 8 - certMargin - labelW
	height := 3.0 // between the details and the check line
	for i := range details {
		d := &details[i]
		d.size = f.fit(d.value, d.style, 11.5, 9.5, valueW)
		d.lines = f.clip(f.wrap(d.value, valueW), 2, valueW)
		d.h = max(rowH, float64(len(d.lines))*lineHeight(d.size)+1.6)
		height += d.h
	}
	f.setFont("", checkSize)
	check := f.clip(f.wrap("Check this certificate at "+line(verify), valueW+labelW), 2, valueW+labelW)
	height += float64(len(check)) * lineHeight(checkSize)
	top := certBottom - height

	f.draw(teal)
	f.SetLineWidth(0.3)
	f.Line(certMargin, top-5, certW-certMargin, top-5)
	y := top
	for _, d := range details {
		f.SetXY(certMargin, y)
		f.text(muted)
		f.setFont("", 9.5)
		f.CellFormat(labelW, rowH, d.label, "", 0, "L", false, 0, "")
		f.text(ink)
		f.setFont(d.style, d.size)
		pad := (rowH - lineHeight(d.size)) / 2 // centres a one-line value on its label
		for i, l := range d.lines {
			f.SetXY(certMargin+labelW, y+pad+float64(i)*lineHeight(d.size))
			f.CellFormat(valueW, lineHeight(d.size), l, "", 0, "L", false, 0, "")
		}
		y += d.h
	}
	f.text(muted)
	f.setFont("", checkSize)
	y += 3
	for _, l := range check {
		f.SetXY(certMargin, y)
		f.CellFormat(labelW+valueW, lineHeight(checkSize), l, "", 0, "L", false, 0, verify)
		y += lineHeight(checkSize)
	}

	// The QR code, right of the details and level with them (the quiet zone inside the
	// image makes up the difference); a link too, for whoever reads the PDF on screen.
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	f.RegisterImageOptionsReader("qr", opt, bytes.NewReader(qr))
	f.ImageOptions("qr", qrX, top+(y-top-qrSize)/2, qrSize, qrSize, false, opt, 0, verify)
	return top - 5
}

// validate checks the fields a certificate cannot do without and returns the code in its
// canonical form.
func (c Certificate) validate() (string, error) {
	code := NormaliseCode(c.Code)
	switch {
	case code == "":
		return "", ErrInvalidCode
	case line(c.PersonName) == "":
		return "", ErrMissingName
	case line(c.CourseTitle) == "":
		return "", ErrMissingCourse
	case c.CompletedOn.IsZero():
		return "", ErrMissingDate
	case !webURL(c.VerifyURL):
		return "", ErrInvalidURL
	case c.IssuedAt.IsZero():
		return "", ErrMissingIssued
	case c.DurationMinutes < 0:
		return "", ErrNegativeLength
	}
	return code, nil
}

// webURL says whether s is an absolute http or https URL: the only kind a phone should be
// sent to from a printed QR code, and the only kind the PDF's link may carry.
func webURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
