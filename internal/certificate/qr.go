package certificate

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
)

const (
	// qrModulePixels is the size of one QR module in the embedded image: sharp when
	// printed at 300 dpi at the size the certificate uses.
	qrModulePixels = 6
	// qrQuietModules is the white border the QR specification requires on every side.
	qrQuietModules = 4
)

// qrPNG is the QR code for url as a black-on-white greyscale PNG with its quiet zone,
// ready to embed. Error correction level M survives a crease or a smudge on paper while
// keeping the code small enough to scan from a phone at arm's length.
func qrPNG(url string) ([]byte, error) {
	code, err := qr.Encode(url, qr.M, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("certificate: qr code: %w", err)
	}
	modules := code.Bounds().Dx()
	scaled, err := barcode.Scale(code, modules*qrModulePixels, modules*qrModulePixels)
	if err != nil {
		return nil, fmt.Errorf("certificate: scale qr code: %w", err)
	}
	quiet := qrQuietModules * qrModulePixels
	side := modules*qrModulePixels + 2*quiet
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	b := scaled.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			img.SetGray(x-b.Min.X+quiet, y-b.Min.Y+quiet, color.GrayModel.Convert(scaled.At(x, y)).(color.Gray))
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("certificate: encode qr png: %w", err)
	}
	return buf.Bytes(), nil
}
