// Package certificate draws the partnership's printed artefacts as PDF: certificates of
// attendance with a verification code and QR code, learning-record transcripts and
// session sign-in sheets. It also owns the verification code format and the expiry
// arithmetic, so the pages, the API and the PDFs always agree.
//
// Every PDF embeds the Go fonts (a UTF-8 TrueType subset), so names such as "Seán Ó
// Briain" and "Zoë Łukasz" print as written, and every PDF is deterministic: the same
// inputs give the same bytes, which is what lets a certificate be re-downloaded years
// later and still match the one that was emailed.
package certificate

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// producer is written into every PDF instead of anything version- or time-dependent.
const producer = "traininghub"

// font is the family name the embedded Go fonts are registered under.
const font = "go"

// rgb is a colour.
type rgb struct{ r, g, b int }

var (
	teal     = rgb{0x0b, 0x55, 0x63} // the partnership's accent colour
	ink      = rgb{0x1d, 0x23, 0x2a} // body text: near black, softer on paper
	muted    = rgb{0x50, 0x5a, 0x5f} // secondary text
	rule     = rgb{0xb1, 0xb4, 0xb6} // table lines
	tealWash = rgb{0xe7, 0xf0, 0xf1} // table header background
)

func (f *pdfDoc) text(c rgb) { f.SetTextColor(c.r, c.g, c.b) }
func (f *pdfDoc) draw(c rgb) { f.SetDrawColor(c.r, c.g, c.b) }
func (f *pdfDoc) fill(c rgb) { f.SetFillColor(c.r, c.g, c.b) }
func (f *pdfDoc) setFont(style string, size float64) {
	f.SetFont(font, style, size)
}

// pdfDoc is an fpdf document set up the way every artefact here needs it.
type pdfDoc struct{ *fpdf.Fpdf }

// newDoc starts an A4 document in millimetres with the Go fonts embedded, the given
// metadata and a fixed creation date, so that output depends only on the inputs.
// createdAt must not be zero (fpdf would put the current time in its place).
func newDoc(orientation, title, author string, createdAt time.Time, pageNumbers bool) *pdfDoc {
	f := fpdf.NewCustom(&fpdf.InitType{
		OrientationStr: orientation,
		UnitStr:        "mm",
		SizeStr:        "A4",
	})
	if pageNumbers {
		f.AliasNbPages("{nb}") // must come before the fonts: it changes how they subset
	}
	f.AddUTF8FontFromBytes(font, "", goregular.TTF)
	f.AddUTF8FontFromBytes(font, "B", gobold.TTF)
	createdAt = createdAt.UTC().Truncate(time.Second)
	f.SetCreationDate(createdAt)
	f.SetModificationDate(createdAt)
	f.SetCatalogSort(true)
	f.SetCompression(true)
	f.SetProducer(producer, false)
	f.SetCreator(producer, false)
	f.SetTitle(title, true)
	if author != "" {
		f.SetAuthor(author, true)
	}
	f.SetLang("en-GB")
	f.SetDisplayMode("fullpage", "single")
	return &pdfDoc{f}
}

// bytes finishes the document. fpdf panics on some input it cannot handle (line() keeps
// away the kinds known so far); that becomes an error here rather than a crash.
func (f *pdfDoc) bytes() (_ []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("certificate: write pdf: %v", r)
		}
	}()
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("certificate: write pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// wrap breaks s into lines no wider than width in the current font: at each "\n", and
// at spaces where it can and inside a word only when the word alone is too wide.
func (f *pdfDoc) wrap(s string, width float64) []string {
	var lines []string
	for _, p := range strings.Split(s, "\n") {
		lines = append(lines, f.wrapParagraph(p, width)...)
	}
	return lines
}

// wrapParagraph is wrap for text without line breaks.
func (f *pdfDoc) wrapParagraph(s string, width float64) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return []string{""}
	}
	var lines []string
	cur := ""
	for _, w := range words {
		try := w
		if cur != "" {
			try = cur + " " + w
		}
		if f.GetStringWidth(try) <= width {
			cur = try
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		// A single word wider than the line (a long email or URL): break it by runes.
		for f.GetStringWidth(w) > width {
			rs := []rune(w)
			n := len(rs) - 1
			for n > 1 && f.GetStringWidth(string(rs[:n])) > width {
				n--
			}
			lines = append(lines, string(rs[:n]))
			w = string(rs[n:])
		}
		cur = w
	}
	return append(lines, cur)
}

// clip keeps at most max lines, ending the last one kept with an ellipsis when it had to
// drop any, so an absurdly long value cannot push into the rest of the page.
func (f *pdfDoc) clip(lines []string, max int, width float64) []string {
	if len(lines) <= max {
		return lines
	}
	lines = lines[:max]
	last := lines[max-1]
	for last != "" && f.GetStringWidth(last+" …") > width {
		if i := strings.LastIndexByte(last, ' '); i > 0 {
			last = last[:i] // drop whole words while there are any
		} else {
			_, n := utf8.DecodeLastRuneInString(last)
			last = last[:len(last)-n]
		}
	}
	lines[max-1] = strings.TrimRight(last, " ,;:") + " …"
	return lines
}

// fit returns the largest font size from max down to min (in steps of half a point) at
// which s fits in width on one line; min when it never does.
func (f *pdfDoc) fit(s, style string, max, min, width float64) float64 {
	for size := max; size > min; size -= 0.5 {
		f.setFont(style, size)
		if f.GetStringWidth(s) <= width {
			return size
		}
	}
	f.setFont(style, min)
	return min
}

// lineHeight is a comfortable line spacing in millimetres for a font size in points.
func lineHeight(pt float64) float64 { return pt * 0.3528 * 1.3 }
