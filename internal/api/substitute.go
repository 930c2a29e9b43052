package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

type substituteBody struct {
	UserEmail *string `json:"user_email"`
}

// substitute hands the caller's confirmed place (any booking's, for admins) to a colleague
// from the same organisation, named by user_email. 201 with the colleague's new booking;
// the caller's booking is cancelled without promoting anyone.
func (h *Handler) substitute(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	var body substituteBody
	if err := decodeJSON(c, &body, false); err != nil {
		h.fail(c, err)
		return
	}
	if body.UserEmail == nil {
		h.fail(c, problem.Validation{"user_email": "Give the colleague's email address"}.Err())
		return
	}
	u := httpx.CurrentUser(c)
	res, err := h.Bookings.Substitute(c.Request.Context(), booking.SubstituteRequest{
		BookingID: id, ColleagueEmail: *body.UserEmail, ActorID: u.ID, AnyBooking: u.IsAdmin(),
	})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, newBookingJSON(res.Colleague))
}
