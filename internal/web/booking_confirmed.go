package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/calendar"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
)

// addToCalendar is how one booked session gets into someone's calendar without a
// subscription: a file to open, or a prefilled new-event page of the two big web
// calendars. Every link is built here, so the page needs no script.
type addToCalendar struct {
	ICS     string // this site's download, same UID and SEQUENCE as the emailed invite
	Outlook string
	Google  string
}

type bookedData struct {
	Entry        booking.Entry
	Session      course.Session
	Email        string
	Confirmed    bool
	Waitlisted   bool
	ShowJoinLink bool
	Calendar     *addToCalendar // nil once the booking is no longer live
}

// ownEntry loads a booking of the signed-in person for the confirmation pages;
// anyone else's is "not found", as is a place held while a manager decides.
func (h *Handler) ownEntry(c *gin.Context) (booking.Entry, bool) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return booking.Entry{}, false
	}
	e, err := h.Bookings.Entry(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return booking.Entry{}, false
	}
	if e.UserID != httpx.CurrentUser(c).ID || e.Held {
		h.fail(c, booking.ErrBookingNotFound)
		return booking.Entry{}, false
	}
	return e, true
}

// calendarReady reports whether the booking is worth putting in a calendar: a live place
// or waiting-list position on a session still to come that has not been cancelled.
func calendarReady(e booking.Entry, now time.Time) bool {
	return e.Status.Live() && e.SessionStatus == course.Scheduled && now.Before(e.EndsAt)
}

// bookedPage is what someone sees straight after booking or joining a waiting list:
// where they stand, that we have emailed them, what happens next, and their calendar.
func (h *Handler) bookedPage(c *gin.Context) {
	e, ok := h.ownEntry(c)
	if !ok {
		return
	}
	s, err := h.Courses.Session(c.Request.Context(), e.SessionID)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := bookedData{Entry: e, Session: s, Email: e.UserEmail,
		Confirmed: e.Status == booking.Confirmed, Waitlisted: e.Status == booking.Waitlisted}
	d.ShowJoinLink = d.Confirmed && e.Online && absoluteHTTP(e.OnlineURL) != ""
	now := h.Now()
	if calendarReady(e, now) {
		ev := h.bookingEvent(e, h.siteBase(c), now)
		d.Calendar = &addToCalendar{
			ICS:     "/bookings/" + strconv.FormatInt(e.ID, 10) + "/calendar.ics",
			Outlook: outlookLink(ev),
			Google:  googleLink(ev),
		}
	}
	title := "Booking confirmed"
	switch {
	case d.Waitlisted:
		title = "You are on the waiting list"
	case !d.Confirmed:
		title = "Booking cancelled"
	}
	h.page(c, http.StatusOK, "booked", Page{Title: title, Data: d})
}

// bookingICS downloads the one session as an iCalendar file. It repeats the emailed
// invite's UID and SEQUENCE, so a calendar that already has the invite updates that
// event instead of adding a second one.
func (h *Handler) bookingICS(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	e, ok := h.ownEntry(c)
	if !ok {
		return
	}
	now := h.Now().UTC().Truncate(time.Second)
	if !calendarReady(e, now) {
		h.fail(c, booking.ErrBookingNotFound)
		return
	}
	// One event to add (METHOD:PUBLISH), not a feed: see calendar.Download.
	body, err := calendar.Download(h.bookingEvent(e, h.siteBase(c), now))
	if err != nil {
		h.fail(c, err)
		return
	}
	name := "training-" + e.StartsLondon().Format("2006-01-02") + ".ics"
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", body)
}

// bookingEvent is the booking as the feed and the emailed invite describe it. Someone on
// the waiting list has no place yet, so they get no joining link, the description says
// so, and the event is tentative.
func (h *Handler) bookingEvent(e booking.Entry, base string, now time.Time) calendar.Event {
	if e.Status == booking.Confirmed {
		return h.feedEvent(e, base, now)
	}
	e.OnlineURL = ""
	ev := h.feedEvent(e, base, now)
	ev.Tentative = true
	ev.Description = "You are on the waiting list: this is not a place yet. We will email you if one comes free.\n\n" + ev.Description
	return ev
}

// outlookLink opens a new event in Outlook on the web, with the times in UTC.
func outlookLink(ev calendar.Event) string {
	v := url.Values{}
	v.Set("subject", ev.Summary)
	v.Set("startdt", ev.Start.UTC().Format("2006-01-02T15:04:05Z"))
	v.Set("enddt", ev.End.UTC().Format("2006-01-02T15:04:05Z"))
	v.Set("location", ev.Location)
	v.Set("body", ev.Description)
	return "https://outlook.live.com/calendar/0/action/compose?" + v.Encode()
}

// googleLink opens a new event in Google Calendar, with the times in UTC.
func googleLink(ev calendar.Event) string {
	const f = "20060102T150405Z"
	v := url.Values{}
	v.Set("action", "TEMPLATE")
	v.Set("text", ev.Summary)
	v.Set("dates", ev.Start.UTC().Format(f)+"/"+ev.End.UTC().Format(f))
	v.Set("details", ev.Description)
	v.Set("location", ev.Location)
	return "https://calendar.google.com/calendar/render?" + v.Encode()
}

// otherDates are the person's live bookings on other upcoming dates of the same course,
// to warn before a second date is booked by mistake.
func (h *Handler) otherDates(c *gin.Context, s course.Session) ([]booking.Entry, error) {
	entries, err := h.Bookings.ForUser(c.Request.Context(), httpx.CurrentUser(c).ID)
	if err != nil {
		return nil, err
	}
	now := h.Now()
	var out []booking.Entry
	for _, e := range entries {
		if e.CourseID == s.CourseID && e.SessionID != s.ID && e.Status.Live() && !e.Held &&
			e.SessionStatus == course.Scheduled && now.Before(e.EndsAt) {
			out = append(out, e)
		}
	}
	return out, nil
}
