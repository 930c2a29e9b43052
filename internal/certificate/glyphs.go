package certificate

import (
	"sync"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// goFonts are the embedded fonts, parsed once, for checking what they can draw.
var goFonts = sync.OnceValue(func() []*sfnt.Font {
	var fonts []*sfnt.Font
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic("certificate: parse embedded Go font: " + err.Error())
		}
		fonts = append(fonts, f)
	}
	return fonts
})

// Unprintable returns the characters of s, once each in order, that the PDFs cannot draw:
// the Go fonts cover Latin (with Welsh, Irish, Polish and the rest of Europe), Greek and
// Cyrillic, but not, for example, Chinese, Arabic or Bengali script, which would print as
// empty boxes. Forms can use it to warn someone whose name will not print as written.
// Emoji and invisible format characters are not reported: the PDFs leave them out.
func Unprintable(s string) []rune {
	var buf sfnt.Buffer
	var missing []rune
	seen := map[rune]bool{}
	for _, r := range line(s) {
		if r == ' ' || seen[r] {
			continue
		}
		seen[r] = true
		for _, f := range goFonts() {
			if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
				missing = append(missing, r)
				break
			}
		}
	}
	return missing
}
