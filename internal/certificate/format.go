package certificate

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/traininghub/traininghub/internal/clock"
)

// LongDate is a date as the partnership writes it, in Europe/London: "30 March 2026".
func LongDate(t time.Time) string {
	return t.In(clock.London).Format("2 January 2006")
}

// FormatDuration is a length of training in words: "3 hours", "1 hour 30 minutes",
// "45 minutes".
func FormatDuration(minutes int) string {
	if minutes <= 0 {
		return ""
	}
	h, m := minutes/60, minutes%60
	var parts []string
	if h > 0 {
		parts = append(parts, plural(h, "hour"))
	}
	if m > 0 {
		parts = append(parts, plural(m, "minute"))
	}
	return strings.Join(parts, " ")
}

// CPDHours is the continuing-professional-development credit for a length of training,
// in hours to at most two decimal places, rounded half up, with integer arithmetic so
// there is no float to drift: 180 → "3 CPD hours", 90 → "1.5 CPD hours",
// 60 → "1 CPD hour", 100 → "1.67 CPD hours".
func CPDHours(minutes int) string {
	if minutes <= 0 {
		return ""
	}
	hundredths := (minutes*100 + 30) / 60
	whole, frac := hundredths/100, hundredths%100
	s := strconv.Itoa(whole)
	if frac > 0 {
		f := strconv.Itoa(frac + 100)[1:] // two digits with a leading zero
		s += "." + strings.TrimRight(f, "0")
	}
	if hundredths == 100 {
		return s + " CPD hour"
	}
	return s + " CPD hours"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// line makes a user-supplied value safe to print on one line: control characters and line
// breaks become spaces, invalid UTF-8 goes, runs of spaces collapse. Characters outside
// the Basic Multilingual Plane (emoji, mostly) are dropped, because fpdf's UTF-8 fonts
// cannot address them (it panics), and so are invisible format characters such as
// zero-width joiners and variation selectors, which the font has no glyph for.
func line(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return ' '
		case r > 0xffff || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))), " ")
}
