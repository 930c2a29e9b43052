package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// The walk-in page adds someone who came without booking. It is a page of its own so the
// register's marks are never lost: the register form's "Add someone who came without
// booking" button saves the marks on it first, then comes here.

var walkInFields = []string{"email", "name", "organisation_id", "job_title"}

type walkInData struct {
	Session   course.Session
	IsAdmin   bool
	Refusal   *problem.Error // why nobody can be added now (not started, submitted, cancelled)
	Orgs      []account.Organisation
	ChosenOrg int64
}

func walkInPath(id int64) string { return registerPath(id) + "/walk-ins/new" }

// walkInNew shows the form for adding someone who came without booking.
func (h *Handler) walkInNew(c *gin.Context) {
	s, ok := h.registerSession(c)
	if !ok {
		return
	}
	h.walkInView(c, s, http.StatusOK, nil, nil)
}

// walkInView renders the walk-in page; after a refused form it shows pe and what was
// typed. When the register cannot take anyone now the page says why instead of the form.
func (h *Handler) walkInView(c *gin.Context, s course.Session, status int, pe *problem.Error, form map[string]string) {
	ctx := c.Request.Context()
	reg, err := h.Attendance.Load(ctx, s.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := walkInData{Session: s, IsAdmin: httpx.CurrentUser(c).IsAdmin()}
	if err := h.registerWritable(s, reg); err != nil {
		d.Refusal, _ = problem.From(err)
		if pe != nil && len(pe.Fields) == 0 {
			pe = nil // the page says it already, in place of the form
		}
	} else {
		if d.Orgs, err = h.Accounts.Organisations(ctx); err != nil {
			h.fail(c, err)
			return
		}
		d.ChosenOrg, _ = strconv.ParseInt(strings.TrimSpace(form["organisation_id"]), 10, 64)
	}
	h.page(c, status, "trainer-register-walk-in", Page{Title: "Add someone who came without booking",
		Problem: pe, Form: form, Data: d})
}

// walkInProblem re-renders the walk-in page with err when the trainer can act on it.
func (h *Handler) walkInProblem(c *gin.Context, s course.Session, err error, form map[string]string) {
	if pe := h.correctable(c, err); pe != nil {
		h.walkInView(c, s, pe.Status, pe, form)
	}
}

// registerWalkIn adds someone who came without a booking, as attended: an existing
// account by its email, or a new account (without a password) for someone new. It
// returns to the register with a message saying who was added.
func (h *Handler) registerWalkIn(c *gin.Context) {
	s, ok := h.registerSession(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	form := formValues(c, walkInFields...)
	refuse := func(err error) { h.walkInProblem(c, s, err, form) }
	reg, err := h.Attendance.Load(ctx, s.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.registerWritable(s, reg); err != nil {
		refuse(err)
		return
	}
	w, existing, err := h.walkInCheck(ctx, form)
	if err != nil {
		refuse(err)
		return
	}
	waiting := false
	if existing != nil {
		e, ok, err := h.Bookings.LiveBookingFor(ctx, s.ID, existing.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		waiting = ok && e.Status == booking.Waitlisted
	}
	w.SessionID, w.ActorID = s.ID, httpx.CurrentUser(c).ID
	if _, err := h.Attendance.AddWalkIn(ctx, w); err != nil {
		refuse(theirFields(err))
		return
	}
	h.redirect(c, registerPath(s.ID), walkInMessage(existing, w.Name, waiting))
}

// walkInCheck reads the walk-in form and reports every mistake in it at once. The name,
// organisation and job title are only for a new account: when the email is that of an
// existing account they are not needed, and not checked. When the email is missing or
// not an address, whatever else was typed is still checked, but not required.
func (h *Handler) walkInCheck(ctx context.Context, form map[string]string) (attendance.WalkIn, *account.User, error) {
	v := problem.Validation{}
	w := attendance.WalkIn{Email: account.NormaliseEmail(form["email"]),
		Name: problem.NormaliseName(form["name"]), JobTitle: strings.TrimSpace(form["job_title"])}
	var existing *account.User
	switch {
	case w.Email == "":
		v.Add("email", "Enter the email address of the person who came")
	case !account.ValidEmail(w.Email):
		v.Add("email", "Enter the person's email address, like name@example.org")
	default:
		u, err := h.Accounts.UserByEmail(ctx, w.Email)
		switch {
		case err == nil:
			existing = u
		case !isNotFound(err):
			return w, nil, err
		}
	}
	if existing != nil {
		return w, existing, nil
	}
	required := v["email"] == "" // we know this is someone new, so their details are needed
	if w.Name == "" && required {
		v.Add("name", "Enter their full name")
	}
	v.CheckName("name", w.Name, "Name", 200)
	switch o := strings.TrimSpace(form["organisation_id"]); {
	case o == "" && required:
		v.Add("organisation_id", "Choose their organisation")
	case o != "":
		id, err := strconv.ParseInt(o, 10, 64)
		known := false
		if err == nil && id > 0 {
			orgs, err := h.Accounts.Organisations(ctx)
			if err != nil {
				return w, nil, err
			}
			for _, org := range orgs {
				known = known || org.ID == id
			}
		}
		if !known {
			v.Add("organisation_id", "Choose their organisation from the list")
		}
		w.OrganisationID = id
	}
	v.CheckLine("job_title", w.JobTitle, "Job title", 200)
	return w, nil, v.Err()
}

func walkInMessage(existing *account.User, name string, waiting bool) string {
	switch {
	case existing == nil:
		return "We created an account for " + name + " and added them to the register as attended. " +
			"They can set a password with \"Forgotten your password?\" on the sign-in page"
	case waiting:
		return existing.Name + " was on the waiting list and is now on the register as attended"
	}
	return existing.Name + " is on the register as attended"
}

// theirFields rewords account messages written for people signing up ("Enter your full
// name") for the trainer filling in the walk-in form ("Enter their full name").
func theirFields(err error) error {
	var pe *problem.Error
	ok := errors.As(err, &pe)
	if !ok || len(pe.Fields) == 0 {
		return err
	}
	out := *pe
	out.Fields = make(map[string]string, len(pe.Fields))
	for k, msg := range pe.Fields {
		msg = strings.ReplaceAll(msg, "Enter your ", "Enter their ")
		msg = strings.ReplaceAll(msg, "Choose your ", "Choose their ")
		out.Fields[k] = msg
	}
	return &out
}
