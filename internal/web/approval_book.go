package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/approval"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
)

// The booking pages' hooks for courses that need a manager's approval: the booking page
// becomes "ask for a place", and confirming it sends the request instead of booking.

type approvalBookData struct {
	Session  course.Session
	HoldDays int
	Open     bool
	Reason   string
	Mine     *booking.Entry    // already booked (an admin booked them, say)
	Pending  *approval.Request // already asked
}

// approvalCourse loads the course of s when it needs a manager's approval; ok is false
// when it does not (or on error, which has been answered).
func (h *Handler) approvalCourse(c *gin.Context, s course.Session) (crs course.Course, needed, ok bool) {
	crs, err := h.Courses.Course(c.Request.Context(), s.CourseID)
	if err != nil {
		h.fail(c, err)
		return crs, false, false
	}
	return crs, crs.ManagerApproval, true
}

func (h *Handler) approvalBookPage(c *gin.Context, s course.Session, crs course.Course) (Page, bool) {
	ctx := c.Request.Context()
	me := httpx.CurrentUser(c)
	d := approvalBookData{Session: s, HoldDays: crs.ApprovalHoldDays}
	d.Open, d.Reason = s.BookingState(h.Now())
	e, ok, err := h.Bookings.LiveBookingFor(ctx, s.ID, me.ID)
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	if ok && !e.Held {
		d.Mine = &e
	}
	pending, err := h.approvals().PendingForUser(ctx, me.ID)
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	for i := range pending {
		if pending[i].SessionID == s.ID {
			d.Pending = &pending[i]
		}
	}
	return Page{Title: "Ask for a place", Data: d}, true
}

// approvalBookForm shows "ask for a place" instead of the booking page when the course
// needs a manager's approval. It reports whether it answered the request.
func (h *Handler) approvalBookForm(c *gin.Context, s course.Session) bool {
	crs, needed, ok := h.approvalCourse(c, s)
	if !ok || !needed {
		return !ok
	}
	if p, ok := h.approvalBookPage(c, s, crs); ok {
		h.page(c, http.StatusOK, "approval-book", p)
	}
	return true
}

// requestApproval sends the request instead of booking when the course needs a manager's
// approval. It reports whether it answered the request.
func (h *Handler) requestApproval(c *gin.Context, s course.Session) bool {
	needed, err := h.approvals().Needed(c.Request.Context(), s.ID)
	if err != nil {
		h.fail(c, err)
		return true
	}
	if !needed {
		return false
	}
	me := httpx.CurrentUser(c)
	res, err := h.approvals().Request(c.Request.Context(), s.ID, me.ID, me.ID)
	if errors.Is(err, approval.ErrAlreadyRequested) {
		// A double submit lands where the first one did.
		h.redirect(c, "/my/training", "You have already asked for a place on "+s.CourseTitle+" on "+when(s.StartsAt)+". It is waiting for a manager's approval")
		return true
	}
	if err != nil {
		crs, _, ok := h.approvalCourse(c, s)
		if !ok {
			return true
		}
		if p, ok := h.approvalBookPage(c, s, crs); ok {
			h.formProblem(c, "approval-book", p, err)
		}
		return true
	}
	h.redirect(c, "/my/training", requestedMessage(res))
	return true
}

// requestedMessage is the flash after asking for approval.
func requestedMessage(res approval.Requested) string {
	r := res.Request
	msg := fmt.Sprintf("You have asked for a place on %s on %s", r.CourseTitle, when(r.StartsAt))
	if res.ManagersNotified == 0 {
		return msg + ". No manager is registered for your organisation, so nobody has been asked yet: contact the training team"
	}
	msg += ". We have emailed your manager"
	if res.ManagersNotified > 1 {
		msg += "s"
	}
	if r.Held {
		msg += fmt.Sprintf(". A place is held for you until %s", when(r.HoldUntil))
	}
	return msg
}

// myApprovals is the "Awaiting approval" part of My training.
type myApprovals struct {
	Awaiting []approval.Request
	// NoHandOn marks the bookings whose course needs a manager's approval for each person,
	// so a place cannot be handed to a colleague.
	NoHandOn map[int64]bool
}

// myApprovalsFor loads the person's requests awaiting a decision.
func (h *Handler) myApprovalsFor(c *gin.Context, entries []booking.Entry) (myApprovals, error) {
	ctx := c.Request.Context()
	list, err := h.approvals().PendingForUser(ctx, httpx.CurrentUser(c).ID)
	if err != nil {
		return myApprovals{}, err
	}
	out := myApprovals{Awaiting: list, NoHandOn: map[int64]bool{}}
	needs := map[int64]bool{}
	for _, e := range entries {
		if e.Status != booking.Confirmed {
			continue
		}
		n, seen := needs[e.CourseID]
		if !seen {
			crs, err := h.Courses.Course(ctx, e.CourseID)
			if err != nil {
				return myApprovals{}, err
			}
			n = crs.ManagerApproval
			needs[e.CourseID] = n
		}
		out.NoHandOn[e.ID] = n
	}
	return out, nil
}
