package certificate

import (
	"regexp"
	"strings"
	"testing"
)

var codeShape = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$`)

func TestNewCode(t *testing.T) {
	const n = 1000
	seen := make(map[string]bool, n)
	// Every character of every position should turn up across 1,000 codes if all 100
	// bits are really random (a stuck bit would leave half the alphabet unused).
	used := make([]map[byte]bool, codeChars)
	for i := range used {
		used[i] = map[byte]bool{}
	}
	for range n {
		c := NewCode()
		if !codeShape.MatchString(c) {
			t.Fatalf("code %q is not grouped Crockford base32", c)
		}
		if seen[c] {
			t.Fatalf("code %q repeated", c)
		}
		seen[c] = true
		if got := NormaliseCode(c); got != c {
			t.Fatalf("NormaliseCode(%q) = %q, want it unchanged", c, got)
		}
		raw := strings.ReplaceAll(c, "-", "")
		for i := range raw {
			used[i][raw[i]] = true
		}
	}
	for i, u := range used {
		if len(u) != 32 {
			t.Errorf("position %d used %d of 32 characters in %d codes", i, len(u), n)
		}
	}
}

func TestNormaliseCode(t *testing.T) {
	const want = "7Q2KD-M9XWT-0BZ4H-RC5NE"
	for in, out := range map[string]string{
		want:                          want,
		"7q2kd-m9xwt-0bz4h-rc5ne":     want,
		"7Q2KDM9XWT0BZ4HRC5NE":        want,
		" 7Q2KD M9XWT 0BZ4H RC5NE ":   want,
		"7q2kd m9xwt-0bz4h\trc5ne":    want,
		"7Q2KD–M9XWT—0BZ4H‑RC5NE":     want, // dashes a word processor puts in
		"7Q2KD-M9XWT-OBZ4H-RC5NE":     want, // O for 0
		"7Q2KD-M9XWT-oBZ4H-RC5NE":     want,
		"1111-1":                      "",
		"IIIII-LLLLL-iiiii-lllll":     "11111-11111-11111-11111",
		"OOOOO-ooooo-00000-OoOoO":     "00000-00000-00000-00000",
		"":                            "",
		"   ":                         "",
		"7Q2KD-M9XWT-0BZ4H-RC5N":      "", // 19
		"7Q2KD-M9XWT-0BZ4H-RC5NE7":    "", // 21
		"7Q2KD-M9XWT-0BZ4H-RC5NU":     "", // U is not Crockford
		"7Q2KD-M9XWT-0BZ4H-RC5N!":     "",
		"7Q2KD-M9XWT-0BZ4H-RC5Né":     "",
		"7Q2KD-M9XWT-0BZ4H-RC5N*":     "", // Crockford's check symbols are not used
		"7Q2KD_M9XWT_0BZ4H_RC5NE":     "",
		strings.Repeat("7Q2KD ", 100): "",
	} {
		if got := NormaliseCode(in); got != out {
			t.Errorf("NormaliseCode(%q) = %q, want %q", in, got, out)
		}
	}
}
