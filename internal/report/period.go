package report

import (
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/problem"
)

// DateLayout is how a period's dates travel in addresses and forms (HTML date inputs).
const DateLayout = "2006-01-02"

// Period is a span of London calendar days, From inclusive and To exclusive. Both are
// London midnights.
type Period struct {
	From time.Time
	To   time.Time
}

// Start is the first instant of the period, in UTC.
func (p Period) Start() time.Time { return p.From.UTC() }

// End is the first instant after the period, in UTC.
func (p Period) End() time.Time { return p.To.UTC() }

// FromParam is the From date for an address or a form.
func (p Period) FromParam() string { return p.From.Format(DateLayout) }

// ToParam is the To date (the first day not included) for an address or a form.
func (p Period) ToParam() string { return p.To.Format(DateLayout) }

// LastDay is the last day included, as people write a range: the day before To.
func (p Period) LastDay() time.Time { return p.To.AddDate(0, 0, -1) }

// Describe is the period in plain English: "1 April 2026 to 31 March 2027".
func (p Period) Describe() string {
	return p.From.Format("2 January 2006") + " to " + p.LastDay().Format("2 January 2006")
}

// londonDay is midnight in London on the given date.
func londonDay(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, clock.London)
}

// DefaultPeriod is the twelve months up to and including today (London).
func DefaultPeriod(now time.Time) Period {
	l := now.In(clock.London)
	to := londonDay(l.Year(), l.Month(), l.Day()+1)
	return Period{From: to.AddDate(-1, 0, 0), To: to}
}

// ParsePeriod reads the from and to parameters (YYYY-MM-DD, as date inputs send them; a
// date typed as 14/03/2027 is accepted too). A blank from is twelve months before to; a
// blank to is tomorrow, so today is included. Bad dates are a validation error naming the
// field.
func ParsePeriod(from, to string, now time.Time) (Period, error) {
	def := DefaultPeriod(now)
	v := problem.Validation{}
	p := def
	fromSet, toSet := strings.TrimSpace(from) != "", strings.TrimSpace(to) != ""
	if toSet {
		if d, ok := parseDay(to); ok {
			p.To = d
		} else {
			v.Add("to", "Enter the end date as a real date, like 2027-03-31")
		}
	}
	if fromSet {
		if d, ok := parseDay(from); ok {
			p.From = d
		} else {
			v.Add("from", "Enter the start date as a real date, like 2026-04-01")
		}
	} else {
		p.From = p.To.AddDate(-1, 0, 0)
	}
	if len(v) == 0 && !p.From.Before(p.To) {
		v.Add("to", "The end date must be after the start date")
	}
	if len(v) == 0 && p.To.After(p.From.AddDate(maxYears, 0, 0)) {
		v.Add("from", "Choose a period of 10 years or less")
	}
	if err := v.Err(); err != nil {
		return def, err
	}
	return p, nil
}

// maxYears bounds a period, so a typing slip cannot ask for centuries.
const maxYears = 10

// parseDay reads a calendar date as London midnight.
func parseDay(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{DateLayout, "2/1/2006"} {
		t, err := time.Parse(layout, s)
		if err == nil && t.Year() >= 2000 && t.Year() <= 2200 {
			return londonDay(t.Year(), t.Month(), t.Day()), true
		}
	}
	return time.Time{}, false
}
