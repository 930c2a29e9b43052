package web

import (
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
)

// Register states on "My sessions".
const (
	regNotStarted = "not_started"
	regCancelled  = "cancelled"
	regOpen       = "open"
	regToMark     = "to_mark"
	regSubmitted  = "submitted"
)

// adminWindow is how far back and ahead "My sessions" reaches for admins, who see every
// trainer's sessions; the admin pages hold the whole programme.
const adminWindow = 30 * 24 * time.Hour

// pastLimit caps the past sessions listed for a trainer, newest first.
const pastLimit = 50

type trainerSessionRow struct {
	Session      course.Session
	State        string
	ToMark       int
	Happening    bool
	ShowTrainers bool // admins see whose session it is
}

type trainerSessionsData struct {
	Upcoming    []trainerSessionRow
	Past        []trainerSessionRow
	AdminView   bool
	From, To    time.Time
	Outstanding int // started sessions whose register is not submitted
	PastCapped  bool
}

// trainerSessions lists the sessions a trainer delivers with the state of each register.
// Admins see every session from 30 days ago to 30 days ahead.
func (h *Handler) trainerSessions(c *gin.Context) {
	ctx := c.Request.Context()
	me := httpx.CurrentUser(c)
	now := h.Now()
	var d trainerSessionsData
	f := course.SessionFilter{TrainerID: me.ID, IncludePast: true}
	if me.IsAdmin() {
		d.AdminView, d.From, d.To = true, now.Add(-adminWindow), now.Add(adminWindow)
		f = course.SessionFilter{From: d.From, To: d.To}
	}
	sessions, err := h.Courses.Sessions(ctx, f)
	if err != nil {
		h.fail(c, err)
		return
	}
	var upcoming, past []course.Session
	for _, s := range sessions {
		if now.Before(s.EndsAt) {
			upcoming = append(upcoming, s)
		} else {
			past = append(past, s)
		}
	}
	slices.Reverse(past)
	if len(past) > pastLimit && !d.AdminView {
		past, d.PastCapped = past[:pastLimit], true
	}
	if d.Upcoming, err = h.sessionRows(c, upcoming, &d.Outstanding); err != nil {
		h.fail(c, err)
		return
	}
	if d.Past, err = h.sessionRows(c, past, &d.Outstanding); err != nil {
		h.fail(c, err)
		return
	}
	title := "My sessions"
	if d.AdminView {
		title = "Sessions and registers"
	}
	h.page(c, http.StatusOK, "trainer-sessions", Page{Title: title, Data: d})
}

// sessionRows works out each session's register state, counting the registers still to
// submit into outstanding. Only sessions that have started have a register worth reading.
func (h *Handler) sessionRows(c *gin.Context, sessions []course.Session, outstanding *int) ([]trainerSessionRow, error) {
	now := h.Now()
	rows := make([]trainerSessionRow, 0, len(sessions))
	for _, s := range sessions {
		row := trainerSessionRow{Session: s, State: regNotStarted, Happening: !now.Before(s.StartsAt) && now.Before(s.EndsAt),
			ShowTrainers: httpx.CurrentUser(c).IsAdmin()}
		switch {
		case s.IsCancelled():
			row.State = regCancelled
		case !now.Before(s.StartsAt):
			reg, err := h.Attendance.Load(c.Request.Context(), s.ID)
			if err != nil {
				return nil, err
			}
			row.ToMark = reg.Unmarked()
			switch {
			case reg.Locked():
				row.State = regSubmitted
			case row.ToMark > 0:
				row.State = regToMark
			default:
				row.State = regOpen
			}
			if !reg.Locked() {
				*outstanding++
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}
