package notify

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/traininghub/traininghub/internal/clock"
)

// londonDate is the day in Europe/London: "Monday 30 March 2026".
func londonDate(t time.Time) string {
	return t.In(clock.London).Format("Monday 2 January 2006")
}

// londonTime is the clock time in Europe/London, in GOV.UK style: "9:30am", "2pm",
// "midday", "midnight".
func londonTime(t time.Time) string {
	t = t.In(clock.London)
	h, m := t.Hour(), t.Minute()
	switch {
	case h == 12 && m == 0:
		return "midday"
	case h == 0 && m == 0:
		return "midnight"
	}
	suffix := "am"
	if h >= 12 {
		suffix = "pm"
	}
	if h %= 12; h == 0 {
		h = 12
	}
	if m == 0 {
		return fmt.Sprintf("%d%s", h, suffix)
	}
	return fmt.Sprintf("%d:%02d%s", h, m, suffix)
}

// when is a session's span in Europe/London: "Monday 30 March 2026, 9:30am to 12:30pm",
// naming the end day too when the session runs past midnight.
func when(start, end time.Time) string {
	s := londonDate(start) + ", " + londonTime(start)
	if londonDate(end) != londonDate(start) {
		return s + " to " + londonDate(end) + ", " + londonTime(end)
	}
	return s + " to " + londonTime(end)
}

// line makes a user-supplied single-line value safe to show anywhere: control
// characters and line breaks become spaces, invalid UTF-8 goes, spaces collapse.
func line(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, ""))), " ")
}

// text keeps a multi-line user-supplied value (a reason) with its line breaks as LF and
// every other control character dropped.
func text(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			return '\n'
		case r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// tidyText trims trailing spaces, collapses runs of blank lines left by template
// actions into one, and ends the text with a single newline.
func tidyText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := make([]string, 0, len(lines))
	blank := true // drop leading blank lines
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			if blank {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, l)
	}
	return strings.TrimRight(strings.Join(out, "\n"), "\n") + "\n"
}
