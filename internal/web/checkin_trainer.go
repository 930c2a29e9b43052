package web

import (
	"html/template"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/checkin"
	"github.com/traininghub/traininghub/internal/course"
)

// trainerCheckInData is the check-in screen a trainer shows on a phone or projector.
type trainerCheckInData struct {
	Session   course.Session
	Code      string // "" when there is nothing to show: cancelled or ended
	CodeParts [2]string
	QR        template.HTML // inline SVG
	Address   string
	TypeAt    string // where to type the code instead of scanning
	Refresh   int    // seconds until the next code
	Updating  bool   // the trainer asked the page to reload itself with each new code
	Opens     time.Time
	NotOpen   bool
	Closed    bool
	CheckedIn int
	Places    int
}

// trainerCheckIn shows the current code and its QR code, for the trainers of the
// session (and admins): the same people who run its register. Asked to
// (?updating=on), the page reloads itself when the code changes, without script; it
// does not by default, because a page that reloads on a timer is a barrier for people
// using screen readers (WCAG 2.2.1) unless they chose it and can stop it.
func (h *Handler) trainerCheckIn(c *gin.Context) {
	s, ok := h.registerSession(c)
	if !ok {
		return
	}
	if s.Online {
		h.fail(c, checkin.ErrOnline)
		return
	}
	ctx := c.Request.Context()
	now := h.Now()
	w := checkin.Window(s.StartsAt, s.EndsAt)
	d := trainerCheckInData{Session: s, Opens: w.Opens, NotOpen: now.Before(w.Opens), Closed: !now.Before(w.Closes),
		TypeAt: h.siteBase(c) + "/check-in", Refresh: 30, Places: s.Confirmed, Updating: c.Query("updating") == "on"}
	checkedIn, err := h.CheckIn.CheckedIn(ctx, s.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	d.CheckedIn = len(checkedIn)
	if !s.IsCancelled() && !d.Closed {
		shown, err := h.CheckIn.Current(ctx, s.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		d.Code, d.CodeParts = shown.Code, [2]string{shown.Code[:3], shown.Code[3:]}
		d.Address = h.siteBase(c) + checkInPath(s.ID) + "/" + shown.Code
		if d.QR, err = qrSVG(d.Address, "QR code for checking in to "+s.CourseTitle); err != nil {
			h.fail(c, err)
			return
		}
		d.Refresh = max(1, int(math.Ceil(shown.Until.Sub(now).Seconds())))
	}
	h.page(c, http.StatusOK, "trainer-check-in", Page{Title: "Check in: " + s.CourseTitle, Data: d})
}

// checkInPath is the attendee's check-in page for a session.
func checkInPath(sessionID int64) string { return "/check-in/" + strconv.FormatInt(sessionID, 10) }
