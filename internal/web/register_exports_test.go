package web_test

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"
)

// download fetches a path keeping the headers, which the page helpers drop.
func (f *regFixture) download(t *testing.T, c *http.Client, path string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(f.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestRegisterCSVNeutralisesFormulas(t *testing.T) {
	f := newRegFixture(t)
	f.start()
	tom := f.signedIn(t, "tom@example.org")
	f.follow(t, tom, f.post(t, tom, f.registerURL(f.Mine), markForm(f.PatB, "attended", f.FormulaB, "partial")))

	resp, body := f.download(t, tom, f.registerURL(f.Mine)+".csv")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CSV: %d %.300s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="register-safeguarding-level-2-2026-11-27.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(records[0], "|") != "Name|Email|Organisation|Job title|Walk-in|Attendance" {
		t.Fatalf("header %q", records[0])
	}
	byEmail := map[string][]string{}
	for _, rec := range records[1:] {
		byEmail[rec[1]] = rec
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q is not neutralised", cell)
			}
		}
	}
	if len(records) != 4 {
		t.Fatalf("%d rows, want a header and the 3 people with a place: %q", len(records), records)
	}
	if got := byEmail["formula@example.org"]; got[0] != `'=HYPERLINK("http://evil.example/x","click")` || got[5] != "Partly attended" {
		t.Errorf("formula row %q", got)
	}
	if got := byEmail["pat@example.org"]; got[2] != "Bath Police" || got[4] != "No" || got[5] != "Attended" {
		t.Errorf("Pat's row %q", got)
	}
	if got := byEmail["sean@example.org"]; got[0] != "Seán Ó Briain" || got[5] != "Not marked" {
		t.Errorf("Seán's row %q", got)
	}
}

func TestSignInSheetPageAndPDF(t *testing.T) {
	f := newRegFixture(t) // before the session: sheets are printed in advance
	tom := f.signedIn(t, "tom@example.org")
	sheet := "/trainer/sessions/" + id(f.Mine) + "/sign-in-sheet"

	r := f.get(t, tom, sheet)
	regWant(t, r, http.StatusOK, "sign-in sheet")
	mustContain(t, r.Body, "<h1>Safeguarding level 2</h1>", "Seán Ó Briain", "Person pat@example.org",
		"=HYPERLINK(&#34;http://evil.example/x&#34;,&#34;click&#34;)", "Signature", "Keynsham Civic Centre",
		"Person tom@example.org", "Friday 27 November 2026, 10:00am to 1:00pm", `<td class="numeric">11</td>`)
	mustNotContain(t, r.Body, "Wendy Waite", "<td class=\"numeric\">12</td>")

	resp, body := f.download(t, tom, sheet+".pdf")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(body, "%PDF") {
		t.Fatalf("PDF: %d %.100q", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="sign-in-sheet-safeguarding-level-2-2026-11-27.pdf"` {
		t.Errorf("Content-Disposition %q", cd)
	}
}
