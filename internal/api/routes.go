package api

import (
	"net/http"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/httpx"
)

// register lists every endpoint; each names its policy. Scope rules finer than a role
// (drafts only for admins, a booking only for its owner or an admin) live in the handlers.
func (h *Handler) register(r *httpx.Router) {
	admin := httpx.Roles(account.Admin)

	r.Handle(http.MethodGet, "/courses", httpx.Public, h.listCourses)
	r.Handle(http.MethodGet, "/courses/:id", httpx.Public, h.getCourse)

	r.Handle(http.MethodGet, "/sessions", httpx.Public, h.listSessions)
	r.Handle(http.MethodGet, "/sessions/:id", httpx.Public, h.getSession)
	r.Handle(http.MethodPost, "/sessions", admin, h.createSession)
	r.Handle(http.MethodPatch, "/sessions/:id", admin, h.updateSession)
	r.Handle(http.MethodPost, "/sessions/:id/cancel", admin, h.cancelSession)

	r.Handle(http.MethodPost, "/sessions/:id/bookings", httpx.SignedIn, h.book)
	r.Handle(http.MethodGet, "/bookings/:id", httpx.SignedIn, h.getBooking)
	r.Handle(http.MethodDelete, "/bookings/:id", httpx.SignedIn, h.cancelBooking)
	r.Handle(http.MethodGet, "/me/bookings", httpx.SignedIn, h.myBookings)

	h.registerRegisterAPI(r)
	h.registerRecordAPI(r)
	h.registerReportAPI(r)
}
