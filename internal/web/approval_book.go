package web

import (
	"cmp"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/approval"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
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
	// Others and OtherRequests are the person's live bookings and pending requests on
	// other upcoming dates of the course: asking for this date as well needs a second
	// yes (the form then carries also=1).
	Others        []booking.Entry
	OtherRequests []approval.Request
}

// AlsoNeeded says whether asking needs the second yes.
func (d approvalBookData) AlsoNeeded() bool {
	return d.Open && d.Mine == nil && d.Pending == nil && (len(d.Others) > 0 || len(d.OtherRequests) > 0)
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
	now := h.Now()
	for i, r := range pending {
		switch {
		case r.SessionID == s.ID:
			d.Pending = &pending[i]
		case r.CourseID == s.CourseID && r.SessionStatus == string(course.Scheduled) && now.Before(r.EndsAt):
			d.OtherRequests = append(d.OtherRequests, r)
		}
	}
	if d.Others, err = h.otherDates(c, s); err != nil {
		h.fail(c, err)
		return Page{}, false
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

// errAnotherDateRequest stops a request made without seeing that the person already
// holds, or has asked for, another date of the course.
var errAnotherDateRequest = problem.New(http.StatusConflict, "another_date",
	"You already have a place on, or have asked for, another date of this course, so nothing has been asked for yet. Check the dates below and confirm if you want this one as well.")

// requestApproval sends the request instead of booking when the course needs a manager's
// approval, then shows what happened on the request's own page. It reports whether it
// answered the request.
func (h *Handler) requestApproval(c *gin.Context, s course.Session) bool {
	crs, needed, ok := h.approvalCourse(c, s)
	if !ok || !needed {
		return !ok
	}
	p, ok := h.approvalBookPage(c, s, crs)
	if !ok {
		return true
	}
	d := p.Data.(approvalBookData)
	if d.Pending != nil {
		// A double submit lands where the first one did.
		h.redirect(c, requestedPath(d.Pending.ID), "")
		return true
	}
	if c.PostForm("also") != "1" && d.AlsoNeeded() {
		// Another date of the course held or asked for: ask first (the form asks when it
		// knows; this catches one made meanwhile in another tab).
		p.Problem = errAnotherDateRequest
		h.page(c, errAnotherDateRequest.Status, "approval-book", p)
		return true
	}
	me := httpx.CurrentUser(c)
	res, err := h.approvals().Request(c.Request.Context(), s.ID, me.ID, me.ID)
	if errors.Is(err, approval.ErrAlreadyRequested) {
		// Asked in another tab since the page above was loaded.
		h.redirect(c, "/my/training", "You have already asked for a place on "+s.CourseTitle+" on "+when(s.StartsAt)+". It is waiting for a manager's approval")
		return true
	}
	if err != nil {
		if p, ok := h.approvalBookPage(c, s, crs); ok {
			h.formProblem(c, "approval-book", p, err)
		}
		return true
	}
	h.redirect(c, requestedPath(res.Request.ID), "")
	return true
}

// requestedPath is the page that confirms a request.
func requestedPath(id int64) string {
	return "/my/approvals/" + strconv.FormatInt(id, 10) + "/requested"
}

type approvalRequestedData struct {
	Request approval.Request
	// Asked are the managers emailed; none when nobody manages the organisation.
	Asked []approval.Recipient
	// Full: no place is held and none is free, so approval would join the waiting list.
	Full bool
}

// AskedNames is who has the request, as a sentence: "Mo Khan", "Mo Khan and Max Lee",
// with "your manager" for a manager whose name we do not have.
func (d approvalRequestedData) AskedNames() string {
	names := make([]string, len(d.Asked))
	for i, a := range d.Asked {
		names[i] = cmp.Or(strings.TrimSpace(a.Name), "your manager")
	}
	return andList(names)
}

// AskedEmails lists the addresses emailed, as a sentence.
func (d approvalRequestedData) AskedEmails() string {
	emails := make([]string, len(d.Asked))
	for i, a := range d.Asked {
		emails[i] = a.Email
	}
	return andList(emails)
}

// andList joins items as English does: "a", "a and b", "a, b and c".
func andList(items []string) string {
	switch n := len(items); n {
	case 0:
		return ""
	case 1:
		return items[0]
	default:
		return strings.Join(items[:n-1], ", ") + " and " + items[n-1]
	}
}

// approvalRequested is what someone sees straight after asking for a place: who has the
// request, who we emailed, what happens next, and whether a place is held and until when.
// Only the person who asked may see it.
func (h *Handler) approvalRequested(c *gin.Context) {
	p, ok := h.ownRequest(c)
	if !ok {
		return
	}
	r := p.Data.(approval.Request)
	asked, err := h.approvals().Asked(c.Request.Context(), r)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := approvalRequestedData{Request: r, Asked: asked, Full: !r.Held && (r.PlacesLeft() == 0 || r.Waitlisted > 0)}
	title := "Request sent"
	if !r.IsPending() {
		title = "Your request"
	}
	h.page(c, http.StatusOK, "approval-requested", Page{Title: title, Data: d})
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
