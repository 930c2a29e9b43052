package certificate

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTranscriptText(t *testing.T) {
	generated := utc(2026, time.March, 31, 10, 0)
	titles := []string{
		"Domestic abuse and coercive control",
		"Working Together to Safeguard Children: multi-agency foundation",
		"Neglect: recognising and responding",
	}
	var entries []TranscriptEntry
	for i := range 45 {
		completed := london(2022, time.Month(i%12+1), 1+i%28, 9, 30)
		e := TranscriptEntry{
			CourseTitle:     titles[i%3],
			CompletedOn:     completed,
			DurationMinutes: 90 + 30*(i%4),
			Code:            NewCode(),
		}
		if i%2 == 0 {
			e.ExpiresOn = AddMonths(completed, 36)
		}
		entries = append(entries, e)
	}
	// The first entry is the one checked in detail.
	entries[0] = TranscriptEntry{
		CourseTitle:     "Łódź-style safeguarding for Seán's team",
		CompletedOn:     utc(2026, time.March, 29, 23, 30), // 30 March in London
		DurationMinutes: 90,
		ExpiresOn:       london(2026, time.May, 30, 0, 0),
		Code:            strings.ToLower(testCode),
	}
	pdf, err := TranscriptPDF("Zoë Łukasz", "Royal United Hospitals Bath NHS Foundation Trust", bathnes, generated, entries)
	if err != nil {
		t.Fatal(err)
	}
	text := pages(t, pdf)
	if len(text) < 2 {
		t.Fatalf("45 entries fit on %d page(s); want the table to run over", len(text))
	}
	mustContain(t, "transcript page 1", text[0],
		bathnes, "Learning record", "Zoë Łukasz", "Royal United Hospitals Bath NHS Foundation Trust",
		"Generated 31 March 2026", "Course", "Completed", "CPD hours", "Expires on", "Certificate code",
		"Łódź-style safeguarding for Seán's team", "30 March 2026", "1.5", "30 May 2026 Expiring soon", testCode,
	)
	for i, p := range text {
		mustContain(t, fmt.Sprintf("transcript page %d", i+1), p,
			"Certificate code", "Zoë Łukasz", fmt.Sprintf("Page %d of %d", i+1, len(text)))
		if i > 0 {
			mustContain(t, fmt.Sprintf("transcript page %d", i+1), p, "Learning record: Zoë Łukasz (continued)")
		}
	}
	all := strings.Join(text, " ")
	for _, e := range entries[1:] {
		if code := NormaliseCode(e.Code); !strings.Contains(all, code) {
			t.Errorf("transcript lacks code %s", code)
		}
	}
	total := 0
	for _, e := range entries {
		total += e.DurationMinutes
	}
	mustContain(t, "transcript end", text[len(text)-1], "45 courses completed, "+CPDHours(total)+" in total.")

	again, err := TranscriptPDF("Zoë Łukasz", "Royal United Hospitals Bath NHS Foundation Trust", bathnes, generated, entries)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pdf, again) {
		t.Error("the same transcript gave different bytes")
	}
	if dir := os.Getenv("CERTIFICATE_SAMPLES"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "transcript.pdf"), pdf, 0o644)
	}
}

func TestTranscriptEmptyAndErrors(t *testing.T) {
	pdf, err := TranscriptPDF("Seán Ó Briain", "", "", utc(2026, time.March, 31, 10, 0), nil)
	if err != nil {
		t.Fatal(err)
	}
	text := pages(t, pdf)
	if len(text) != 1 {
		t.Fatalf("empty transcript has %d pages", len(text))
	}
	mustContain(t, "empty transcript", text[0], "Seán Ó Briain", "No completed training is recorded yet.", "Page 1 of 1")

	if _, err := TranscriptPDF("Seán Ó Briain", "", "", time.Time{}, nil); !errors.Is(err, ErrMissingGenerated) {
		t.Errorf("zero generatedAt: error %v, want ErrMissingGenerated", err)
	}
	if _, err := TranscriptPDF("", "", "", time.Now(), nil); !errors.Is(err, ErrMissingName) {
		t.Errorf("no name: error %v, want ErrMissingName", err)
	}
}

func TestSignInSheetText(t *testing.T) {
	names := []string{"Seán Ó Briain", "Zoë Łukasz", "Siobhán Ní Bhriain", "Dafydd ap Gwynfor Llŷr"}
	var rows []SheetRow
	for i := range 30 {
		rows = append(rows, SheetRow{
			Name:         fmt.Sprintf("%s %d", names[i%len(names)], i+1),
			Organisation: "Bath and North East Somerset Council Children's Services",
			JobTitle:     "Social worker",
		})
	}
	course := "Working Together to Safeguard Children: multi-agency foundation"
	when := "Monday 30 March 2026, 9:30am to 12:30pm"
	where := "Guildhall, High Street, Bath BA1 5AW"
	pdf, err := SignInSheetPDF(course, when, where, "Priya Shah", rows)
	if err != nil {
		t.Fatal(err)
	}
	text := pages(t, pdf)
	if len(text) < 2 {
		t.Fatalf("30 people fit on %d page(s); want several", len(text))
	}
	for i, p := range text {
		what := fmt.Sprintf("sign-in sheet page %d", i+1)
		mustContain(t, what, p, "Sign-in sheet", course, "When", when, "Where", where, "Trainer", "Priya Shah",
			"Name", "Organisation", "Job title", "Signature", "Personal data", fmt.Sprintf("Page %d of %d", i+1, len(text)))
	}
	all := strings.Join(text, " ")
	for i, r := range rows {
		mustContain(t, "sign-in sheet", all, fmt.Sprintf("%d %s", i+1, r.Name))
	}
	// Blank numbered rows for walk-ins follow the last booked person.
	for n := 31; n <= 30+walkInRows; n++ {
		if !strings.Contains(text[len(text)-1], fmt.Sprintf(" %d ", n)) {
			t.Errorf("last page lacks blank row %d for walk-ins", n)
		}
	}

	again, err := SignInSheetPDF(course, when, where, "Priya Shah", rows)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pdf, again) {
		t.Error("the same sign-in sheet gave different bytes")
	}
	if dir := os.Getenv("CERTIFICATE_SAMPLES"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "sheet.pdf"), pdf, 0o644)
	}
}

func TestSignInSheetEmpty(t *testing.T) {
	pdf, err := SignInSheetPDF("Neglect", "", "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	text := pages(t, pdf)
	if len(text) != 1 {
		t.Fatalf("empty sheet has %d pages, want 1", len(text))
	}
	mustContain(t, "empty sheet", text[0], "Neglect", "Signature", " 1 ", " 5 ")
	if strings.Contains(text[0], "When") {
		t.Error("empty sheet labels a blank When")
	}
	if _, err := SignInSheetPDF(" ", "", "", "", nil); !errors.Is(err, ErrMissingCourse) {
		t.Errorf("no course: error %v, want ErrMissingCourse", err)
	}
}

// TestTranscriptKeepsWideCodesWhole: a code made of the widest letters stays on one line
// (its font shrinks to fit), so it reads and copies as one code. Random codes found this:
// WXHNG-WAFGK-NPPHW-9CBW1 used to wrap.
func TestTranscriptKeepsWideCodesWhole(t *testing.T) {
	codes := []string{"WWWWW-WWWWW-WWWWW-WWWWW", "WXHNG-WAFGK-NPPHW-9CBW1", "MMMMM-WWWWW-MMMMM-WWWWW"}
	var entries []TranscriptEntry
	for i, code := range codes {
		entries = append(entries, TranscriptEntry{CourseTitle: "Neglect: recognising and responding",
			CompletedOn: london(2026, time.March, 1+i, 9, 30), DurationMinutes: 90, Code: code})
	}
	pdf, err := TranscriptPDF("Zoë Łukasz", "Royal United Hospitals Bath NHS Foundation Trust", bathnes, utc(2026, time.March, 31, 10, 0), entries)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pages(t, pdf), "\n")
	for _, code := range codes {
		if !strings.Contains(text, NormaliseCode(code)) {
			t.Errorf("transcript splits %s:\n%s", code, text)
		}
	}
}
