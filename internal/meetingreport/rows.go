package meetingreport

import (
	"regexp"
	"strings"
	"time"
)

// fromRows reads a table of joins (one row each) or of people (one row each, with a
// total). A row of a single join gives a span when both its times read; a row of a person
// gives only its stated total, because the time between their first join and last leave
// may include time away.
func fromRows(t table, loc *time.Location, near time.Time) []Attendee {
	var out []Attendee
	for _, row := range t.rows {
		a, ok := person(t, row)
		if !ok {
			continue
		}
		if d, ok := parseDuration(t.cell(row, colDuration)); ok {
			a.Reported = d
		}
		join, okJoin := parseTime(t.cell(row, colJoin), loc, near)
		leave, okLeave := parseTime(t.cell(row, colLeave), loc, near)
		switch {
		case okJoin && okLeave:
			a.Spans = []Span{{Join: join, Leave: leave}}
		case okJoin && a.Reported > 0:
			a.Spans = []Span{{Join: join, Leave: join.Add(a.Reported)}}
		case !t.has(colDuration):
			first, okFirst := parseTime(t.cell(row, colFirstJoin), loc, near)
			last, okLast := parseTime(t.cell(row, colLastLeave), loc, near)
			if okFirst && okLast {
				a.Spans = []Span{{Join: first, Leave: last}}
			}
		}
		out = append(out, a)
	}
	return out
}

// fromLog reads the older Teams log of "Joined" and "Left" lines into spans. Someone
// still in when the log ends is counted to its last moment.
func fromLog(t table, loc *time.Location, near time.Time) []Attendee {
	type open struct {
		a    Attendee
		join time.Time
		in   bool
	}
	var last time.Time
	byKey := map[string]*open{}
	var order []string
	for _, row := range t.rows {
		a, ok := person(t, row)
		at, okAt := parseTime(t.cell(row, colStamp), loc, near)
		if !ok || !okAt {
			continue
		}
		if at.After(last) {
			last = at
		}
		key := strings.ToLower(a.Email + "|" + a.Name)
		o := byKey[key]
		if o == nil {
			o = &open{a: a}
			byKey[key] = o
			order = append(order, key)
		}
		action := strings.ToLower(t.cell(row, colAction))
		switch {
		case strings.HasPrefix(action, "join") && !o.in:
			o.join, o.in = at, true
		case strings.HasPrefix(action, "left") && o.in:
			o.a.Spans = append(o.a.Spans, Span{Join: o.join, Leave: at})
			o.in = false
		}
	}
	out := make([]Attendee, 0, len(order))
	for _, key := range order {
		o := byKey[key]
		if o.in {
			o.a.Spans = append(o.a.Spans, Span{Join: o.join, Leave: last})
		}
		out = append(out, o.a)
	}
	return out
}

// person reads who a row is about: their name without the labels the services add
// ("(Guest)", "(External)", Zoom's "(original name)"), and their email, falling back on
// Teams' sign-in name when that is an address.
func person(t table, row []string) (Attendee, bool) {
	name, original := splitOriginal(t.cell(row, colName))
	email := strings.TrimSpace(t.cell(row, colEmail))
	if email == "" {
		if upn := strings.TrimSpace(t.cell(row, colUPN)); strings.Contains(upn, "@") {
			email = upn
		}
	}
	if !strings.Contains(email, "@") {
		email = ""
	}
	if name == "" {
		name, original = original, ""
	}
	if name == "" && email == "" {
		return Attendee{}, false
	}
	return Attendee{Name: name, OtherName: original, Email: email, Role: t.cell(row, colRole)}, true
}

// labels are the words the services put in brackets after a name.
var labels = regexp.MustCompile(`(?i)\s*\((guest|external|unverified|host|co-host|me)\)\s*$`)

// splitOriginal takes Zoom's "Shown Name (Original Name)" apart, and drops a label.
func splitOriginal(s string) (name, original string) {
	s = labels.ReplaceAllString(strings.TrimSpace(s), "")
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndex(s, " ("); i > 0 {
			return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+2 : len(s)-1])
		}
	}
	return s, ""
}
