package certificate

import (
	"crypto/rand"
	"strings"
)

// crockford is Crockford's base32 alphabet: no I, L, O or U, so a code read aloud over
// the phone or copied from paper cannot be mistaken for another one.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// codeChars is the number of base32 characters in a code: 20 x 5 = 100 random bits, far
// beyond the 80 the partnership asked for, so codes cannot be guessed even without the
// rate limit on the verification page.
const codeChars = 20

// codeGroup is how many characters go between hyphens: 5, as in 8HNZ4-PE5YG-CK0H0-KG3BC.
const codeGroup = 5

// NewCode returns a fresh verification code of 100 random bits in grouped Crockford
// base32, e.g. "7Q2KD-M9XWT-0BZ4H-RC5NE", which is its canonical form.
func NewCode() string {
	var b [13]byte // 104 bits; the first 100 are used
	// crypto/rand.Read never returns an error on supported platforms (it crashes the
	// program instead), so there is nothing to handle here.
	_, _ = rand.Read(b[:])
	raw := make([]byte, codeChars)
	var acc uint32
	bits, pos := 0, 0
	for i := range raw {
		for bits < 5 {
			acc = acc<<8 | uint32(b[pos])
			pos++
			bits += 8
		}
		bits -= 5
		raw[i] = crockford[(acc>>bits)&31]
	}
	return group(raw)
}

// NormaliseCode turns whatever someone typed or scanned into the canonical grouped form,
// or "" when it cannot be a code. It ignores case, spaces and hyphens, and reads I and L
// as 1 and O as 0, as Crockford base32 intends.
func NormaliseCode(s string) string {
	if len(s) > 4*codeChars { // nobody types that much; don't spend work on it
		return ""
	}
	raw := make([]byte, 0, codeChars)
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '\u00a0' || r == '\u2010' ||
			r == '\u2011' || r == '\u2012' || r == '\u2013' || r == '\u2014' || r == '\u2212':
			continue // spaces and the dashes word processors turn hyphens into
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		switch r {
		case 'I', 'L':
			r = '1'
		case 'O':
			r = '0'
		}
		if r > 'Z' || strings.IndexByte(crockford, byte(r)) < 0 {
			return ""
		}
		if len(raw) == codeChars {
			return ""
		}
		raw = append(raw, byte(r))
	}
	if len(raw) != codeChars {
		return ""
	}
	return group(raw)
}

// group inserts a hyphen after every codeGroup characters.
func group(raw []byte) string {
	var sb strings.Builder
	sb.Grow(len(raw) + len(raw)/codeGroup)
	for i, c := range raw {
		if i > 0 && i%codeGroup == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(c)
	}
	return sb.String()
}
