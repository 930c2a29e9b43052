package certificate

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// popplerHint says how to get the poppler tools the artefact tests read PDFs with.
const popplerHint = "install Debian's poppler-utils: apt-get install -y poppler-utils"

// tool finds a poppler command. Outside CI a missing tool skips the test with the install
// hint; in CI (the CI variable set) it fails, so a runner without poppler cannot pass
// these tests by skipping them.
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "" {
		t.Skipf("%s not found; %s (this test fails instead of skipping when CI is set)", name, popplerHint)
	}
	t.Fatalf("%s not found on PATH and CI is set: %s", name, popplerHint)
	return ""
}

// writePDF saves pdf in the test's temporary directory and returns the path.
func writePDF(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// run runs a command and returns its standard output, failing the test on error.
func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(tool(t, name), args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// pages extracts the text of every page of pdf with pdftotext, each page's whitespace
// collapsed to single spaces so wrapped lines still match as phrases.
func pages(t *testing.T, pdf []byte) []string {
	t.Helper()
	out := string(run(t, "pdftotext", "-enc", "UTF-8", writePDF(t, pdf), "-"))
	raw := strings.Split(strings.TrimRight(out, "\f"), "\f") // pdftotext ends each page with a form feed
	for i, p := range raw {
		raw[i] = collapse(p)
	}
	return raw
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// mustContain fails the test for each phrase the text lacks.
func mustContain(t *testing.T, what, text string, phrases ...string) {
	t.Helper()
	for _, p := range phrases {
		if !strings.Contains(text, collapse(p)) {
			t.Errorf("%s: text lacks %q\ntext: %s", what, p, text)
		}
	}
}

// decodeQR reads a QR code anywhere in img.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{
		gozxing.DecodeHintType_TRY_HARDER: true,
	})
	if err != nil {
		t.Fatalf("decode qr code: %v", err)
	}
	return res.GetText()
}

// readPNG decodes a PNG file.
func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return img
}

// london is a wall-clock time in Europe/London.
func london(y int, m time.Month, d, hh, mm int) time.Time {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

// utc is an instant given in UTC.
func utc(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, time.UTC)
}

const (
	testCode = "7Q2KD-M9XWT-0BZ4H-RC5NE"
	testURL  = "https://training.example.org/verify/" + testCode
	bathnes  = "Bath and North East Somerset Safeguarding Children Partnership"
)

// sample is a realistic certificate: a morning session the day after the clocks went
// forward, so it is printed from British Summer Time.
func sample() Certificate {
	completed := london(2026, time.March, 30, 9, 30)
	return Certificate{
		Code:            testCode,
		PersonName:      "Seán Ó Briain",
		Organisation:    "Avon and Somerset Constabulary",
		CourseTitle:     "Working Together to Safeguard Children: multi-agency foundation",
		CompletedOn:     completed,
		DurationMinutes: 180,
		Trainer:         "Priya Shah and Tom Evans",
		Partnership:     bathnes,
		ExpiresOn:       AddMonths(completed, 36),
		VerifyURL:       testURL,
		IssuedAt:        utc(2026, time.March, 31, 10, 15),
	}
}
