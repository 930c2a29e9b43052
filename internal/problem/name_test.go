package problem

import (
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	for _, tc := range []struct {
		name, value, want string
	}{
		{"plain", "Seán Ó Briain", ""},
		{"Welsh", "Siân Llŷr", ""},
		{"Arabic", "محمد علي", ""},
		{"invalid UTF-8", "Ann\xffe", "Name must be plain text: it holds characters that could not be read"},
		{"right-to-left override", "Ann\u202egpj.exe", "Name must not contain hidden characters that change the direction of the text"},
		{"isolate", "Ann\u2067x\u2069", "Name must not contain hidden characters that change the direction of the text"},
		{"right-to-left mark", "Ann\u200f", "Name must not contain hidden characters that change the direction of the text"},
		{"zero-width space", "Ann\u200bSmith", "Name must not contain invisible characters such as zero-width spaces"},
		{"zero-width joiner", "Ann\u200dSmith", "Name must not contain invisible characters such as zero-width spaces"},
		{"byte-order mark", "\ufeffAnn", "Name must not contain invisible characters such as zero-width spaces"},
		{"line break", "Ann\nSmith", "Name must be on one line, without line breaks or tabs"},
		{"too long", strings.Repeat("a", 201), "Name must be 200 characters or fewer"},
	} {
		v := Validation{}
		v.CheckName("name", tc.value, "Name", 200)
		if got := v["name"]; got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestNormaliseName(t *testing.T) {
	decomposed := "  Sea\u0301n O\u0301 Briain "
	if got := NormaliseName(decomposed); got != "Se\u00e1n \u00d3 Briain" {
		t.Errorf("NormaliseName(%q) = %q, want the precomposed letters", decomposed, got)
	}
	if got := NormaliseName("Ann\xff"); got != "Ann\xff" {
		t.Errorf("invalid UTF-8 changed to %q; CheckName must see it", got)
	}
}
