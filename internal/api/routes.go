package api

import (
	"net/http"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/httpx"
)

// register lists every endpoint; each names its policy. Scope rules finer than a role
// (drafts only for admins, a booking only for its owner or an admin) live in the handlers.
func (h *Handler) register(r *httpx.Router) {
	r.Handle(http.MethodGet, "/courses", httpx.Public, h.listCourses)
	r.Handle(http.MethodGet, "/courses/:id", httpx.Public, h.getCourse)

	r.Handle(http.MethodGet, "/sessions", httpx.Public, h.listSessions)
	r.Handle(http.MethodGet, "/sessions/:id", httpx.Public, h.getSession)
	// Partners schedule and change their own organisation's sessions (others: 404).
	scheduler := httpx.Roles(account.Admin, account.Partner)
	r.Handle(http.MethodPost, "/sessions", scheduler, h.createSession)
	r.Handle(http.MethodPatch, "/sessions/:id", scheduler, h.updateSession)
	r.Handle(http.MethodPost, "/sessions/:id/cancel", scheduler, h.cancelSession)

	r.Handle(http.MethodPost, "/sessions/:id/bookings", httpx.SignedIn, h.book)
	r.Handle(http.MethodGet, "/bookings/:id", httpx.SignedIn, h.getBooking)
	r.Handle(http.MethodDelete, "/bookings/:id", httpx.SignedIn, h.cancelBooking)
	r.Handle(http.MethodPost, "/bookings/:id/substitute", httpx.SignedIn, h.substitute)
	r.Handle(http.MethodGet, "/me/bookings", httpx.SignedIn, h.myBookings)

	h.registerRegisterAPI(r)
	h.registerRecordAPI(r)
	h.registerReportAPI(r)
	h.registerSignupAPI(r) // email_confirmation.go
}
