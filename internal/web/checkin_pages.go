package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/checkin"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// What an attendee's check-in page shows.
const (
	checkInDone    = "done"    // they have checked in
	checkInRefused = "refused" // no code would help now: Refusal says why
	checkInConfirm = "confirm" // they scanned: one button
	checkInType    = "type"    // the form to type the code
)

// checkInData is an attendee's check-in page. Session details are shown only to people
// with a place, so the page tells nobody else about a session they cannot see elsewhere.
type checkInData struct {
	Mode     string
	Session  course.Session
	HasPlace bool
	At       string // when they checked in, London time
	Code     string // the scanned code, sent by the confirm button
	Refusal  string
	Opens    string // when check-in opens, for people who came early
}

// checkInStart asks only for a code: it goes to the one session the person can check in
// to now, lists them when there are several, and says what to do when there are none.
func (h *Handler) checkInStart(c *gin.Context) {
	ids, err := h.CheckIn.OpenNow(c.Request.Context(), httpx.CurrentUser(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	if len(ids) == 1 {
		c.Redirect(http.StatusSeeOther, checkInPath(ids[0]))
		return
	}
	var sessions []course.Session
	for _, id := range ids {
		s, err := h.Courses.Session(c.Request.Context(), id)
		if err != nil {
			h.fail(c, err)
			return
		}
		sessions = append(sessions, s)
	}
	h.page(c, http.StatusOK, "check-in-start", Page{Title: "Check in to your training", Data: sessions})
}

// checkInForm is the page for typing the code: for people who cannot scan, and where
// they land after checking in.
func (h *Handler) checkInForm(c *gin.Context) { h.checkInView(c, http.StatusOK, checkInType, "", nil) }

// checkInConfirm is where the QR code leads: one button to check in with the code it
// carries. A GET changes nothing; the button posts.
func (h *Handler) checkInConfirm(c *gin.Context) {
	h.checkInView(c, http.StatusOK, checkInConfirm, c.Param("code"), nil)
}

// checkIn takes the code (scanned or typed) and checks the person in, or says plainly
// why not, with the form to type the code showing now when that would help.
func (h *Handler) checkIn(c *gin.Context) {
	sessionID, err := httpx.ParamID(c, "session")
	if err != nil {
		h.fail(c, err)
		return
	}
	res, err := h.CheckIn.CheckIn(c.Request.Context(), sessionID, httpx.CurrentUser(c).ID, c.PostForm("code"))
	if err != nil {
		if pe := h.correctable(c, err); pe != nil {
			h.checkInView(c, pe.Status, checkInType, "", pe)
		}
		return
	}
	msg := "You are checked in. Thank you: the trainer can see you are here"
	if res.Already {
		msg = "You had already checked in at " + clockTime(res.At) + ". There is nothing more to do"
	}
	h.redirect(c, checkInPath(sessionID), msg)
}

// checkInView renders an attendee's check-in page in the mode asked for, unless where
// they stand decides it: checked in already, or refused whatever code they send.
func (h *Handler) checkInView(c *gin.Context, status int, mode, code string, pe *problem.Error) {
	ctx := c.Request.Context()
	sessionID, err := httpx.ParamID(c, "session")
	if err != nil {
		h.fail(c, err)
		return
	}
	st, err := h.CheckIn.StandingOf(ctx, sessionID, httpx.CurrentUser(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := checkInData{Mode: mode, HasPlace: st.HasPlace, Code: code}
	if st.HasPlace {
		if d.Session, err = h.Courses.Session(ctx, sessionID); err != nil {
			h.fail(c, err)
			return
		}
	}
	refusal := st.Refusal(h.Now())
	switch {
	case st.CheckedIn():
		d.Mode, d.At = checkInDone, clockTime(st.CheckedInAt)+" on "+longDate(st.CheckedInAt)
	case refusal != nil:
		d.Mode = checkInRefused
		var rp *problem.Error
		if errors.As(refusal, &rp) {
			d.Refusal = rp.Message
		}
		if errors.Is(refusal, checkin.ErrNotOpen) {
			d.Opens = clockTime(st.Window.Opens) + " on " + longDate(st.Window.Opens)
		}
		if pe != nil && pe.Message == d.Refusal {
			pe = nil // said once, in the page itself
		}
	}
	title := "Check in"
	if d.HasPlace {
		title = "Check in: " + d.Session.CourseTitle
	}
	form := map[string]string{}
	h.page(c, status, "check-in", Page{Title: title, Problem: pe, Form: form, Data: d})
}
