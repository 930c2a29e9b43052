package web

import (
	"fmt"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
)

// homeOwn is the person's own training: their next sessions, their waiting lists and the
// training required of them.
type homeOwn struct {
	Upcoming     []booking.Entry
	MoreUpcoming int
	Waiting      []booking.Entry // with their position
	Required     []ownRequired
}

// ownRequired is a course required of the person, where they stand and what to do next.
type ownRequired struct {
	CourseID int64
	Course   string
	Label    string // "Expired", "Booked"
	Tag      string
	Due      string // "Expired on 25 Jul 2026", "Due by 25 Dec 2026", "Booked for 7 Dec 2026"
	BookURL  string // "" when nothing needs booking
	BookHint string // "Next date with places: 7 Dec 2026", "Choose a date"
}

func (h *Handler) homeOwn(c *gin.Context, svc *compliance.Service) (*homeOwn, error) {
	ctx := c.Request.Context()
	me, now := httpx.CurrentUser(c), h.Now()
	entries, err := h.Bookings.ForUser(ctx, me.ID)
	if err != nil {
		return nil, err
	}
	d := &homeOwn{}
	var upcoming []booking.Entry
	for _, e := range entries {
		if !now.Before(e.EndsAt) || e.SessionStatus == course.Cancelled {
			continue
		}
		switch e.Status {
		case booking.Confirmed:
			upcoming = append(upcoming, e)
		case booking.Waitlisted:
			d.Waiting = append(d.Waiting, e)
		}
	}
	d.Upcoming, d.MoreUpcoming = firstN(upcoming, homeListLimit)

	mx, err := svc.Person(ctx, me.OrganisationID, me.ID)
	if isNotFound(err) {
		return d, nil // no organisation on the account: nothing can be required
	}
	if err != nil {
		return nil, err
	}
	for j, cell := range mx.People[0].Cells {
		if !cell.Required {
			continue
		}
		crs := mx.Courses[j]
		r := ownRequired{CourseID: crs.ID, Course: crs.Title, Label: cell.State.Label(), Tag: cell.State.Tag()}
		switch cell.State {
		case compliance.Current:
			r.Label, r.Due = "Done", "No renewal needed"
			if !cell.ExpiresOn.IsZero() {
				r.Due = "Renew by " + matrixDate(cell.ExpiresOn)
			}
		case compliance.Booked:
			r.Due = "Booked for " + matrixDate(cell.SessionStart)
		case compliance.Waitlisted:
			r.Due = "On the waiting list for " + matrixDate(cell.SessionStart)
		case compliance.Expired:
			r.Due = "Expired on " + matrixDate(cell.ExpiresOn)
		case compliance.Expiring:
			r.Label, r.Due = "Due soon", "Due by "+matrixDate(cell.ExpiresOn)
		case compliance.NotBooked:
			r.Label, r.Due = "To do", "Due now: not done yet"
		}
		if cell.State != compliance.Current && cell.State != compliance.Booked {
			if r.BookURL, r.BookHint, err = h.bookTarget(c, crs.ID, entries); err != nil {
				return nil, err
			}
		}
		d.Required = append(d.Required, r)
	}
	return d, nil
}

// bookTarget is where a Book button for a course goes: straight to its next session with
// places that the person is not already on, else the course page to choose a date or join
// a waiting list.
func (h *Handler) bookTarget(c *gin.Context, courseID int64, mine []booking.Entry) (href, hint string, err error) {
	now := h.Now()
	sessions, err := h.Courses.Sessions(c.Request.Context(), course.SessionFilter{CourseID: courseID, OnlyScheduled: true})
	if err != nil {
		return "", "", err
	}
	on := map[int64]bool{}
	for _, e := range mine {
		if e.Status.Live() {
			on[e.SessionID] = true
		}
	}
	for _, s := range sessions {
		if open, _ := s.BookingState(now); open && !s.Full() && !on[s.ID] {
			return fmt.Sprintf("/sessions/%d/book", s.ID), "Next date with places: " + longDate(s.StartsAt), nil
		}
	}
	return fmt.Sprintf("/courses/%d", courseID), "No date with places yet: see the dates and waiting lists", nil
}
