package certificate

import (
	"bytes"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCertificateText(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Certificate)
		want []string
		not  []string
	}{
		{
			name: "full",
			edit: func(*Certificate) {},
			want: []string{
				bathnes, "Certificate of attendance", "Seán Ó Briain", "Avon and Somerset Constabulary",
				"attended", "Working Together to Safeguard Children: multi-agency foundation",
				"30 March 2026", "3 hours", "3 CPD hours", "Priya Shah and Tom Evans",
				"Expires on 30 March 2029; refresher training due by then",
				testCode, "Check this certificate at " + testURL,
			},
		},
		{
			name: "polish name, no expiry, short session, lower-case code",
			edit: func(c *Certificate) {
				c.PersonName = "Zoë Łukasz"
				c.ExpiresOn = time.Time{}
				c.DurationMinutes = 90
				c.Code = strings.ToLower(testCode)
				// 23:30 UTC on 29 March is already 30 March in London.
				c.CompletedOn = utc(2026, time.March, 29, 23, 30)
			},
			want: []string{"Zoë Łukasz", "30 March 2026", "1 hour 30 minutes", "1.5 CPD hours", testCode},
			not:  []string{"Expires on", "29 March 2026"},
		},
		{
			name: "no trainer, organisation or partnership",
			edit: func(c *Certificate) {
				c.Trainer, c.Organisation, c.Partnership = "", "", ""
				c.DurationMinutes = 60
			},
			want: []string{"Seán Ó Briain", "1 hour", "1 CPD hour", testCode},
			not:  []string{"Delivered by", "Avon and Somerset", "Partnership"},
		},
		{
			name: "control characters are flattened",
			edit: func(c *Certificate) { c.PersonName = "Siobhán\r\nNí\tBhriain" },
			want: []string{"Siobhán Ní Bhriain"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := sample()
			tc.edit(&c)
			pdf, err := PDF(c)
			if err != nil {
				t.Fatal(err)
			}
			text := pages(t, pdf)
			if len(text) != 1 {
				t.Fatalf("certificate has %d pages, want 1", len(text))
			}
			mustContain(t, "certificate", text[0], tc.want...)
			for _, n := range tc.not {
				if strings.Contains(text[0], n) {
					t.Errorf("certificate text has %q but should not\ntext: %s", n, text[0])
				}
			}
		})
	}
}

// TestCertificateLongValues checks that absurdly long values still give a one-page
// certificate that keeps the code and the check line.
func TestCertificateLongValues(t *testing.T) {
	c := sample()
	c.PersonName = "Maria Fernanda Concepción Guadalupe de los Ángeles Rodríguez-Hernández García y Łukasiewicz-Ó Briain"
	c.CourseTitle = strings.Repeat("Contextual safeguarding, exploitation and extra-familial harm ", 6)
	c.Trainer = strings.Repeat("Barnardo's Missing and Child Exploitation Service, ", 4)
	c.Organisation = strings.Repeat("Royal United Hospitals Bath NHS Foundation Trust ", 4)
	pdf, err := PDF(c)
	if err != nil {
		t.Fatal(err)
	}
	text := pages(t, pdf)
	if len(text) != 1 {
		t.Fatalf("certificate has %d pages, want 1", len(text))
	}
	mustContain(t, "long certificate", text[0], "Maria Fernanda", testCode, "Check this certificate at "+testURL, "…")
	if dir := os.Getenv("CERTIFICATE_SAMPLES"); dir != "" { // for looking at the layout
		_ = os.WriteFile(filepath.Join(dir, "long.pdf"), pdf, 0o644)
	}
}

func TestCertificateValidation(t *testing.T) {
	for _, tc := range []struct {
		edit func(*Certificate)
		want error
	}{
		{func(c *Certificate) { c.Code = "" }, ErrInvalidCode},
		{func(c *Certificate) { c.Code = "7Q2KD-M9XWT-0BZ4H-RC5N" }, ErrInvalidCode},
		{func(c *Certificate) { c.PersonName = " \t " }, ErrMissingName},
		{func(c *Certificate) { c.CourseTitle = "" }, ErrMissingCourse},
		{func(c *Certificate) { c.CompletedOn = time.Time{} }, ErrMissingDate},
		{func(c *Certificate) { c.VerifyURL = "" }, ErrInvalidURL},
		{func(c *Certificate) { c.VerifyURL = "javascript:alert(1)" }, ErrInvalidURL},
		{func(c *Certificate) { c.VerifyURL = "/verify/" + testCode }, ErrInvalidURL},
		{func(c *Certificate) { c.IssuedAt = time.Time{} }, ErrMissingIssued},
		{func(c *Certificate) { c.DurationMinutes = -1 }, ErrNegativeLength},
	} {
		c := sample()
		tc.edit(&c)
		if _, err := PDF(c); !errors.Is(err, tc.want) {
			t.Errorf("PDF(%+v) error = %v, want %v", c, err, tc.want)
		}
	}
}

func TestCertificateDeterministic(t *testing.T) {
	c := sample()
	first, err := PDF(c)
	if err != nil {
		t.Fatal(err)
	}
	// Several rounds, some at once: map order and shared font data must not leak into
	// the output.
	var wg sync.WaitGroup
	results := make([][]byte, 8)
	errs := make([]error, len(results))
	for i := range results {
		wg.Go(func() { results[i], errs[i] = PDF(c) })
	}
	wg.Wait()
	for i, b := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !bytes.Equal(first, b) {
			t.Fatalf("run %d gave different bytes (%d vs %d)", i, len(b), len(first))
		}
	}

	later := c
	later.IssuedAt = c.IssuedAt.Add(time.Second)
	other, err := PDF(later)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(first, other) {
		t.Error("a different IssuedAt gave identical bytes")
	}
	if !bytes.Contains(first, []byte("/CreationDate (D:20260331101500)")) {
		t.Error("creation date is not the issue time (UTC)")
	}
	if !bytes.Contains(first, []byte("/ModDate (D:20260331101500)")) {
		t.Error("modification date is not the issue time (UTC)")
	}

	// The same instant in another zone is the same certificate.
	zoned := c
	zoned.IssuedAt = c.IssuedAt.In(time.FixedZone("X", 5*3600))
	same, err := PDF(zoned)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, same) {
		t.Error("the same IssuedAt in another time zone gave different bytes")
	}
}

func TestQRPNGDecodes(t *testing.T) {
	for _, url := range []string{
		testURL,
		"http://localhost:8080/verify/" + testCode,
		"https://training.bathnes-safeguarding.example.org.uk/some/deeper/path/verify/" + testCode + "?utm_source=certificate",
	} {
		b, err := qrPNG(url)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeQR(t, img); got != url {
			t.Errorf("qr decodes to %q, want %q", got, url)
		}
	}
}

// TestQRInPDF proves the QR code survives embedding twice over: the image as stored in
// the PDF (pdfimages) and the page as printed (pdftoppm at 150 dpi) both decode to the
// verification URL.
func TestQRInPDF(t *testing.T) {
	pdf, err := PDF(sample())
	if err != nil {
		t.Fatal(err)
	}
	path := writePDF(t, pdf)
	dir := t.TempDir()

	run(t, "pdfimages", "-png", path, filepath.Join(dir, "img"))
	imgs, _ := filepath.Glob(filepath.Join(dir, "img-*.png"))
	if len(imgs) != 1 {
		t.Fatalf("pdf holds %d images, want the one QR code: %v", len(imgs), imgs)
	}
	if got := decodeQR(t, readPNG(t, imgs[0])); got != testURL {
		t.Errorf("embedded image decodes to %q, want %q", got, testURL)
	}

	run(t, "pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", path, filepath.Join(dir, "page"))
	page := readPNG(t, filepath.Join(dir, "page.png"))
	if b := page.Bounds(); b.Dx() < b.Dy() {
		t.Errorf("page is %dx%d, want landscape", b.Dx(), b.Dy())
	}
	if got := decodeQR(t, page); got != testURL {
		t.Errorf("rendered page decodes to %q, want %q", got, testURL)
	}
	if dir := os.Getenv("CERTIFICATE_SAMPLES"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "certificate.pdf"), pdf, 0o644)
	}
}

func BenchmarkCertificatePDF(b *testing.B) {
	c := sample()
	for b.Loop() {
		if _, err := PDF(c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "certificates/s")
}
