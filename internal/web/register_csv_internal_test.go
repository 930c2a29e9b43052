package web

import "testing"

func TestCSVCellNeutralisesFormulas(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"Seán Ó Briain", "Seán Ó Briain"},
		{`=HYPERLINK("x")`, `'=HYPERLINK("x")`},
		{"+44 1225 000000", "'+44 1225 000000"},
		{"-2+3", "'-2+3"},
		{"-0.5", "-0.5"}, // a fall in confidence stays a number
		{"-12", "-12"},
		{"-0.5e3", "'-0.5e3"},
		{"-1 ", "'-1 "},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"a=b", "a=b"},
		{" =1", "' =1"},
		{"'already", "'already"},
		{"Not marked", "Not marked"},
	} {
		if got := csvCell(c.in); got != c.want {
			t.Errorf("csvCell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFileSlugIsSafe(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Safeguarding level 2", "safeguarding-level-2"},
		{`Seán's "course"; rm -rf /`, "se-n-s-course-rm-rf"},
		{"   ", "session"},
		{"Child exploitation: county lines, criminal and sexual exploitation (full day)", "child-exploitation-county-lines-criminal"},
	} {
		if got := fileSlug(c.in); got != c.want {
			t.Errorf("fileSlug(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
