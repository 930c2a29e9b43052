package certificate

import (
	"slices"
	"testing"
)

func TestUnprintable(t *testing.T) {
	for in, want := range map[string][]rune{
		"Seán Ó Briain":          nil,
		"Zoë Łukasz":             nil,
		"Siobhán Ní Bhriain":     nil,
		"Dafydd ap Gwynfor Llŷr": nil,
		"Ελένη Παπαδοπούλου":     nil,
		"Дмитрий Иванов":         nil,
		"Ødegård Ærø Ğüneş":      nil,
		"Ali 😀":                  nil, // dropped from the PDF, not drawn as a box
		"李小龙 Li":                 {'李', '小', '龙'},
		"محمد":                   {'م', 'ح', 'د'},
	} {
		if got := Unprintable(in); !slices.Equal(got, want) {
			t.Errorf("Unprintable(%q) = %q, want %q", in, string(got), string(want))
		}
	}
}

// TestAwkwardCharacters: emoji (outside the Basic Multilingual Plane, which crash fpdf's
// UTF-8 fonts), joiners, variation selectors and scripts the font lacks must never stop a
// PDF being made; the printable rest of the name still prints.
func TestAwkwardCharacters(t *testing.T) {
	name := "Zoë 👩‍👧 Łukasz ❤️ 李小龙"
	c := sample()
	c.PersonName, c.CourseTitle, c.Trainer, c.Organisation = name, "Neglect 🧒", name, name
	c.VerifyURL = "https://training.example.org/verify/" + testCode + "?x=😀"
	pdf, err := PDF(c)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "certificate", pages(t, pdf)[0], "Zoë Łukasz", "Neglect")

	if _, err := TranscriptPDF(name, name, name, c.IssuedAt, []TranscriptEntry{{CourseTitle: name, Code: "😀"}}); err != nil {
		t.Error(err)
	}
	if _, err := SignInSheetPDF(name, name, name, name, []SheetRow{{name, name, name}}); err != nil {
		t.Error(err)
	}
}
