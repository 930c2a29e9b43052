package api

import (
	"net/http"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/httpx"
)

// register lists every endpoint, in one table; each names its policy. Scope rules finer than a role
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

	// Registers (register.go). The role check admits trainers and admins; a trainer
	// reaches only the sessions they deliver (others are 404, as if they did not exist).
	trainer := httpx.Roles(account.Trainer, account.Admin)
	r.Handle(http.MethodGet, "/sessions/:id/register", trainer, h.getRegister)
	r.Handle(http.MethodPut, "/bookings/:id/attendance", trainer, h.putAttendance)
	r.Handle(http.MethodPost, "/sessions/:id/register/submit", trainer, h.submitRegister)

	// Learning record and certificates (record.go)
	r.Handle(http.MethodGet, "/me/record", httpx.SignedIn, h.myRecord)
	r.Handle(http.MethodGet, "/certificates/:code", httpx.Public, h.getCertificate)
	// The owner, the session's trainers and admins (others: 404, checked in the handler).
	r.Handle(http.MethodGet, "/certificates/:code/pdf", httpx.SignedIn, h.certificatePDF)

	// Reports (reports.go)
	rep := &reportAPI{h: h, svc: h.Compliance}
	r.Handle(http.MethodGet, "/reports/completion", httpx.Roles(account.Manager, account.Admin), rep.completion)

	// "Send the link again" (email_confirmation.go): a self-registered account whose
	// bookings are refused with email_unconfirmed asks for a new confirmation link.
	r.Handle(http.MethodPost, "/me/email-confirmation", httpx.SignedIn, h.resendConfirmation)
}
