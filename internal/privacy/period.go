package privacy

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period is a retention period in calendar units, so "6y" means six calendar years
// whatever the leap days. The zero Period means "keep for ever": the rule is off.
type Period struct {
	Years, Months, Days int
}

// ParsePeriod reads "6y", "72m", "2190d" (years, months, days), or "0" or "off" to switch
// a rule off.
func ParsePeriod(s string) (Period, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	if v == "0" || v == "off" {
		return Period{}, nil
	}
	if len(v) < 2 {
		return Period{}, periodError(s)
	}
	n, err := strconv.Atoi(v[:len(v)-1])
	if err != nil || n <= 0 || n > 100*366 {
		return Period{}, periodError(s)
	}
	switch v[len(v)-1] {
	case 'y':
		if n > 100 {
			return Period{}, periodError(s)
		}
		return Period{Years: n}, nil
	case 'm':
		if n > 1200 {
			return Period{}, periodError(s)
		}
		return Period{Months: n}, nil
	case 'd':
		return Period{Days: n}, nil
	}
	return Period{}, periodError(s)
}

func periodError(s string) error {
	return fmt.Errorf("retention period %q: write a whole number of years, months or days, like 6y, 72m or 2190d; 0 or off switches it off", s)
}

// Off reports whether the rule is switched off.
func (p Period) Off() bool { return p == Period{} }

// Before is the moment a period before now: anything older is past retention.
func (p Period) Before(now time.Time) time.Time { return now.AddDate(-p.Years, -p.Months, -p.Days) }

// String is the period in words, as the privacy notice and the email log say it.
func (p Period) String() string {
	var parts []string
	add := func(n int, one, many string) {
		if n == 1 {
			parts = append(parts, "1 "+one)
		} else if n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+many)
		}
	}
	add(p.Years, "year", "years")
	add(p.Months, "month", "months")
	add(p.Days, "day", "days")
	if len(parts) == 0 {
		return "no limit"
	}
	return strings.Join(parts, " ")
}

// Set implements flag.Value, so --retain-inactive takes the same forms.
func (p *Period) Set(s string) error {
	v, err := ParsePeriod(s)
	if err != nil {
		return err
	}
	*p = v
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
