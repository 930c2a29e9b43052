package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

type adminSessionData struct {
	Session  course.Session
	Entries  []booking.Entry
	Token    string
	Started  bool
	Editable bool
}

// adminSession shows a session with everyone booked and waiting, and lets the admin
// book someone or cancel a booking.
func (h *Handler) adminSession(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	h.sessionDetail(c, id, http.StatusOK, nil, nil)
}

func (h *Handler) sessionDetail(c *gin.Context, id int64, status int, pe *problem.Error, form map[string]string) {
	ctx := c.Request.Context()
	s, err := h.Courses.Session(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	entries, err := h.Bookings.ForSession(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	now := h.Now()
	d := adminSessionData{Session: s, Entries: entries, Token: formToken(),
		Started: !now.Before(s.StartsAt), Editable: !s.IsCancelled() && now.Before(s.EndsAt)}
	title := s.CourseTitle + ", " + s.StartsAt.In(clock.London).Format("2 January 2006")
	h.page(c, status, "admin-session", Page{Title: title, Problem: pe, Form: form, Data: d})
}

// adminBookPerson books a named person onto the session, by their email address.
func (h *Handler) adminBookPerson(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	form := formValues(c, "email")
	email := strings.TrimSpace(form["email"])
	fieldErr := func(msg string) {
		pe := problem.Validation{"email": msg}.Err().(*problem.Error)
		h.sessionDetail(c, id, http.StatusUnprocessableEntity, pe, form)
	}
	if email == "" {
		fieldErr("Enter the email address of the person to book")
		return
	}
	u, err := h.Accounts.UserByEmail(ctx, email)
	if isNotFound(err) || (err == nil && !u.Active) {
		fieldErr("There is no active account with that email address. Check it, or ask them to register first")
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	key := c.PostForm("token")
	if validFormToken(key) {
		key += ":" + strconv.FormatInt(u.ID, 10) // one form, one booking per person
	} else {
		key = ""
	}
	res, err := h.Bookings.Book(ctx, booking.Request{SessionID: id, UserID: u.ID, ActorID: httpx.CurrentUser(c).ID, IdempotencyKey: key})
	switch {
	case errors.Is(err, booking.ErrAlreadyBooked):
		fieldErr(u.Name + " already has a place on this session, or is on its waiting list")
		return
	case errors.Is(err, booking.ErrUserNotFound):
		fieldErr("There is no active account with that email address. Check it, or ask them to register first")
		return
	case err != nil:
		pe := h.correctable(c, plainTokenError(err))
		if pe != nil {
			h.sessionDetail(c, id, pe.Status, pe, form)
		}
		return
	}
	s, err := h.Courses.Session(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.redirect(c, sessionPath(id), bookedMessage(u.Name+" has", u.Name+" is", res.Booking, s))
}

// adminCancelBooking cancels anyone's booking; a freed place goes to the first person
// waiting.
func (h *Handler) adminCancelBooking(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	e, err := h.Bookings.Entry(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	b, err := h.Bookings.Cancel(ctx, booking.CancelRequest{BookingID: id, ActorID: httpx.CurrentUser(c).ID, AnyBooking: true})
	switch {
	case errors.Is(err, booking.ErrAlreadyCancelled):
		h.redirect(c, sessionPath(e.SessionID), e.UserName+"'s booking was already cancelled")
		return
	case err != nil:
		if pe := h.correctable(c, err); pe != nil {
			h.sessionDetail(c, e.SessionID, pe.Status, pe, nil)
		}
		return
	}
	msg := e.UserName + "'s booking is cancelled"
	switch {
	case e.Status == booking.Waitlisted:
		msg = e.UserName + " is no longer on the waiting list"
	case b.Status == booking.LateCancelled:
		msg += " (recorded as a late cancellation)"
	}
	h.redirect(c, sessionPath(e.SessionID), msg)
}

type cancelSessionData struct {
	Session course.Session
	Live    int
}

func (h *Handler) cancelSessionPage(c *gin.Context) (Page, bool) {
	s, ok := h.editableSession(c)
	if !ok {
		return Page{}, false
	}
	return Page{Title: "Cancel this session", Form: map[string]string{},
		Data: cancelSessionData{Session: s, Live: s.Confirmed + s.Waitlisted}}, true
}

func (h *Handler) adminSessionCancelForm(c *gin.Context) {
	p, ok := h.cancelSessionPage(c)
	if !ok {
		return
	}
	h.page(c, http.StatusOK, "admin-session-cancel", p)
}

// adminSessionCancel cancels the session and every booking on it.
func (h *Handler) adminSessionCancel(c *gin.Context) {
	p, ok := h.cancelSessionPage(c)
	if !ok {
		return
	}
	p.Form = formValues(c, "reason")
	d := p.Data.(cancelSessionData)
	if err := h.Courses.CancelSession(c.Request.Context(), d.Session.ID, p.Form["reason"], httpx.CurrentUser(c).ID); err != nil {
		h.formProblem(c, "admin-session-cancel", p, err)
		return
	}
	msg := "The session is cancelled"
	if d.Live > 0 {
		msg += fmt.Sprintf(". %s cancelled", plural(d.Live, "booking was", "bookings were"))
	}
	h.redirect(c, sessionPath(d.Session.ID), msg)
}
