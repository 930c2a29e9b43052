package meetingreport

import (
	"strconv"
	"strings"
	"time"
)

// timeLayouts are the ways the two services write a moment, in the organiser's locale.
// Each numeric date is tried day first and month first; the reading nearest the session
// wins, so 04/12/2026 is 4 December for a December session and 12 April for an April one.
var timeLayouts = func() []string {
	dates := []string{"2/1/2006", "1/2/2006", "2/1/06", "1/2/06", "2.1.2006", "2-1-2006"}
	clocks := []string{"15:04:05", "15:04", "3:04:05 PM", "3:04 PM"}
	var out []string
	for _, d := range dates {
		for _, c := range clocks {
			out = append(out, d+", "+c, d+" "+c)
		}
	}
	return append(out, "2006-01-02 15:04:05", "2006-01-02T15:04:05", time.RFC3339, "2006-01-02 15:04")
}()

// parseTime reads a moment written in loc, choosing among the readings the one nearest
// near.
func parseTime(s string, loc *time.Location, near time.Time) (time.Time, bool) {
	s = strings.ToUpper(spaces.Replace(strings.TrimSpace(s)))
	if s == "" {
		return time.Time{}, false
	}
	var best time.Time
	found := false
	for _, layout := range timeLayouts {
		t, err := time.ParseInLocation(layout, s, loc)
		if err != nil {
			continue
		}
		if !found || distance(t, near) < distance(best, near) {
			best, found = t, true
		}
	}
	return best.UTC(), found
}

// spaces turns the no-break spaces some locales put before AM and PM into plain ones.
var spaces = strings.NewReplacer("\u202f", " ", "\u00a0", " ")

func distance(a, b time.Time) time.Duration {
	if d := a.Sub(b); d >= 0 {
		return d
	}
	return b.Sub(a)
}

// parseDuration reads a stated time in the meeting: "1h 2m 3s" (Teams), "1:02:03", or a
// plain number, which is minutes (Zoom's "Duration (Minutes)").
func parseDuration(s string) (time.Duration, bool) {
	s = strings.TrimSpace(spaces.Replace(s))
	if s == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 0 {
		return time.Duration(n) * time.Minute, true
	}
	if strings.Contains(s, ":") {
		return clockDuration(s)
	}
	if d, err := time.ParseDuration(strings.ReplaceAll(s, " ", "")); err == nil && d >= 0 {
		return d, true
	}
	return 0, false
}

func clockDuration(s string) (time.Duration, bool) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	var total time.Duration
	units := []time.Duration{time.Hour, time.Minute, time.Second}[3-len(parts):]
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return 0, false
		}
		total += time.Duration(n) * units[i]
	}
	return total, true
}
