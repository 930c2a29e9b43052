package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// registerSession loads the session named in the path for someone allowed to run its
// register: one of its trainers, or an admin. Anyone else gets the same "not found" as
// for an id that does not exist, so ids of other trainers' sessions are not confirmed.
func (h *Handler) registerSession(c *gin.Context) (course.Session, bool) {
	s, ok := h.pathSession(c)
	if !ok {
		return s, false
	}
	if me := httpx.CurrentUser(c); !me.IsAdmin() && !s.HasTrainer(me.ID) {
		h.fail(c, problem.NotFound)
		return course.Session{}, false
	}
	return s, true
}

func registerPath(id int64) string {
	return "/trainer/sessions/" + strconv.FormatInt(id, 10) + "/register"
}

// attendanceRow is one person on the register page, with the mark its radios show.
type attendanceRow struct {
	attendance.Entry
	Field     string // the radio group's name: mark-{booking id}
	Chosen    string // the mark shown: what was just sent after an error, else the stored one
	CheckedIn string // when they checked in at the venue, London time; "" if they did not
}

type attendanceData struct {
	Session  course.Session
	Register attendance.Register
	Rows     []attendanceRow
	Started  bool
	Editable bool // started, open and not cancelled
	StartsAt string
	IsAdmin  bool
	Attended int
	Partial  int
	Absent   int
	Unmarked int
	// CheckedIn counts people who checked in at the venue; CheckedInUnmarked those of
	// them not marked yet, whom one button marks as attended.
	CheckedIn         int
	CheckedInUnmarked int
}

// attendancePage shows the register: marks can be recorded once the session has started
// and until the register is submitted.
func (h *Handler) attendancePage(c *gin.Context) {
	s, ok := h.registerSession(c)
	if !ok {
		return
	}
	h.attendanceView(c, s, http.StatusOK, nil, nil, nil)
}

// attendanceView renders the register page. After a refused change it shows pe in the
// error summary, the submitted reopen reason (form) and the marks that were sent
// (chosen), so nothing typed is lost.
func (h *Handler) attendanceView(c *gin.Context, s course.Session, status int, pe *problem.Error,
	form map[string]string, chosen map[int64]string) {
	ctx := c.Request.Context()
	reg, err := h.Attendance.Load(ctx, s.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	now := h.Now()
	d := attendanceData{
		Session: s, Register: reg, Started: !now.Before(s.StartsAt),
		StartsAt: clockTime(s.StartsAt) + " on " + longDate(s.StartsAt),
		IsAdmin:  httpx.CurrentUser(c).IsAdmin(),
		Attended: reg.Count(attendance.Attended), Partial: reg.Count(attendance.Partial),
		Absent: reg.Count(attendance.Absent), Unmarked: reg.Unmarked(),
	}
	d.Editable = d.Started && !reg.Locked() && !s.IsCancelled()
	checkedIn, err := h.CheckIn.CheckedIn(ctx, s.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	for _, e := range reg.Entries {
		row := attendanceRow{Entry: e, Field: markField(e.BookingID), Chosen: string(e.Mark)}
		if at, ok := checkedIn[e.BookingID]; ok {
			row.CheckedIn = clockTime(at)
			d.CheckedIn++
			if e.Mark == "" {
				d.CheckedInUnmarked++
			}
		}
		if m, ok := chosen[e.BookingID]; ok {
			row.Chosen = m
		}
		d.Rows = append(d.Rows, row)
	}
	h.page(c, status, "trainer-register", Page{Title: "Register: " + s.CourseTitle, Problem: pe, Form: form, Data: d})
}

func markField(bookingID int64) string { return "mark-" + strconv.FormatInt(bookingID, 10) }
