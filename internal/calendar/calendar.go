// Package calendar writes iCalendar (RFC 5545) invites and feeds for training sessions,
// in the shape Outlook, Gmail and Apple Calendar treat as real meetings (iTIP, RFC 5546).
//
// Every time is written in UTC (golang-ical's TZID support is broken), every user-supplied
// text is stripped of control characters, and every line ends in CRLF and is folded at 75
// octets without splitting a UTF-8 sequence.
package calendar

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// ProdID names the product that wrote the calendar, as RFC 5545 requires.
const ProdID = "-//traininghub//traininghub//EN"

// The iTIP methods this package writes.
const (
	MethodRequest = "REQUEST"
	MethodCancel  = "CANCEL"
	MethodPublish = "PUBLISH"
)

// Event is one session as a calendar entry.
type Event struct {
	// UID identifies the event across updates and the cancellation; random, stored on the
	// booking, with no personal data in it (see NewUID).
	UID string
	// Sequence is raised by the caller on every change; a calendar ignores an update whose
	// SEQUENCE is not higher than the one it holds.
	Sequence int

	Summary, Description, Location string
	// URL is the joining link for online sessions, or the manage-booking link.
	URL string

	// Start, End and Stamp are written in UTC whatever their location.
	Start, End, Stamp time.Time

	OrganizerName, OrganizerEmail string
	AttendeeName, AttendeeEmail   string

	// Cancelled writes STATUS:CANCELLED (and makes Invite a METHOD:CANCEL), else CONFIRMED.
	Cancelled bool
	// Tentative writes STATUS:TENTATIVE: the date is kept but there is no place yet (a
	// waiting-list download). Cancelled wins.
	Tentative bool
	// Transparent writes TRANSP:TRANSPARENT, so the event does not mark the reader busy:
	// a date on offer in a public listing, not one they are going to. Else OPAQUE.
	Transparent bool
}

// Method is the iTIP method of e's invite, which the email's text/calendar part must repeat
// in its method= parameter.
func Method(e Event) string {
	if e.Cancelled {
		return MethodCancel
	}
	return MethodRequest
}

// Invite writes a METHOD:REQUEST (or METHOD:CANCEL when e.Cancelled) calendar holding the
// one event, with the organiser and the attendee (RSVP=TRUE) a mail client needs to show
// accept and decline buttons.
func Invite(e Event) ([]byte, error) {
	if err := needAddress("organiser", e.OrganizerEmail); err != nil {
		return nil, err
	}
	if err := needAddress("attendee", e.AttendeeEmail); err != nil {
		return nil, err
	}
	cal := newCalendar(Method(e))
	if err := addEvent(cal, e, true); err != nil {
		return nil, err
	}
	return serialize(cal)
}

// Feed writes a METHOD:PUBLISH calendar for subscription (webcal://). It carries no
// organiser or attendee: the events are the subscriber's own, and a feed URL that leaks
// should give away as little personal data as possible.
func Feed(name string, events []Event) ([]byte, error) {
	cal := newCalendar(MethodPublish)
	if n := cleanLine(name); n != "" {
		cal.SetXWRCalName(n)
	}
	// Ask subscribers to poll hourly rather than at their (often daily) default. golang-ical's
	// property name already carries ";VALUE=DURATION": adding the parameter writes it twice.
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	for i, e := range events {
		if err := addEvent(cal, e, false); err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
	}
	return serialize(cal)
}

func newCalendar(method string) *ics.Calendar {
	cal, _ := ics.NewCalendarWithOptions(ics.WithProductId(ProdID), ics.WithVersion("2.0"))
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.Method(method))
	return cal
}

func addEvent(cal *ics.Calendar, e Event, people bool) error {
	uid := cleanLine(e.UID)
	if uid == "" {
		return errors.New("calendar: event has no UID")
	}
	if e.Sequence < 0 {
		return fmt.Errorf("calendar: SEQUENCE %d is negative", e.Sequence)
	}
	if e.Start.IsZero() || e.End.IsZero() {
		return errors.New("calendar: event needs a start and an end")
	}
	if !e.End.After(e.Start) {
		return errors.New("calendar: event ends before it starts")
	}
	if e.Stamp.IsZero() {
		return errors.New("calendar: event needs a DTSTAMP (the time the invite was made)")
	}
	summary := cleanLine(e.Summary)
	if summary == "" {
		return errors.New("calendar: event has no summary")
	}
	link, err := cleanURL(e.URL)
	if err != nil {
		return err
	}

	ev := cal.AddEvent(uid)
	ev.SetDtStampTime(e.Stamp) // all three setters convert to UTC and write the Z form
	ev.SetSequence(e.Sequence)
	ev.SetStartAt(e.Start)
	ev.SetEndAt(e.End)
	ev.SetSummary(summary)
	if d := cleanText(e.Description); d != "" {
		ev.SetDescription(d)
	}
	if l := cleanLine(e.Location); l != "" {
		ev.SetLocation(l)
	}
	if link != "" {
		ev.SetURL(link)
	}
	if people {
		ev.SetOrganizer("mailto:"+strings.TrimSpace(e.OrganizerEmail), cnParams(e.OrganizerName)...)
		ev.AddAttendee("mailto:"+strings.TrimSpace(e.AttendeeEmail), append([]ics.PropertyParameter{
			ics.ParticipationRoleReqParticipant,
			ics.ParticipationStatusNeedsAction,
			// ics.WithRSVP writes "RSVP=true"; RFC 5545 spells BOOLEAN in capitals and
			// some clients compare case-sensitively.
			&ics.KeyValues{Key: string(ics.ParameterRsvp), Value: []string{"TRUE"}},
		}, cnParams(e.AttendeeName)...)...)
	}
	switch {
	case e.Cancelled:
		ev.SetStatus(ics.ObjectStatusCancelled)
	case e.Tentative:
		ev.SetStatus(ics.ObjectStatusTentative)
	default:
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	if e.Transparent {
		ev.SetTimeTransparency(ics.TransparencyTransparent)
	} else {
		ev.SetTimeTransparency(ics.TransparencyOpaque)
	}
	return nil
}

// cnParams is the CN parameter for a display name, or none for an empty one.
func cnParams(name string) []ics.PropertyParameter {
	if cn := cleanCN(name); cn != "" {
		return []ics.PropertyParameter{ics.WithCN(cn)}
	}
	return nil
}

// needAddress checks a bare e-mail address that becomes a mailto: CAL-ADDRESS value,
// which golang-ical writes unescaped.
func needAddress(who, addr string) error {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return fmt.Errorf("calendar: %s e-mail address is missing", who)
	}
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Address != addr || a.Name != "" {
		return fmt.Errorf("calendar: %s e-mail address %q is not a plain address", who, cleanLine(addr))
	}
	return nil
}

// cleanURL accepts an absolute http(s) link; the URL property is a URI, which golang-ical
// writes without escaping, so anything else is refused.
func cleanURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	for _, r := range raw {
		if r <= ' ' || r == 0x7f || r == '"' {
			return "", errors.New("calendar: URL contains spaces, quotes or control characters")
		}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", errors.New("calendar: URL must be an absolute http or https link")
	}
	return u.String(), nil
}

func serialize(cal *ics.Calendar) ([]byte, error) {
	var b strings.Builder
	if err := cal.SerializeTo(&b, ics.WithNewLineWindows); err != nil {
		return nil, fmt.Errorf("calendar: serialize: %w", err)
	}
	return fold([]byte(b.String())), nil
}
