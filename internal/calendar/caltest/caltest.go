// Package caltest holds test helpers for iCalendar output: RFC 5545 line checks and a
// parse of the first event with both github.com/arran4/golang-ical and
// github.com/emersion/go-ical, so tests can demand that independent parsers agree.
package caltest

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	ical "github.com/emersion/go-ical"
)

// CheckLines asserts RFC 5545's physical line rules: CRLF everywhere, no bare CR or LF,
// at most 75 octets a line, and continuation lines that start with one space.
func CheckLines(tb testing.TB, b []byte) {
	tb.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		tb.Errorf("output does not end in CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	for i, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			tb.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			tb.Errorf("line %d is %d octets: %q", i+1, len(l), l)
		}
		if !utf8Valid(l) {
			tb.Errorf("line %d splits a UTF-8 sequence: %q", i+1, l)
		}
		if l == "" {
			tb.Errorf("line %d is empty", i+1)
		}
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\x00") == s }

// Parsed is what both parsers are asked to agree on: the calendar METHOD, the number of
// events, and the fields of the first event (the zero value for those if there is none).
type Parsed struct {
	Method, UID, Summary, Location, Description, URL, Status, Transp string
	Sequence                                                         int
	Start, End, Stamp                                                time.Time
	AttendeeEmail, AttendeeCN, OrganizerEmail, OrganizerCN           string
	RSVP, Role, Partstat                                             string
	Events                                                           int
}

// ParseArran parses b with github.com/arran4/golang-ical. It fails the test if b does not
// parse, and reports DTSTART, DTEND or DTSTAMP not in the UTC form YYYYMMDDTHHMMSSZ.
func ParseArran(tb testing.TB, b []byte) Parsed {
	tb.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("golang-ical cannot parse: %v\n%s", err, b)
	}
	var p Parsed
	for _, cp := range cal.CalendarProperties {
		if cp.IANAToken == "METHOD" {
			p.Method = cp.Value
		}
	}
	evs := cal.Events()
	p.Events = len(evs)
	if len(evs) == 0 {
		return p
	}
	ev := evs[0]
	get := func(prop ics.ComponentProperty) string {
		if pr := ev.GetProperty(prop); pr != nil {
			return pr.Value
		}
		return ""
	}
	p.UID = ev.Id()
	p.Summary = get(ics.ComponentPropertySummary)
	p.Location = get(ics.ComponentPropertyLocation)
	p.Description = get(ics.ComponentPropertyDescription)
	p.URL = get(ics.ComponentPropertyUrl)
	p.Status = get(ics.ComponentPropertyStatus)
	p.Transp = get(ics.ComponentPropertyTransp)
	p.Sequence, err = strconv.Atoi(get(ics.ComponentPropertySequence))
	if err != nil {
		tb.Errorf("golang-ical SEQUENCE: %v", err)
	}
	for _, f := range []struct {
		prop ics.ComponentProperty
		dst  *time.Time
	}{{ics.ComponentPropertyDtStart, &p.Start}, {ics.ComponentPropertyDtEnd, &p.End}, {ics.ComponentPropertyDtstamp, &p.Stamp}} {
		v := get(f.prop)
		if !regexp.MustCompile(`^\d{8}T\d{6}Z$`).MatchString(v) {
			tb.Errorf("%s = %q, want UTC form YYYYMMDDTHHMMSSZ", f.prop, v)
		}
		*f.dst, err = time.Parse("20060102T150405Z", v)
		if err != nil {
			tb.Errorf("%s: %v", f.prop, err)
		}
	}
	if got, err := ev.GetStartAt(); err != nil || !got.Equal(p.Start) || got.Location() != time.UTC {
		tb.Errorf("golang-ical GetStartAt = %v (%v), %v; want %v UTC", got, got.Location(), err, p.Start)
	}
	if atts := ev.Attendees(); len(atts) > 0 {
		a := atts[0]
		p.AttendeeEmail = a.Email()
		p.AttendeeCN = first(a.ICalParameters["CN"])
		p.RSVP = first(a.ICalParameters["RSVP"])
		p.Role = first(a.ICalParameters["ROLE"])
		p.Partstat = first(a.ICalParameters["PARTSTAT"])
	}
	if o := ev.GetProperty(ics.ComponentPropertyOrganizer); o != nil {
		p.OrganizerEmail = strings.TrimPrefix(o.Value, "mailto:")
		p.OrganizerCN = first(o.ICalParameters["CN"])
	}
	return p
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// ParseEmersion parses b with github.com/emersion/go-ical. It fails the test if b does not
// parse, and reports DTSTART, DTEND or DTSTAMP that are missing or not in UTC.
func ParseEmersion(tb testing.TB, b []byte) Parsed {
	tb.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		tb.Fatalf("go-ical cannot parse: %v\n%s", err, b)
	}
	var p Parsed
	if m := cal.Props.Get(ical.PropMethod); m != nil {
		p.Method = m.Value
	}
	evs := cal.Events()
	p.Events = len(evs)
	if len(evs) == 0 {
		return p
	}
	ev := evs[0]
	text := func(name string) string {
		pr := ev.Props.Get(name)
		if pr == nil {
			return ""
		}
		s, err := pr.Text()
		if err != nil {
			tb.Errorf("go-ical %s: %v", name, err)
		}
		return s
	}
	p.UID = text(ical.PropUID)
	p.Summary = text(ical.PropSummary)
	p.Location = text(ical.PropLocation)
	p.Description = text(ical.PropDescription)
	p.Status = text(ical.PropStatus)
	p.Transp = text(ical.PropTransparency)
	if u := ev.Props.Get(ical.PropURL); u != nil {
		p.URL = u.Value
	}
	if s := ev.Props.Get(ical.PropSequence); s != nil {
		p.Sequence, err = s.Int()
		if err != nil {
			tb.Errorf("go-ical SEQUENCE: %v", err)
		}
	}
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{ical.PropDateTimeStart, &p.Start}, {ical.PropDateTimeEnd, &p.End}, {ical.PropDateTimeStamp, &p.Stamp}} {
		pr := ev.Props.Get(f.name)
		if pr == nil {
			tb.Errorf("go-ical: no %s", f.name)
			continue
		}
		// A local zone as the default shows up any value that is not in the Z form.
		*f.dst, err = pr.DateTime(time.FixedZone("elsewhere", 5*3600))
		if err != nil {
			tb.Errorf("go-ical %s: %v", f.name, err)
		}
		if f.dst.Location() != time.UTC {
			tb.Errorf("go-ical %s is in %v, want UTC", f.name, f.dst.Location())
		}
	}
	if a := ev.Props.Get(ical.PropAttendee); a != nil {
		p.AttendeeEmail = strings.TrimPrefix(a.Value, "mailto:")
		p.AttendeeCN = a.Params.Get(ical.ParamCommonName)
		p.RSVP = a.Params.Get(ical.ParamRSVP)
		p.Role = a.Params.Get(ical.ParamRole)
		p.Partstat = a.Params.Get(ical.ParamParticipationStatus)
	}
	if o := ev.Props.Get(ical.PropOrganizer); o != nil {
		p.OrganizerEmail = strings.TrimPrefix(o.Value, "mailto:")
		p.OrganizerCN = o.Params.Get(ical.ParamCommonName)
	}
	return p
}

// ParseBoth parses b with both libraries, fails unless they agree, and returns the result.
func ParseBoth(tb testing.TB, b []byte) Parsed {
	tb.Helper()
	a, e := ParseArran(tb, b), ParseEmersion(tb, b)
	if a != e {
		tb.Errorf("parsers disagree:\ngolang-ical: %+v\ngo-ical:     %+v\n%s", a, e, b)
	}
	return e
}
