package calendar

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// cleanText keeps a multi-line text (a description): line breaks become LF, which
// golang-ical escapes as \n; every other control character, invalid UTF-8 and the Unicode
// line separators go. A raw CR would otherwise reach the output unescaped and break the
// CRLF line structure.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToValidUTF8(s, "") {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r) || r == utf8.RuneError:
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// cleanLine is cleanText for single-line values (summary, location, UID, names): line
// breaks and tabs become spaces, runs of spaces collapse.
func cleanLine(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r == '\n' {
			return ' '
		}
		return r
	}, cleanText(s))), " ")
}

// cleanCN makes a display name safe as a CN parameter value. golang-ical v0.3.6 never
// quotes CN: it backslash-escapes " , ; : \ and even ' inside it, which RFC 5545 does not
// allow in parameter values, so parsers show the backslashes or cut the name short. The
// reserved characters are dropped and a straight apostrophe becomes the typographic one
// (O'Brien → O’Brien), which needs no escaping.
func cleanCN(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '"', ',', ';', ':', '\\':
			return ' '
		case '\'':
			return '’'
		}
		return r
	}, cleanLine(s))
	return strings.Join(strings.Fields(s), " ")
}

// maxLine is RFC 5545's limit on a content line, in octets, excluding the CRLF.
const maxLine = 75

// fold guarantees that no line of the CRLF-terminated text b is longer than 75 octets.
// golang-ical v0.3.6 already folds correctly (counting octets, at rune boundaries); this
// pass only splits a line that is still too long, at a UTF-8 boundary, with the
// continuation starting with one space, so the invariant holds whatever the library does.
func fold(b []byte) []byte {
	lines := strings.SplitAfter(string(b), "\r\n")
	need := false
	for _, l := range lines {
		if len(strings.TrimSuffix(l, "\r\n")) > maxLine {
			need = true
			break
		}
	}
	if !need {
		return b
	}
	var out strings.Builder
	out.Grow(len(b) + len(b)/maxLine*3)
	for _, l := range lines {
		body, crlf := strings.CutSuffix(l, "\r\n")
		limit := maxLine
		for len(body) > limit {
			cut := limit
			for cut > 0 && !utf8.RuneStart(body[cut]) {
				cut--
			}
			out.WriteString(body[:cut])
			out.WriteString("\r\n ")
			body = body[cut:]
			limit = maxLine - 1 // the leading space counts
		}
		out.WriteString(body)
		if crlf {
			out.WriteString("\r\n")
		}
	}
	return []byte(out.String())
}
