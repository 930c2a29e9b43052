package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// A manager acts on a member of staff who needs training: books them a place (through
// the booking service, exactly as an admin booking someone does: the person gets the usual
// confirmation with its invite), nominates them for a session (an email asking them to
// book it themselves), or sends a reminder of what is due. Only staff of the manager's own
// organisation: anyone else is "not found". Admins may act on anyone.

// managerSessionLimit caps the sessions offered per course.
const managerSessionLimit = 6

// managerBookData is the "book or nominate" page.
type managerBookData struct {
	Person   compliance.Person
	Due      []compliance.DueItem
	Sessions []managerSessionChoice
	Token    string
}

// managerSessionChoice is one session the manager may choose.
type managerSessionChoice struct {
	course.Session
	Places string // "3 places left", "Full: joins the waiting list"
	// Nominated: the person was emailed about this session today; another waits until tomorrow.
	Nominated bool
}

var managerBookFields = []string{"session_id", "action"}

// bookPage loads the person (in scope) and the sessions offered: those open for booking of
// the courses due, else of every course required of them.
func (m *managerPages) bookPage(c *gin.Context) (Page, managerBookData, bool) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		m.h.fail(c, err)
		return Page{}, managerBookData{}, false
	}
	ctx := c.Request.Context()
	mx, err := m.svc.Person(ctx, personScope(c), id)
	if err != nil {
		m.h.fail(c, err)
		return Page{}, managerBookData{}, false
	}
	d := managerBookData{Person: mx.People[0], Due: compliance.Due(mx.People[0], mx.Courses), Token: formToken()}
	courses := make([]int64, 0, len(mx.Courses))
	for _, it := range d.Due {
		courses = append(courses, it.CourseID)
	}
	if len(courses) == 0 {
		for j, cell := range d.Person.Cells {
			if cell.Required {
				courses = append(courses, mx.Courses[j].ID)
			}
		}
	}
	nominated, err := m.svc.NominatedToday(ctx, d.Person.ID)
	if err != nil {
		m.h.fail(c, err)
		return Page{}, managerBookData{}, false
	}
	now := m.h.Now()
	for _, cid := range courses {
		sessions, err := m.h.Courses.Sessions(ctx, course.SessionFilter{CourseID: cid, OnlyScheduled: true})
		if err != nil {
			m.h.fail(c, err)
			return Page{}, managerBookData{}, false
		}
		n := 0
		for _, s := range sessions {
			if open, _ := s.BookingState(now); !open || n == managerSessionLimit {
				continue
			}
			n++
			ch := managerSessionChoice{Session: s, Places: plural(s.PlacesLeft(), "place", "places") + " left", Nominated: nominated[s.ID]}
			if s.Full() || s.Waitlisted > 0 {
				ch.Places = "Full: they would join the waiting list"
			}
			d.Sessions = append(d.Sessions, ch)
		}
	}
	return Page{Title: "Book or nominate " + d.Person.Name, Data: d}, d, true
}

// bookForm shows the sessions to choose from, with "book a place" and "email them to book".
func (m *managerPages) bookForm(c *gin.Context) {
	p, _, ok := m.bookPage(c)
	if !ok {
		return
	}
	m.h.page(c, http.StatusOK, "manager-book", p)
}

// bookOrNominate books the chosen session for the person, or emails them a nomination.
func (m *managerPages) bookOrNominate(c *gin.Context) {
	p, d, ok := m.bookPage(c)
	if !ok {
		return
	}
	p.Form = formValues(c, managerBookFields...)
	ctx := c.Request.Context()
	me := httpx.CurrentUser(c)
	v := problem.Validation{}
	sessionID, _ := strconv.ParseInt(strings.TrimSpace(p.Form["session_id"]), 10, 64)
	var chosen *course.Session
	for i := range d.Sessions {
		if d.Sessions[i].ID == sessionID {
			chosen = &d.Sessions[i].Session
		}
	}
	if chosen == nil {
		v.Add("session_id", "Choose a session")
	}
	action := p.Form["action"]
	if action != "book" && action != "nominate" {
		v.Add("action", "Choose whether to book a place or send a nomination")
	}
	if err := v.Err(); err != nil {
		m.h.formProblem(c, "manager-book", p, err)
		return
	}
	person := d.Person
	if action == "nominate" {
		_, sent, err := m.svc.Nominate(ctx, personScope(c), me, person.ID, chosen.ID)
		switch {
		case err != nil:
			m.h.formProblem(c, "manager-book", p, err)
		case !sent:
			m.h.redirect(c, "/", fmt.Sprintf("Already nominated today: we emailed %s about %s on %s earlier today, so we have not sent another",
				person.Name, chosen.CourseTitle, when(chosen.StartsAt)))
		default:
			m.h.redirect(c, "/", fmt.Sprintf("We have emailed %s asking them to book %s on %s", person.Name, chosen.CourseTitle, when(chosen.StartsAt)))
		}
		return
	}
	key := c.PostForm("token")
	if validFormToken(key) {
		key += ":" + strconv.FormatInt(person.ID, 10) // one form, one booking per person
	} else {
		key = ""
	}
	res, err := m.h.Bookings.Book(ctx, booking.Request{SessionID: chosen.ID, UserID: person.ID, ActorID: me.ID, IdempotencyKey: key})
	switch {
	case errors.Is(err, booking.ErrAlreadyBooked):
		m.h.formProblem(c, "manager-book", p, problem.Validation{"session_id": person.Name + " already has a place on this session, or is on its waiting list"}.Err())
		return
	case err != nil:
		m.h.formProblem(c, "manager-book", p, plainTokenError(err))
		return
	}
	msg := bookedMessage(person.Name+" has", person.Name+" is", res.Booking, *chosen) + ". We have emailed them"
	m.h.redirect(c, "/", msg)
}

// remind emails the person a reminder of the training due, once a day at most.
func (m *managerPages) remind(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		m.h.fail(c, err)
		return
	}
	p, sent, err := m.svc.Remind(c.Request.Context(), personScope(c), httpx.CurrentUser(c), id)
	switch {
	case errors.Is(err, compliance.ErrNothingDue):
		m.h.redirect(c, "/", "Nothing required of "+p.Name+" is due, so we have not sent a reminder")
	case err != nil:
		m.h.fail(c, err)
	case !sent:
		m.h.redirect(c, "/", p.Name+" has already had a reminder today, so we have not sent another")
	default:
		m.h.redirect(c, "/", "We have emailed "+p.Name+" a reminder of the training they need to do")
	}
}
