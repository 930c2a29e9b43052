package calendar

// Download writes one event as a file for someone to open or import into their own
// calendar: the "download the event" link after booking.
//
// It is METHOD:PUBLISH, the iTIP method for "here is an event to add". The emailed invite
// is METHOD:REQUEST, which asks the reader to reply as an attendee: opened from a file,
// Outlook shows it as a meeting request and Apple Calendar as an invitation, and an
// importer may reject it or record a reply nobody reads. The download keeps the invite's
// UID and SEQUENCE, so a calendar that already holds the invite updates that event
// instead of adding a second one, and a later emailed update or cancellation (same UID,
// higher SEQUENCE) still applies to the imported copy.
//
// Unlike Feed it names no calendar (with X-WR-CALNAME, Apple Calendar and Outlook offer
// to make a new calendar for the one event) and sets no refresh interval (a file is not
// polled). It never lists attendees, which RFC 5546 does not allow in PUBLISH; the
// organiser is written when e has one, else left out as the feed leaves it out.
func Download(e Event) ([]byte, error) {
	if e.OrganizerEmail != "" {
		if err := needAddress("organiser", e.OrganizerEmail); err != nil {
			return nil, err
		}
	}
	cal := newCalendar(MethodPublish)
	if err := addEvent(cal, e, false); err != nil {
		return nil, err
	}
	if e.OrganizerEmail != "" {
		cal.Events()[0].SetOrganizer("mailto:"+e.OrganizerEmail, cnParams(e.OrganizerName)...)
	}
	return serialize(cal)
}
