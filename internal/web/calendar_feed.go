package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/calendar"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
)

// feedHistory is how far back the calendar feed reaches, so last term's training stays in
// people's calendars without the feed growing for ever.
const feedHistory = 90 * 24 * time.Hour

// defaultCalendarHost completes event UIDs when no base URL is configured.
const defaultCalendarHost = "traininghub.local"

// calendarFeed serves a person's confirmed sessions as an iCalendar feed, for calendar
// apps to subscribe to. Each event has the UID and SEQUENCE of the booking's emailed
// invite, so the two describe the same meeting.
func (h *Handler) calendarFeed(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	ctx := c.Request.Context()
	token := strings.TrimSuffix(c.Param("token"), ".ics")
	u, err := h.Accounts.UserByCalendarToken(ctx, token)
	if err != nil {
		h.plainError(c, err)
		return
	}
	entries, err := h.Bookings.ForUser(ctx, u.ID)
	if err != nil {
		h.plainError(c, err)
		return
	}
	now := h.Now().UTC().Truncate(time.Second)
	base := h.siteBase(c)
	var events []calendar.Event
	for _, e := range entries {
		if e.Status != booking.Confirmed || e.Held || e.SessionStatus != course.Scheduled || e.EndsAt.Before(now.Add(-feedHistory)) {
			continue
		}
		events = append(events, h.feedEvent(e, base, now))
	}
	body, err := calendar.Feed("Training booked with "+h.SiteName, events)
	if err != nil {
		h.plainError(c, err)
		return
	}
	c.Header("Content-Disposition", `inline; filename="training.ics"`)
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", body)
}

// feedEvent is one booking as a feed event, worded as the emailed invite words it.
func (h *Handler) feedEvent(e booking.Entry, base string, now time.Time) calendar.Event {
	uid := e.ICalUID
	if uid == "" { // only bookings made before invites existed; the migration fills them
		uid = "booking-" + strconv.FormatInt(e.ID, 10)
	}
	ev := calendar.Event{
		UID: uid + "@" + h.calendarHost(), Sequence: e.ICalSequence,
		Summary: e.CourseTitle, Start: e.StartsAt, End: e.EndsAt, Stamp: now,
		Location: e.Venue, URL: absoluteHTTP(base + "/courses/" + strconv.FormatInt(e.CourseID, 10)),
	}
	var desc strings.Builder
	desc.WriteString(e.CourseTitle + "\n")
	if e.Online {
		ev.Location = "Online"
		if link := absoluteHTTP(e.OnlineURL); link != "" {
			ev.Location, ev.URL = "Online: "+link, link
			desc.WriteString("\nJoin online: " + link + "\n")
		}
	}
	desc.WriteString("\nSee and manage your bookings: " + base + "/my/training\n")
	ev.Description = desc.String()
	return ev
}

// resetCalendarLink makes the person's feed address (their first, or a new one when the
// old was lost or shared) and shows it this once: only a hash of its secret is kept, so
// it cannot be shown again. The page answers the POST itself rather than redirecting,
// so the secret never waits in the session store; responses are never cached.
func (h *Handler) resetCalendarLink(c *gin.Context) {
	had, err := h.Accounts.HasCalendarFeed(c.Request.Context(), httpx.CurrentUser(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	token, err := h.Accounts.ResetCalendarToken(c.Request.Context(), httpx.CurrentUser(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	links := h.calendarLinksWith(c, token)
	links.Replaced = had
	h.page(c, http.StatusOK, "calendar-feed", Page{Title: "Your calendar feed address", Data: links})
}

// calendarLinks are the ways to subscribe to a feed, as shown on "My training".
type calendarLinks struct {
	// HasFeed: the person has made a feed address, which cannot be shown again.
	HasFeed bool
	// Replaced: the address just made replaces an older one, which has stopped working.
	Replaced bool

	// Webcal opens the calendar app's subscribe dialogue. html/template would refuse the
	// webcal: scheme; the address is built here from the site's base and a base64url token.
	Webcal template.URL
	Web    string // the same feed over http(s), to paste into web calendars
}

// calendarLinksFor says whether the signed-in person has a feed address; the address
// itself is shown only when it is made.
func (h *Handler) calendarLinksFor(c *gin.Context) (calendarLinks, error) {
	has, err := h.Accounts.HasCalendarFeed(c.Request.Context(), httpx.CurrentUser(c).ID)
	return calendarLinks{HasFeed: has}, err
}

// calendarLinksWith builds the feed addresses for a secret just made.
func (h *Handler) calendarLinksWith(c *gin.Context, token string) calendarLinks {
	web := h.siteBase(c) + "/calendar/" + token + ".ics"
	_, rest, _ := strings.Cut(web, "://")
	return calendarLinks{HasFeed: true, Webcal: template.URL("webcal://" + rest), Web: web}
}

// siteBase is the site's address without a trailing slash: the configured base URL, or
// else the address this request came to.
func (h *Handler) siteBase(c *gin.Context) string {
	if u := parseBase(h.BaseURL); u != nil {
		return strings.TrimRight(u.String(), "/")
	}
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// calendarHost completes event UIDs. It comes from the configured base URL only, never
// from a request, so a UID stays the same however the feed is reached; the emailed
// invites use the same host.
func (h *Handler) calendarHost() string {
	if u := parseBase(h.BaseURL); u != nil && u.Hostname() != "" {
		return strings.ToLower(u.Hostname())
	}
	return defaultCalendarHost
}

func parseBase(raw string) *url.URL {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	u.RawQuery, u.Fragment = "", ""
	return u
}

// absoluteHTTP returns raw when it is an absolute http(s) address with no spaces or
// quotes, else "": the calendar refuses anything else, and one bad joining link must not
// break a whole feed.
func absoluteHTTP(raw string) string {
	raw = strings.TrimSpace(raw)
	if strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '"' }) {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return u.String()
}

// plainError answers a calendar app in plain text: it cannot show a page.
func (h *Handler) plainError(c *gin.Context, err error) {
	pe := httpx.Classify(c, h.Log, err)
	msg := pe.Message
	if pe.Status == http.StatusNotFound {
		msg = "No calendar at this address. It may have been replaced by a new one: find your current calendar link on your My training page."
	}
	c.String(pe.Status, msg+"\n")
}
