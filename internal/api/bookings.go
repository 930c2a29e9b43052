package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// IdempotencyHeader names the header whose value makes a booking request safe to retry.
const IdempotencyHeader = "Idempotency-Key"

type bookBody struct {
	UserEmail *string `json:"user_email"`
}

// errBookOthers is what a non-admin gets for naming someone else.
var errBookOthers = problem.New(http.StatusForbidden, "forbidden", "Only admins may book a place for someone else.")

// book gives the caller (or, for admins, the person named by user_email) a place or a
// waiting-list position. 201 for a new booking; 200 with the same body when an
// Idempotency-Key replays an earlier request.
func (h *Handler) book(c *gin.Context) {
	sessionID, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	var body bookBody
	if err := decodeJSON(c, &body, true); err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	actor := httpx.CurrentUser(c)
	person := actor
	if body.UserEmail != nil && strings.TrimSpace(*body.UserEmail) != "" {
		if !actor.IsAdmin() {
			h.fail(c, errBookOthers)
			return
		}
		person, err = h.Accounts.UserByEmail(ctx, *body.UserEmail)
		if errors.Is(err, store.ErrNotFound) {
			err = booking.ErrUserNotFound
		}
		if err != nil {
			h.fail(c, err)
			return
		}
	}
	// Manager approval hook (approval.go): asking for oneself on a course that needs a
	// manager's approval makes a request (202), not a booking. Admins booking someone
	// else book directly.
	if person.ID == actor.ID && h.requestApproval(c, sessionID, person) {
		return
	}
	res, err := h.Bookings.Book(ctx, booking.Request{
		SessionID: sessionID, UserID: person.ID, ActorID: actor.ID,
		IdempotencyKey: c.GetHeader(IdempotencyHeader),
	})
	if err != nil {
		h.fail(c, err)
		return
	}
	// A replay (the domain refuses a key reused for another session or person) is a 200.
	status := http.StatusCreated
	if res.Replayed {
		status = http.StatusOK
	}
	c.JSON(status, newBookingJSON(res.Booking))
}

// ownEntry loads a booking the caller may see: their own, or any for admins. Other
// people's bookings do not exist as far as the caller can tell.
func (h *Handler) ownEntry(c *gin.Context, u *account.User, id int64) (booking.Entry, error) {
	e, err := h.Bookings.Entry(c.Request.Context(), id)
	if err != nil {
		return e, err
	}
	if e.UserID != u.ID && !u.IsAdmin() {
		return booking.Entry{}, booking.ErrNotYours
	}
	return e, nil
}

// getBooking shows one booking with its session.
func (h *Handler) getBooking(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	e, err := h.ownEntry(c, httpx.CurrentUser(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newMyBookingJSON(e))
}

// cancelBooking gives up a place or leaves the waiting list; after the session's cut-off
// the new status is late_cancelled. The first person waiting is promoted at once.
func (h *Handler) cancelBooking(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	u := httpx.CurrentUser(c)
	b, err := h.Bookings.Cancel(c.Request.Context(), booking.CancelRequest{BookingID: id, ActorID: u.ID, AnyBooking: u.IsAdmin()})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newBookingJSON(b))
}

// myBookings lists every booking of the caller, soonest session first, with session and
// course details; the joining link comes only with a confirmed place.
func (h *Handler) myBookings(c *gin.Context) {
	entries, err := h.Bookings.ForUser(c.Request.Context(), httpx.CurrentUser(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]myBookingJSON, 0, len(entries))
	for _, e := range entries {
		out = append(out, newMyBookingJSON(e))
	}
	c.JSON(http.StatusOK, gin.H{"bookings": out})
}
