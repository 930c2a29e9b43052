package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

type registerEntryJSON struct {
	BookingID    int64   `json:"booking_id"`
	UserID       int64   `json:"user_id"`
	Name         string  `json:"name"`
	Organisation string  `json:"organisation"`
	JobTitle     string  `json:"job_title"`
	WalkIn       bool    `json:"walk_in"`
	Attendance   *string `json:"attendance"`
}

type registerJSON struct {
	SessionID   int64               `json:"session_id"`
	Status      string              `json:"status"`
	SubmittedAt *time.Time          `json:"submitted_at"`
	Entries     []registerEntryJSON `json:"entries"`
}

func newRegisterEntryJSON(e attendance.Entry) registerEntryJSON {
	out := registerEntryJSON{BookingID: e.BookingID, UserID: e.UserID, Name: e.Name,
		Organisation: e.Organisation, JobTitle: e.JobTitle, WalkIn: e.WalkIn}
	if e.Mark != "" {
		m := string(e.Mark)
		out.Attendance = &m
	}
	return out
}

func newRegisterJSON(r attendance.Register) registerJSON {
	out := registerJSON{SessionID: r.SessionID, Status: r.Status, Entries: make([]registerEntryJSON, 0, len(r.Entries))}
	if r.Locked() && !r.SubmittedAt.IsZero() {
		at := r.SubmittedAt.UTC()
		out.SubmittedAt = &at
	}
	for _, e := range r.Entries {
		out.Entries = append(out.Entries, newRegisterEntryJSON(e))
	}
	return out
}

// trainedSession loads a session the caller may run the register of.
func (h *Handler) trainedSession(ctx context.Context, u *account.User, id int64) (course.Session, error) {
	s, err := h.Courses.Session(ctx, id)
	if err != nil {
		return s, err
	}
	if !u.IsAdmin() && !s.HasTrainer(u.ID) {
		return course.Session{}, booking.ErrSessionNotFound
	}
	return s, nil
}

// getRegister shows a session's register.
func (h *Handler) getRegister(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	if _, err := h.trainedSession(ctx, httpx.CurrentUser(c), id); err != nil {
		h.fail(c, notFoundAs(err, booking.ErrSessionNotFound))
		return
	}
	reg, err := h.Attendance.Load(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newRegisterJSON(reg))
}

type attendanceBody struct {
	Status *string `json:"status"`
}

// putAttendance records one person's attendance and answers with their register entry.
func (h *Handler) putAttendance(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	u := httpx.CurrentUser(c)
	e, err := h.Bookings.Entry(ctx, id)
	if err == nil {
		_, err = h.trainedSession(ctx, u, e.SessionID)
	}
	if err != nil {
		h.fail(c, notFoundAs(err, booking.ErrBookingNotFound))
		return
	}
	var body attendanceBody
	if err := decodeJSON(c, &body, false); err != nil {
		h.fail(c, err)
		return
	}
	if body.Status == nil {
		h.fail(c, attendance.ErrBadMark)
		return
	}
	mark := attendance.Mark(strings.TrimSpace(*body.Status))
	if err := h.Attendance.SetMark(ctx, id, mark, u.ID); err != nil {
		h.fail(c, err)
		return
	}
	reg, err := h.Attendance.Load(ctx, e.SessionID)
	if err != nil {
		h.fail(c, err)
		return
	}
	for _, entry := range reg.Entries {
		if entry.BookingID == id {
			c.JSON(http.StatusOK, newRegisterEntryJSON(entry))
			return
		}
	}
	h.fail(c, attendance.ErrNotOnRegister)
}

// notFoundAs gives every "not found" the same public answer, so a booking on another
// trainer's session looks exactly like one that does not exist.
func notFoundAs(err error, nf *problem.Error) error {
	if pe, _ := problem.From(err); pe.Status == http.StatusNotFound {
		return nf
	}
	return err
}
