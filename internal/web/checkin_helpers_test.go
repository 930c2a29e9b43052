package web_test

import (
	"image"
	"image/color"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

var (
	checkInCodeRE = regexp.MustCompile(`<p class="checkin-code"><span>(\d{3})</span> <span>(\d{3})</span></p>`)
	svgRE         = regexp.MustCompile(`<svg [^>]*viewBox="0 0 (\d+) \d+"[^>]*>.*?</svg>`)
	svgRectRE     = regexp.MustCompile(`<rect x="(\d+)" y="(\d+)" width="(\d+)" height="1"/>`)
	refreshRE     = regexp.MustCompile(`<meta http-equiv="refresh" content="(\d+)">`)
)

// trainerScreen opens a session's check-in page as c and reads the code on it.
func (f *regFixture) trainerScreen(t *testing.T, c *http.Client, sessionID int64) (code string, r response) {
	t.Helper()
	r = f.get(t, c, "/trainer/sessions/"+id(sessionID)+"/check-in")
	regWant(t, r, http.StatusOK, "check-in screen")
	m := checkInCodeRE.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no code on the check-in screen: %.2000s", r.Body)
	}
	return m[1] + m[2], r
}

// decodeSVGQR draws the page's inline SVG QR code (its rects) as an image and reads it
// back with a QR decoder, as a phone's camera would.
func decodeSVGQR(t *testing.T, body string) string {
	t.Helper()
	m := svgRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no inline SVG on the page: %.1500s", body)
	}
	n, _ := strconv.Atoi(m[1])
	const px = 4
	img := image.NewGray(image.Rect(0, 0, n*px, n*px))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for _, r := range svgRectRE.FindAllStringSubmatch(m[0], -1) {
		x, _ := strconv.Atoi(r[1])
		y, _ := strconv.Atoi(r[2])
		w, _ := strconv.Atoi(r[3])
		for dx := 0; dx < w*px; dx++ {
			for dy := 0; dy < px; dy++ {
				img.SetGray(x*px+dx, y*px+dy, color.Gray{})
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode the QR code: %v", err)
	}
	return res.GetText()
}
