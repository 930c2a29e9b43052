package web

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image"
	"image/color"
	"image/png"

	"github.com/boombuler/barcode/qr"
)

// qrDataURI draws text as a QR code (4 px modules, the 4-module quiet zone) in a PNG data
// URI, so the set-up page needs no script and no second request carrying the secret. It
// returns the image's side in pixels too, for the img element's width and height.
func qrDataURI(text string) (template.URL, int, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return "", 0, err
	}
	const px, quiet = 4, 4
	n := code.Bounds().Dx()
	side := (n + 2*quiet) * px
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if color.GrayModel.Convert(code.At(x, y)).(color.Gray).Y > 0x80 {
				continue
			}
			for dy := 0; dy < px; dy++ {
				for dx := 0; dx < px; dx++ {
					img.SetGray((x+quiet)*px+dx, (y+quiet)*px+dy, color.Gray{})
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", 0, err
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())), side, nil
}
