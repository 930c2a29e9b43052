package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// links says whose joining links this caller may see: every one for admins, otherwise
// those of sessions the caller trains or holds a confirmed place on.
type links struct {
	all       bool
	userID    int64
	confirmed map[int64]bool
}

func (l links) show(s course.Session) bool {
	return l.all || l.confirmed[s.ID] || (l.userID != 0 && s.HasTrainer(l.userID))
}

func (h *Handler) linkVisibility(c *gin.Context) (links, error) {
	u := httpx.CurrentUser(c)
	if u == nil {
		return links{}, nil
	}
	if u.IsAdmin() {
		return links{all: true}, nil
	}
	entries, err := h.Bookings.ForUser(c.Request.Context(), u.ID)
	if err != nil {
		return links{}, err
	}
	l := links{userID: u.ID, confirmed: map[int64]bool{}}
	for _, e := range entries {
		if e.Status == booking.Confirmed {
			l.confirmed[e.SessionID] = true
		}
	}
	return l, nil
}

// visible reports whether the caller may see a session at all, by the one rule pages
// use too (course.Session.VisibleTo).
func visible(c *gin.Context, s course.Session) bool {
	return s.VisibleTo(course.ViewerOf(httpx.CurrentUser(c)))
}

// listSessions lists sessions in start order. Without from, sessions that have not yet
// ended; from and to take RFC 3339 or a date (midnight, Europe/London); to is exclusive.
func (h *Handler) listSessions(c *gin.Context) {
	v := problem.Validation{}
	var f course.SessionFilter
	if s := strings.TrimSpace(c.Query("course_id")); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			v.Add("course_id", "Enter a course id: a whole number")
		}
		f.CourseID = id
	}
	if s := c.Query("from"); s != "" {
		t, ok := parseQueryTime(s)
		if !ok {
			v.Add("from", "Enter a date like 2027-03-04 or a time like 2027-03-04T09:30:00Z")
		}
		f.From = t
	}
	if s := c.Query("to"); s != "" {
		t, ok := parseQueryTime(s)
		if !ok {
			v.Add("to", "Enter a date like 2027-03-04 or a time like 2027-03-04T09:30:00Z")
		}
		f.To = t
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		v.Add("to", "The end of the range must be after its start")
	}
	if err := v.Err(); err != nil {
		h.fail(c, err)
		return
	}
	sessions, err := h.Courses.Sessions(c.Request.Context(), f)
	if err != nil {
		h.fail(c, err)
		return
	}
	links, err := h.linkVisibility(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]sessionJSON, 0, len(sessions))
	for _, s := range sessions {
		if visible(c, s) {
			out = append(out, newSessionJSON(s, links.show(s)))
		}
	}
	c.JSON(http.StatusOK, gin.H{"sessions": out})
}

// getSession shows one session.
func (h *Handler) getSession(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	s, err := h.Courses.Session(c.Request.Context(), id)
	if err == nil && !visible(c, s) {
		err = booking.ErrSessionNotFound
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	show, err := h.showLink(c, s)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newSessionJSON(s, show))
}

// showLink decides the joining-link rule for a single session with one cheap lookup:
// admins, the session's trainers and people with a confirmed place see it.
func (h *Handler) showLink(c *gin.Context, s course.Session) (bool, error) {
	u := httpx.CurrentUser(c)
	switch {
	case u == nil || s.OnlineURL == "":
		return false, nil
	case u.IsAdmin() || s.HasTrainer(u.ID):
		return true, nil
	}
	e, ok, err := h.Bookings.LiveBookingFor(c.Request.Context(), s.ID, u.ID)
	return ok && e.Status == booking.Confirmed, err
}
