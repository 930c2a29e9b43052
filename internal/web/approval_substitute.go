package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/httpx"
)

// Substitution: the holder of a place hands it to a colleague from the same organisation
// (booking.Substitute). Kept beside the approval pages, which share its rules of whose
// place is whose.

type substituteData struct {
	Entry booking.Entry
}

// ownPlace loads a booking of the signed-in person; anyone else's is "not found", and so
// is a place only held while a manager decides.
func (h *Handler) ownPlace(c *gin.Context) (Page, bool) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	e, err := h.Bookings.Entry(c.Request.Context(), id)
	if err == nil && (e.UserID != httpx.CurrentUser(c).ID || e.Held) {
		err = booking.ErrBookingNotFound
	}
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	return Page{Title: "Send a colleague in your place", Data: substituteData{Entry: e}, Form: map[string]string{}}, true
}

func (h *Handler) substituteForm(c *gin.Context) {
	if p, ok := h.ownPlace(c); ok {
		h.page(c, http.StatusOK, "substitute-booking", p)
	}
}

// substitute hands the place over; both people are emailed (a calendar cancellation and
// a new invite).
func (h *Handler) substitute(c *gin.Context) {
	p, ok := h.ownPlace(c)
	if !ok {
		return
	}
	e := p.Data.(substituteData).Entry
	p.Form = formValues(c, "user_email")
	res, err := h.Bookings.Substitute(c.Request.Context(), booking.SubstituteRequest{
		BookingID: e.ID, ColleagueEmail: p.Form["user_email"], ActorID: httpx.CurrentUser(c).ID,
	})
	if errors.Is(err, booking.ErrAlreadyCancelled) {
		h.redirect(c, "/my/training", "That booking is no longer active, so nothing was changed")
		return
	}
	if err != nil {
		h.formProblem(c, "substitute-booking", p, err)
		return
	}
	h.redirect(c, "/my/training", fmt.Sprintf("Your place on %s on %s is now %s's. You have both been emailed: the session will be removed from your calendar",
		e.CourseTitle, when(e.StartsAt), res.ColleagueName))
}
