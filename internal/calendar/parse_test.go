package calendar

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

// checkLines asserts RFC 5545's physical line rules: CRLF everywhere, no bare CR or LF,
// at most 75 octets a line, and continuation lines that start with one space.
func checkLines(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Errorf("output does not end in CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	for i, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(l), l)
		}
		if !utf8Valid(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, l)
		}
		if l == "" {
			t.Errorf("line %d is empty", i+1)
		}
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\x00") == s }

// parsed is what both parsers are asked to agree on.
type parsed struct {
	method, uid, summary, location, description, url, status, transp string
	sequence                                                         int
	start, end, stamp                                                time.Time
	attendeeEmail, attendeeCN, organizerEmail, organizerCN           string
	rsvp, role, partstat                                             string
	events                                                           int
}

func parseArran(t *testing.T, b []byte) parsed {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("golang-ical cannot parse: %v\n%s", err, b)
	}
	var p parsed
	for _, cp := range cal.CalendarProperties {
		if cp.IANAToken == "METHOD" {
			p.method = cp.Value
		}
	}
	evs := cal.Events()
	p.events = len(evs)
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
	p.uid = ev.Id()
	p.summary = get(ics.ComponentPropertySummary)
	p.location = get(ics.ComponentPropertyLocation)
	p.description = get(ics.ComponentPropertyDescription)
	p.url = get(ics.ComponentPropertyUrl)
	p.status = get(ics.ComponentPropertyStatus)
	p.transp = get(ics.ComponentPropertyTransp)
	p.sequence, err = strconv.Atoi(get(ics.ComponentPropertySequence))
	if err != nil {
		t.Errorf("golang-ical SEQUENCE: %v", err)
	}
	for _, f := range []struct {
		prop ics.ComponentProperty
		dst  *time.Time
	}{{ics.ComponentPropertyDtStart, &p.start}, {ics.ComponentPropertyDtEnd, &p.end}, {ics.ComponentPropertyDtstamp, &p.stamp}} {
		v := get(f.prop)
		if !regexp.MustCompile(`^\d{8}T\d{6}Z$`).MatchString(v) {
			t.Errorf("%s = %q, want UTC form YYYYMMDDTHHMMSSZ", f.prop, v)
		}
		*f.dst, err = time.Parse("20060102T150405Z", v)
		if err != nil {
			t.Errorf("%s: %v", f.prop, err)
		}
	}
	if got, err := ev.GetStartAt(); err != nil || !got.Equal(p.start) || got.Location() != time.UTC {
		t.Errorf("golang-ical GetStartAt = %v (%v), %v; want %v UTC", got, got.Location(), err, p.start)
	}
	if atts := ev.Attendees(); len(atts) > 0 {
		a := atts[0]
		p.attendeeEmail = a.Email()
		p.attendeeCN = first(a.ICalParameters["CN"])
		p.rsvp = first(a.ICalParameters["RSVP"])
		p.role = first(a.ICalParameters["ROLE"])
		p.partstat = first(a.ICalParameters["PARTSTAT"])
	}
	if o := ev.GetProperty(ics.ComponentPropertyOrganizer); o != nil {
		p.organizerEmail = strings.TrimPrefix(o.Value, "mailto:")
		p.organizerCN = first(o.ICalParameters["CN"])
	}
	return p
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func parseEmersion(t *testing.T, b []byte) parsed {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot parse: %v\n%s", err, b)
	}
	var p parsed
	if m := cal.Props.Get(ical.PropMethod); m != nil {
		p.method = m.Value
	}
	evs := cal.Events()
	p.events = len(evs)
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
			t.Errorf("go-ical %s: %v", name, err)
		}
		return s
	}
	p.uid = text(ical.PropUID)
	p.summary = text(ical.PropSummary)
	p.location = text(ical.PropLocation)
	p.description = text(ical.PropDescription)
	p.status = text(ical.PropStatus)
	p.transp = text(ical.PropTransparency)
	if u := ev.Props.Get(ical.PropURL); u != nil {
		p.url = u.Value
	}
	if s := ev.Props.Get(ical.PropSequence); s != nil {
		p.sequence, err = s.Int()
		if err != nil {
			t.Errorf("go-ical SEQUENCE: %v", err)
		}
	}
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{ical.PropDateTimeStart, &p.start}, {ical.PropDateTimeEnd, &p.end}, {ical.PropDateTimeStamp, &p.stamp}} {
		pr := ev.Props.Get(f.name)
		if pr == nil {
			t.Errorf("go-ical: no %s", f.name)
			continue
		}
		// A local zone as the default shows up any value that is not in the Z form.
		*f.dst, err = pr.DateTime(time.FixedZone("elsewhere", 5*3600))
		if err != nil {
			t.Errorf("go-ical %s: %v", f.name, err)
		}
		if f.dst.Location() != time.UTC {
			t.Errorf("go-ical %s is in %v, want UTC", f.name, f.dst.Location())
		}
	}
	if a := ev.Props.Get(ical.PropAttendee); a != nil {
		p.attendeeEmail = strings.TrimPrefix(a.Value, "mailto:")
		p.attendeeCN = a.Params.Get(ical.ParamCommonName)
		p.rsvp = a.Params.Get(ical.ParamRSVP)
		p.role = a.Params.Get(ical.ParamRole)
		p.partstat = a.Params.Get(ical.ParamParticipationStatus)
	}
	if o := ev.Props.Get(ical.PropOrganizer); o != nil {
		p.organizerEmail = strings.TrimPrefix(o.Value, "mailto:")
		p.organizerCN = o.Params.Get(ical.ParamCommonName)
	}
	return p
}

// parseBoth parses b with both libraries, fails unless they agree, and returns the result.
func parseBoth(t *testing.T, b []byte) parsed {
	t.Helper()
	a, e := parseArran(t, b), parseEmersion(t, b)
	if a != e {
		t.Errorf("parsers disagree:\ngolang-ical: %+v\ngo-ical:     %+v\n%s", a, e, b)
	}
	return e
}
