package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/approval"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/httpx"
)

// approvals is the approval domain on the booking engine the pages already use.
func (h *Handler) approvals() *approval.Service { return approval.New(h.Bookings) }

type approvalDecideData struct {
	Request approval.Request
	// Action is where the forms post: the emailed link's address, or the dashboard's.
	Action string
	// DeclineFirst shows the decline form first (the email's "Decline" link).
	DeclineFirst bool
}

var approvalFields = []string{"note", "reason"}

// decidable loads a request the signed-in person may decide. Requests of other
// organisations are "not found"; the person's own request is refused plainly.
func (h *Handler) decidable(c *gin.Context, load func() (approval.Request, error), action string) (Page, bool) {
	r, err := load()
	if err == nil {
		err = approval.MayDecide(httpx.CurrentUser(c), r)
	}
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	d := approvalDecideData{Request: r, Action: action, DeclineFirst: c.Query("decision") == "decline"}
	title := "Approve a training place"
	if !r.IsPending() {
		title = "Training place request"
	}
	return Page{Title: title, Data: d, Form: map[string]string{}}, true
}

func (h *Handler) byToken(c *gin.Context) (Page, bool) {
	token := c.Param("token")
	return h.decidable(c, func() (approval.Request, error) { return h.approvals().ByToken(c.Request.Context(), token) },
		"/approvals/"+token)
}

func (h *Handler) byID(c *gin.Context) (Page, bool) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	return h.decidable(c, func() (approval.Request, error) { return h.approvals().Get(c.Request.Context(), id) },
		"/manager/approvals/"+strconv.FormatInt(id, 10))
}

// approvalByToken is the page links emailed before links named requests by number open.
// Opening it decides nothing.
func (h *Handler) approvalByToken(c *gin.Context) {
	if p, ok := h.byToken(c); ok {
		h.page(c, http.StatusOK, "approval-decide", p)
	}
}

func (h *Handler) approvalByID(c *gin.Context) {
	if p, ok := h.byID(c); ok {
		h.page(c, http.StatusOK, "approval-decide", p)
	}
}

func (h *Handler) approvalDecideByToken(approve bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if p, ok := h.byToken(c); ok {
			h.decide(c, p, approve)
		}
	}
}

func (h *Handler) approvalDecideByID(approve bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if p, ok := h.byID(c); ok {
			h.decide(c, p, approve)
		}
	}
}

// decide approves or declines, then goes back to the list of requests waiting.
func (h *Handler) decide(c *gin.Context, p Page, approve bool) {
	d := p.Data.(approvalDecideData)
	r := d.Request
	p.Form = formValues(c, approvalFields...)
	me := httpx.CurrentUser(c)
	ctx := c.Request.Context()
	what := fmt.Sprintf("%s on %s", r.CourseTitle, when(r.StartsAt))
	var msg string
	var err error
	if approve {
		var a approval.Approval
		a, err = h.approvals().Approve(ctx, r.ID, me, p.Form["note"])
		switch {
		case err != nil:
		case a.AlreadyBooked:
			msg = fmt.Sprintf("You approved %s's request for %s. They already had a booking, so nothing else changed", r.PersonName, what)
		case a.Booking.Status == booking.Waitlisted:
			msg = fmt.Sprintf("You approved %s's request for %s. The session is full, so they are on the waiting list and have been told", r.PersonName, what)
		default:
			msg = fmt.Sprintf("You approved %s's place on %s. They have been told, and their booking confirmation is on its way", r.PersonName, what)
		}
	} else {
		d.DeclineFirst = true
		p.Data = d
		_, err = h.approvals().Decline(ctx, r.ID, me, p.Form["reason"])
		msg = fmt.Sprintf("You declined %s's request for %s. They have been told why", r.PersonName, what)
	}
	if errors.Is(err, approval.ErrDecided) {
		h.redirect(c, "/manager/approvals/"+strconv.FormatInt(r.ID, 10), "This request had already been decided or withdrawn, so nothing was changed")
		return
	}
	if err != nil {
		h.formProblem(c, "approval-decide", p, err)
		return
	}
	h.redirect(c, "/manager/approvals", msg)
}

type approvalListData struct {
	Requests []approval.Request
	Admin    bool // lists every organisation's requests
}

// approvalList is the manager's list of requests waiting for a decision: their own
// organisation's, or everyone's for admins.
func (h *Handler) approvalList(c *gin.Context) {
	me := httpx.CurrentUser(c)
	list, err := h.approvals().PendingFor(c.Request.Context(), me)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.page(c, http.StatusOK, "approval-list", Page{Title: "Training places awaiting approval",
		Data: approvalListData{Requests: list, Admin: me.IsAdmin()}})
}

// ownRequest loads one of the signed-in person's requests; anyone else's is not found.
func (h *Handler) ownRequest(c *gin.Context) (Page, bool) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	r, err := h.approvals().Get(c.Request.Context(), id)
	if err == nil && r.UserID != httpx.CurrentUser(c).ID {
		err = approval.ErrNotFound
	}
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	return Page{Title: "Withdraw your request", Data: r}, true
}

func (h *Handler) approvalWithdrawForm(c *gin.Context) {
	if p, ok := h.ownRequest(c); ok {
		h.page(c, http.StatusOK, "approval-withdraw", p)
	}
}

// approvalWithdraw takes back a pending request, releasing any place held for it.
func (h *Handler) approvalWithdraw(c *gin.Context) {
	p, ok := h.ownRequest(c)
	if !ok {
		return
	}
	r := p.Data.(approval.Request)
	_, err := h.approvals().Withdraw(c.Request.Context(), r.ID, httpx.CurrentUser(c).ID)
	if errors.Is(err, approval.ErrDecided) {
		h.redirect(c, "/my/training", "That request had already been decided or withdrawn")
		return
	}
	if err != nil {
		h.formProblem(c, "approval-withdraw", p, err)
		return
	}
	msg := fmt.Sprintf("You have withdrawn your request for %s on %s", r.CourseTitle, when(r.StartsAt))
	if r.Held {
		msg += ". The place held for you has been released"
	}
	h.redirect(c, "/my/training", msg)
}
