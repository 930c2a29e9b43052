package problem

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NormaliseName trims a person's or organisation's name and puts it in Unicode NFC, so
// "Seán" typed with a combining accent and "Seán" typed with the precomposed letter are
// stored, compared and sorted as the same name. Invalid UTF-8 is left for CheckName to
// refuse.
func NormaliseName(s string) string {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return s
	}
	return norm.NFC.String(s)
}

// CheckName records an error when a name holds what no one types into a name but can be
// used to deceive: bytes that are not text, characters that reverse the direction of what
// follows (so "Ann<RLO>gpj.exe" shows as "Annexe.jpg"), or invisible characters that make
// two names look identical while differing. Then it applies CheckLine's length and
// one-line rules. Zero-width joiners are refused too, although a few scripts use them:
// names here are read by people across organisations and exported to spreadsheets, where
// a hidden character does more harm than a missing one.
func (v Validation) CheckName(field, value, label string, maxChars int) {
	switch {
	case !utf8.ValidString(value):
		v.Add(field, label+" must be plain text: it holds characters that could not be read")
	case strings.ContainsFunc(value, isBidiControl):
		v.Add(field, label+" must not contain hidden characters that change the direction of the text")
	case strings.ContainsFunc(value, isInvisible):
		v.Add(field, label+" must not contain invisible characters such as zero-width spaces")
	default:
		v.CheckLine(field, value, label, maxChars)
	}
}

// isBidiControl is true for the explicit direction embeddings, overrides and isolates,
// and the direction marks.
func isBidiControl(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2066 && r <= 0x2069,            // LRI, RLI, FSI, PDI
		r == 0x200E, r == 0x200F, r == 0x061C: // LRM, RLM, ALM
		return true
	}
	return false
}

// isInvisible is true for characters that take no space: zero-width space, non-joiner
// and joiner, word joiner, the Mongolian vowel separator, the byte-order mark, invisible
// operators and the soft hyphen.
func isInvisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200D, r == 0x2060, r >= 0x2061 && r <= 0x2064, r == 0x180E, r == 0xFEFF, r == 0x00AD:
		return true
	}
	return false
}
