package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

type bookData struct {
	Session     course.Session
	Token       string
	Open        bool
	Reason      string
	Mine        *booking.Entry
	WaitingList bool // a new booking would join the waiting list
	// Others are the person's live bookings on other dates of the course: booking this
	// date as well needs a second yes (the form then carries also=1).
	Others []booking.Entry
}

// bookSession loads the session for the booking pages. Sessions of draft or archived
// courses look like they do not exist, except to admins.
func (h *Handler) bookSession(c *gin.Context) (course.Session, bool) {
	s, ok := h.pathSession(c)
	if !ok {
		return s, false
	}
	if !s.VisibleTo(course.ViewerOf(httpx.CurrentUser(c))) {
		h.fail(c, booking.ErrSessionNotFound)
		return s, false
	}
	return s, true
}

func (h *Handler) bookPage(c *gin.Context, s course.Session) (Page, bool) {
	d := bookData{Session: s, Token: formToken()}
	d.Open, d.Reason = s.BookingState(h.Now())
	d.WaitingList = s.Full() || s.Waitlisted > 0
	e, ok, err := h.Bookings.LiveBookingFor(c.Request.Context(), s.ID, httpx.CurrentUser(c).ID)
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	if ok {
		d.Mine = &e
	}
	if d.Others, err = h.otherDates(c, s); err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	title := "Book a place"
	if d.WaitingList {
		title = "Join the waiting list"
	}
	return Page{Title: title, Data: d}, true
}

// bookForm confirms what is about to be booked; the form carries a one-off token so a
// second click books nothing more.
func (h *Handler) bookForm(c *gin.Context) {
	s, ok := h.bookSession(c)
	if !ok {
		return
	}
	if h.refuseUntilBookable(c) { // signup_pages.go: a confirmed address and an approved membership
		return
	}
	// Manager approval hook (approval_book.go): such courses are asked for, not booked.
	if h.approvalBookForm(c, s) {
		return
	}
	p, ok := h.bookPage(c, s)
	if !ok {
		return
	}
	h.page(c, http.StatusOK, "book", p)
}

// book takes a place, or a waiting-list position when the session is full.
func (h *Handler) book(c *gin.Context) {
	s, ok := h.bookSession(c)
	if !ok {
		return
	}
	if h.refuseUntilBookable(c) {
		return
	}
	// Manager approval hook (approval_book.go): send the request instead of booking.
	if h.requestApproval(c, s) {
		return
	}
	me := httpx.CurrentUser(c)
	if c.PostForm("also") != "1" {
		// A second date of a course already booked: ask first (the form asks when it
		// knows; this catches a booking made meanwhile in another tab).
		p, ok := h.bookPage(c, s)
		if !ok {
			return
		}
		if d := p.Data.(bookData); len(d.Others) > 0 && d.Mine == nil && d.Open {
			p.Problem = errAnotherDate
			h.page(c, errAnotherDate.Status, "book", p)
			return
		}
	}
	token := c.PostForm("token")
	if !validFormToken(token) {
		token = "" // still safe: one live booking per person per session
	}
	res, err := h.Bookings.Book(c.Request.Context(), booking.Request{
		SessionID: s.ID, UserID: me.ID, ActorID: me.ID, IdempotencyKey: token,
	})
	if err != nil {
		p, ok := h.bookPage(c, s)
		if !ok {
			return
		}
		h.formProblem(c, "book", p, plainTokenError(err))
		return
	}
	h.redirect(c, "/bookings/"+strconv.FormatInt(res.Booking.ID, 10)+"/booked", "")
}

// errAnotherDate stops a booking made without seeing that the person already holds
// another date of the course.
var errAnotherDate = problem.New(http.StatusConflict, "another_date",
	"You already have a place on another date of this course, so nothing has been booked yet. Check the dates below and confirm if you want this one as well.")

// errFormReused is the page's wording for a form token already spent on another booking
// (only a tampered or very stale form can do that).
var errFormReused = problem.Unprocessable("form_reused", "This form was already used for another booking. Reload the page and try again.")

// plainTokenError words a reused idempotency key for a page, where there is no such field.
func plainTokenError(err error) error {
	if errors.Is(err, booking.ErrIdempotencyKeyReused) {
		return errFormReused
	}
	return err
}

// bookedMessage says what a booking gives the person, for the flash after booking.
func bookedMessage(have, are string, b booking.Booking, s course.Session) string {
	switch b.Status {
	case booking.Confirmed:
		return fmt.Sprintf("%s a place on %s on %s", have, s.CourseTitle, when(s.StartsAt))
	case booking.Waitlisted:
		return fmt.Sprintf("%s number %d on the waiting list for %s on %s. If a place comes free, it is given in waiting-list order and confirmed by email",
			are, b.WaitlistPosition, s.CourseTitle, when(s.StartsAt))
	}
	return fmt.Sprintf("This booking for %s on %s has been cancelled", s.CourseTitle, when(s.StartsAt))
}

// trainingRow is one booking on "My training" with what the person may do with it.
type trainingRow struct {
	booking.Entry
	ShowJoinLink bool
	CanCancel    bool
	InProgress   bool
	ImpactOpen   bool // its "did it change practice?" follow-up takes an answer (impact_pages.go)
}

type myTrainingData struct {
	Upcoming, Waiting, Past, Cancelled []trainingRow
	Calendar                           calendarLinks
	Approvals                          myApprovals // manager approval hook (approval_book.go)
}

// myTraining lists the person's bookings in four groups.
func (h *Handler) myTraining(c *gin.Context) {
	entries, err := h.Bookings.ForUser(c.Request.Context(), httpx.CurrentUser(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	now := h.Now()
	var d myTrainingData
	// Manager approval hook (approval_book.go): requests awaiting a decision; a place held
	// meanwhile shows with its request, not as a booking.
	if d.Approvals, err = h.myApprovalsFor(c, entries); err != nil {
		h.fail(c, err)
		return
	}
	open, err := h.Impact.OpenForUser(c.Request.Context(), httpx.CurrentUser(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	impactOpen := map[int64]bool{}
	for _, f := range open {
		impactOpen[f.BookingID] = true
	}
	for _, e := range entries {
		if e.Held {
			continue
		}
		row := trainingRow{Entry: e, ImpactOpen: impactOpen[e.ID]}
		ended := !now.Before(e.EndsAt)
		started := !now.Before(e.StartsAt)
		switch {
		case !e.Status.Live():
			d.Cancelled = append(d.Cancelled, row)
		case ended:
			d.Past = append(d.Past, row)
		case e.Status == booking.Confirmed:
			row.ShowJoinLink = e.Online && e.OnlineURL != ""
			row.CanCancel = !started
			row.InProgress = started
			d.Upcoming = append(d.Upcoming, row)
		default:
			row.CanCancel = !started
			d.Waiting = append(d.Waiting, row)
		}
	}
	if d.Calendar, err = h.calendarLinksFor(c); err != nil {
		h.fail(c, err)
		return
	}
	slices.Reverse(d.Past)
	slices.SortStableFunc(d.Cancelled, func(a, b trainingRow) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	h.page(c, http.StatusOK, "my-training", Page{Title: "My training", Data: d})
}

type cancelData struct {
	Entry   booking.Entry
	Session course.Session
	Late    bool
}

// ownBooking loads a booking of the signed-in person; anyone else's is "not found".
func (h *Handler) ownBooking(c *gin.Context) (Page, bool) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	ctx := c.Request.Context()
	e, err := h.Bookings.Entry(ctx, id)
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	if e.UserID != httpx.CurrentUser(c).ID {
		h.fail(c, booking.ErrBookingNotFound)
		return Page{}, false
	}
	s, err := h.Courses.Session(ctx, e.SessionID)
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	late, err := h.Bookings.CancellationWouldBeLate(ctx, e.ID)
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	d := cancelData{Entry: e, Session: s, Late: late}
	title := "Cancel booking"
	if e.Status == booking.Waitlisted {
		title = "Leave the waiting list"
	}
	return Page{Title: title, Data: d}, true
}

// cancelForm asks the person to confirm, warning when it would count as late.
func (h *Handler) cancelForm(c *gin.Context) {
	p, ok := h.ownBooking(c)
	if !ok {
		return
	}
	h.page(c, http.StatusOK, "cancel-booking", p)
}

// cancelBooking releases the place (the first person waiting gets it) or leaves the
// waiting list.
func (h *Handler) cancelBooking(c *gin.Context) {
	p, ok := h.ownBooking(c)
	if !ok {
		return
	}
	d := p.Data.(cancelData)
	b, err := h.Bookings.Cancel(c.Request.Context(), booking.CancelRequest{
		BookingID: d.Entry.ID, ActorID: httpx.CurrentUser(c).ID,
	})
	if errors.Is(err, booking.ErrAlreadyCancelled) {
		h.redirect(c, "/my/training", "That booking was already cancelled")
		return
	}
	if err != nil {
		h.formProblem(c, "cancel-booking", p, err)
		return
	}
	what := fmt.Sprintf("%s on %s", d.Entry.CourseTitle, when(d.Entry.StartsAt))
	msg := "Your booking for " + what + " is cancelled"
	switch {
	case d.Entry.Status == booking.Waitlisted:
		msg = "You have left the waiting list for " + what
	case b.Status == booking.LateCancelled:
		msg += ". Because it was after the cancellation cut-off, it counts as a late cancellation"
	}
	h.redirect(c, "/my/training", msg)
}
