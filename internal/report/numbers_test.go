package report

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/problem"
)

func hasField(err error, field string) bool {
	var pe *problem.Error
	if !errors.As(err, &pe) {
		return false
	}
	_, ok := pe.Fields[field]
	return ok
}

func TestRate(t *testing.T) {
	for _, c := range []struct {
		num, den int64
		tenths   int64
		text     string
		plain    string
	}{
		{0, 0, 0, "—", ""},
		{5, 0, 0, "—", ""},
		{0, 7, 0, "0.0%", "0.0"},
		{1, 3, 333, "33.3%", "33.3"},
		{2, 3, 667, "66.7%", "66.7"},
		{1, 8, 125, "12.5%", "12.5"},
		{1, 16, 63, "6.3%", "6.3"},      // 6.25 rounds half up
		{1, 2000, 1, "0.1%", "0.1"},     // 0.05 rounds half up
		{1, 2001, 0, "0.0%", "0.0"},     // 0.0499...
		{3, 8, 375, "37.5%", "37.5"},    // 37.5 exactly
		{7, 7, 1000, "100.0%", "100.0"}, // whole
		{123457, 1000000, 123, "12.3%", "12.3"},
	} {
		r := Rate{Num: c.num, Den: c.den}
		tenths, ok := r.Tenths()
		if ok != (c.den > 0) || tenths != c.tenths || r.String() != c.text || r.Plain() != c.plain {
			t.Errorf("%d/%d: %d %v %q %q, want %d %q %q", c.num, c.den, tenths, ok, r.String(), r.Plain(), c.tenths, c.text, c.plain)
		}
	}
}

func TestAverageTenths(t *testing.T) {
	for _, c := range []struct {
		sum, n, want int64
		ok           bool
	}{
		{0, 0, 0, false}, {13, 3, 43, true}, {14, 3, 47, true}, {7, 2, 35, true}, {9, 2, 45, true}, {5, 1, 50, true},
		{29, 20, 15, true}, // 1.45 -> 1.5 (half up)
	} {
		got, ok := AverageTenths(c.sum, c.n)
		if got != c.want || ok != c.ok {
			t.Errorf("%d/%d: %d %v, want %d %v", c.sum, c.n, got, ok, c.want, c.ok)
		}
	}
}

func TestPounds(t *testing.T) {
	for _, c := range []struct {
		pence       int64
		text, plain string
	}{
		{0, "£0.00", "0.00"},
		{5, "£0.05", "0.05"},
		{50, "£0.50", "0.50"},
		{2500, "£25.00", "25.00"},
		{1275, "£12.75", "12.75"},
		{99999, "£999.99", "999.99"},
		{100000, "£1,000.00", "1000.00"},
		{123450, "£1,234.50", "1234.50"},
		{12345678901, "£123,456,789.01", "123456789.01"},
		{-250, "-£2.50", "-2.50"},
	} {
		if got := Pounds(c.pence); got != c.text {
			t.Errorf("Pounds(%d) = %q, want %q", c.pence, got, c.text)
		}
		if got := PoundsPlain(c.pence); got != c.plain {
			t.Errorf("PoundsPlain(%d) = %q, want %q", c.pence, got, c.plain)
		}
	}
	if Count(1234567) != "1,234,567" || Count(999) != "999" || Count(0) != "0" {
		t.Errorf("Count: %s %s %s", Count(1234567), Count(999), Count(0))
	}
}

// TestNoFloats keeps floating point out of the package: rates and money are integers.
func TestNoFloats(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, word := range []string{"float32", "float64", "math.Round", "%f", "%.1f", "%.2f", "ParseFloat"} {
			if strings.Contains(string(b), word) {
				t.Errorf("%s uses %s: compute rates and money with integers", name, word)
			}
		}
	}
}
