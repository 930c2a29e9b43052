package web

import (
	"net/http"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/httpx"
)

// Register adds every page's route, in one table: the address, who may use it (see
// httpx.Policy) and its handler, grouped by area, each naming the file of its handlers.
func (h *Handler) Register(r *httpx.Router) {
	admin := httpx.Roles(account.Admin)
	deciders := httpx.Roles(account.Manager, account.Admin)
	managers := deciders
	trainer := httpx.Roles(account.Trainer, account.Admin)
	partner := httpx.Roles(account.Partner)
	m := &managerPages{h: h, svc: h.Compliance}
	a := &requiredPages{h: h, svc: h.Compliance}
	v := &verifier{h: h, limiter: h.Guesses}

	// Public pages (web.go)
	r.Handle(http.MethodGet, "/static/*filepath", httpx.Public, h.serveStatic)
	r.Handle(http.MethodGet, "/", httpx.Public, h.home)
	r.Handle(http.MethodGet, "/courses", httpx.Public, h.catalogue)
	r.Handle(http.MethodGet, "/courses/:id", httpx.Public, h.courseDetail)

	// Signing in and out (account_pages.go)
	r.Handle(http.MethodGet, "/login", httpx.Public, h.loginForm)
	r.Handle(http.MethodPost, "/login", httpx.Public, h.login)
	r.Handle(http.MethodPost, "/logout", httpx.Public, h.logout)

	// Self-registration (signup_pages.go): the register form, the emailed confirmation
	// link, the "confirm your address" page and its "send the link again" button. The
	// rules live in internal/account.
	r.Handle(http.MethodGet, "/register", httpx.Public, h.registerForm)
	r.Handle(http.MethodPost, "/register", httpx.Public, h.register)
	r.Handle(http.MethodGet, "/register/confirm/:token", httpx.Public, h.confirmEmailForm)
	r.Handle(http.MethodPost, "/register/confirm/:token", httpx.Public, h.confirmEmail)
	r.Handle(http.MethodGet, "/account/email", httpx.SignedIn, h.accountEmail)
	r.Handle(http.MethodPost, "/account/email", httpx.SignedIn, h.resendConfirmation)

	// Requests to join an organisation from addresses not on its email domains
	// (join_pages.go): its managers decide for their own organisation, admins for any.
	r.Handle(http.MethodGet, "/join-requests", deciders, h.joinRequests)
	r.Handle(http.MethodGet, "/join-requests/:id", deciders, h.joinRequestForm)
	r.Handle(http.MethodPost, "/join-requests/:id", deciders, h.decideJoinRequest)

	// Single sign-on (sso.go), only when a provider is configured: without one these
	// addresses are not found, like any unknown address.
	if h.SSO.Enabled() {
		r.Handle(http.MethodGet, "/login/sso", httpx.Public, h.ssoStart)
		r.Handle(http.MethodGet, "/login/sso/callback", httpx.Public, h.ssoCallback)
		r.Handle(http.MethodGet, "/login/sso/organisation", httpx.Public, h.ssoChooseForm)
		r.Handle(http.MethodPost, "/login/sso/organisation", httpx.Public, h.ssoChoose)
		r.Handle(http.MethodPost, "/admin/settings/sso-label", httpx.Roles(account.Admin), h.adminSetSSOLabel)
	}

	// Booking (booking_pages.go)
	r.Handle(http.MethodGet, "/sessions/:id/book", httpx.SignedIn, h.bookForm)
	r.Handle(http.MethodPost, "/sessions/:id/book", httpx.SignedIn, h.book)
	r.Handle(http.MethodGet, "/bookings/:id/booked", httpx.SignedIn, h.bookedPage)
	r.Handle(http.MethodGet, "/my/approvals/:id/requested", httpx.SignedIn, h.approvalRequested)
	r.Handle(http.MethodGet, "/bookings/:id/calendar.ics", httpx.SignedIn, h.bookingICS)
	r.Handle(http.MethodGet, "/courses/whats-on", httpx.Public, h.whatsOn)
	r.Handle(http.MethodGet, "/my/training", httpx.SignedIn, h.myTraining)
	r.Handle(http.MethodGet, "/bookings/:id/cancel", httpx.SignedIn, h.cancelForm)
	r.Handle(http.MethodPost, "/bookings/:id/cancel", httpx.SignedIn, h.cancelBooking)

	// Admin pages (admin_pages.go)
	r.Handle(http.MethodGet, "/admin", admin, h.adminDashboard)
	r.Handle(http.MethodPost, "/admin/settings/registration", admin, h.adminSetRegistration)
	r.Handle(http.MethodGet, "/admin/organisations", admin, h.adminOrganisations)
	r.Handle(http.MethodGet, "/admin/organisations/new", admin, h.adminOrganisationNew)
	r.Handle(http.MethodPost, "/admin/organisations/new", admin, h.adminOrganisationCreate)
	r.Handle(http.MethodGet, "/admin/organisations/:id/edit", admin, h.adminOrganisationEdit)
	r.Handle(http.MethodPost, "/admin/organisations/:id/edit", admin, h.adminOrganisationUpdate)
	r.Handle(http.MethodGet, "/admin/courses", admin, h.adminCourses)
	r.Handle(http.MethodGet, "/admin/courses/new", admin, h.adminCourseNew)
	r.Handle(http.MethodPost, "/admin/courses/new", admin, h.adminCourseCreate)
	r.Handle(http.MethodGet, "/admin/courses/:id", admin, h.adminCourse)
	r.Handle(http.MethodGet, "/admin/courses/:id/edit", admin, h.adminCourseEdit)
	r.Handle(http.MethodPost, "/admin/courses/:id/edit", admin, h.adminCourseUpdate)
	r.Handle(http.MethodGet, "/admin/courses/:id/online-rule", admin, h.adminOnlineRule)
	r.Handle(http.MethodPost, "/admin/courses/:id/online-rule", admin, h.adminOnlineRuleSave)
	r.Handle(http.MethodGet, "/admin/courses/:id/sessions/new", admin, h.adminSessionNew)
	r.Handle(http.MethodPost, "/admin/courses/:id/sessions/new", admin, h.adminSessionCreate)
	r.Handle(http.MethodGet, "/admin/sessions/:id", admin, h.adminSession)
	r.Handle(http.MethodGet, "/admin/sessions/:id/edit", admin, h.adminSessionEdit)
	r.Handle(http.MethodPost, "/admin/sessions/:id/edit", admin, h.adminSessionUpdate)
	r.Handle(http.MethodGet, "/admin/sessions/:id/cancel", admin, h.adminSessionCancelForm)
	r.Handle(http.MethodPost, "/admin/sessions/:id/cancel", admin, h.adminSessionCancel)
	r.Handle(http.MethodPost, "/admin/sessions/:id/bookings", admin, h.adminBookPerson)
	r.Handle(http.MethodPost, "/admin/bookings/:id/cancel", admin, h.adminCancelBooking)

	// People and merges (admin_people.go)
	r.Handle(http.MethodGet, "/admin/people", admin, h.adminPeople)
	r.Handle(http.MethodGet, "/admin/people/new", admin, h.adminPersonNew)
	r.Handle(http.MethodPost, "/admin/people/new", admin, h.adminPersonCreate)
	r.Handle(http.MethodGet, "/admin/people/:id", admin, h.adminPerson)
	r.Handle(http.MethodGet, "/admin/people/:id/edit", admin, h.adminPersonEdit)
	r.Handle(http.MethodPost, "/admin/people/:id/edit", admin, h.adminPersonUpdate)
	r.Handle(http.MethodGet, "/admin/people/:id/disable", admin, h.adminPersonDisableForm)
	r.Handle(http.MethodPost, "/admin/people/:id/disable", admin, h.adminPersonDisable)
	r.Handle(http.MethodPost, "/admin/people/:id/enable", admin, h.adminPersonEnable)
	r.Handle(http.MethodPost, "/admin/people/:id/password-link", admin, h.adminPersonPasswordLink)
	r.Handle(http.MethodGet, "/admin/people/:id/merge", admin, h.adminMergeChoose)
	r.Handle(http.MethodGet, "/admin/people/:id/merge/:duplicate", admin, h.adminMergeConfirm)
	r.Handle(http.MethodPost, "/admin/people/:id/merge/:duplicate", admin, h.adminMerge)

	// Password resets (password_pages.go)
	r.Handle(http.MethodGet, "/password/forgot", httpx.Public, h.forgotForm)
	r.Handle(http.MethodPost, "/password/forgot", httpx.Public, h.forgot)
	r.Handle(http.MethodGet, "/password/reset/:token", httpx.Public, h.resetForm)
	r.Handle(http.MethodPost, "/password/reset/:token", httpx.Public, h.reset)

	// Calendar feeds (calendar_feed.go)
	// Public: calendar apps cannot sign in, so the secret in the address is the key.
	r.Handle(http.MethodGet, "/calendar/:token", httpx.Public, h.calendarFeed)
	r.Handle(http.MethodHead, "/calendar/:token", httpx.Public, h.calendarFeed)
	r.Handle(http.MethodPost, "/my/calendar/reset", httpx.SignedIn, h.resetCalendarLink)

	// Public feeds of upcoming dates (feeds.go): for calendar apps, partners' sites and
	// anyone else; only what the public catalogue shows, whoever asks. HEAD works, as for
	// every GET.
	r.Handle(http.MethodGet, "/feeds/sessions.ics", httpx.Public, h.sessionsICS(byAll))
	r.Handle(http.MethodGet, "/feeds/sessions.json", httpx.Public, h.sessionsJSON(byAll))
	r.Handle(http.MethodGet, "/feeds/courses/:id/sessions.ics", httpx.Public, h.sessionsICS(byCourse))
	r.Handle(http.MethodGet, "/feeds/courses/:id/sessions.json", httpx.Public, h.sessionsJSON(byCourse))
	r.Handle(http.MethodGet, "/feeds/providers/:id/sessions.ics", httpx.Public, h.sessionsICS(byProvider))
	r.Handle(http.MethodGet, "/feeds/providers/:id/sessions.json", httpx.Public, h.sessionsJSON(byProvider))

	// The listings partners show on their own sites in an iframe (embed.go): the only
	// pages other sites may frame (server/middleware.go).
	r.Handle(http.MethodGet, "/embed/sessions", httpx.Public, h.embedListing(byAll))
	r.Handle(http.MethodGet, "/embed/courses/:id", httpx.Public, h.embedListing(byCourse))
	r.Handle(http.MethodGet, "/embed/providers/:id", httpx.Public, h.embedListing(byProvider))
	// What to paste, for admins (admin_sharing.go); partners find theirs on /partner.
	r.Handle(http.MethodGet, "/admin/sharing", admin, h.adminSharing)

	// The email log (admin_emails.go)
	r.Handle(http.MethodGet, "/admin/emails", admin, h.adminEmails)
	r.Handle(http.MethodGet, "/admin/emails/:id", admin, h.adminEmail)
	r.Handle(http.MethodPost, "/admin/emails/:id/resend", admin, h.adminEmailResend)

	// Trainers' attendance registers (register_pages.go; marks from a meeting's report:
	// register_report.go). The role check lets trainers and admins in; which sessions a
	// trainer may open is checked per request by registerSession.
	r.Handle(http.MethodGet, "/trainer/sessions", trainer, h.trainerSessions)
	r.Handle(http.MethodGet, "/trainer/sessions/:id/register", trainer, h.attendancePage)
	r.Handle(http.MethodPost, "/trainer/sessions/:id/register", trainer, h.registerSave)
	r.Handle(http.MethodPost, "/trainer/sessions/:id/register/all", trainer, h.registerMarkAll)
	r.Handle(http.MethodGet, "/trainer/sessions/:id/register/walk-ins/new", trainer, h.walkInNew)
	r.Handle(http.MethodPost, "/trainer/sessions/:id/register/walk-ins", trainer, h.registerWalkIn)
	r.Handle(http.MethodGet, "/trainer/sessions/:id/register/report", trainer, h.registerReportForm)
	r.Handle(http.MethodPost, "/trainer/sessions/:id/register/report", trainer, h.registerReportRead)
	r.Handle(http.MethodGet, "/trainer/sessions/:id/register/confirm", trainer, h.registerConfirm)
	r.Handle(http.MethodPost, "/trainer/sessions/:id/register/submit", trainer, h.registerSubmit)
	r.Handle(http.MethodGet, "/trainer/sessions/:id/register.csv", trainer, h.registerCSV)
	r.Handle(http.MethodGet, "/trainer/sessions/:id/sign-in-sheet", trainer, h.signInSheet)
	r.Handle(http.MethodGet, "/trainer/sessions/:id/sign-in-sheet.pdf", trainer, h.signInSheetPDF)
	r.Handle(http.MethodPost, "/admin/sessions/:id/register/reopen", httpx.Roles(account.Admin), h.registerReopen)

	// QR self check-in at the venue (checkin_trainer.go, checkin_pages.go): the trainer's
	// screen with the changing code, for whoever may run the register; attendees check
	// in signed in (signing in first sends them back here), by scanning or typing the
	// code. Which sessions a person may check in to is decided by internal/checkin.
	r.Handle(http.MethodGet, "/trainer/sessions/:id/check-in", trainer, h.trainerCheckIn)
	r.Handle(http.MethodGet, "/check-in", httpx.SignedIn, h.checkInStart)
	r.Handle(http.MethodGet, "/check-in/:session", httpx.SignedIn, h.checkInForm)
	r.Handle(http.MethodPost, "/check-in/:session", httpx.SignedIn, h.checkIn)
	r.Handle(http.MethodGet, "/check-in/:session/:code", httpx.SignedIn, h.checkInConfirm)

	// Learning records, evaluations and certificates (record_pages.go)
	r.Handle(http.MethodGet, "/my/record", httpx.SignedIn, h.myRecord)
	r.Handle(http.MethodGet, "/my/record.csv", httpx.SignedIn, h.myRecordCSV)
	r.Handle(http.MethodGet, "/my/record.pdf", httpx.SignedIn, h.myRecordPDF)
	// Owner or admin; the handler says "not found" to anyone else.
	r.Handle(http.MethodGet, "/certificates/:code", httpx.SignedIn, h.certificatePDF)
	// Public: whoever holds a certificate's code may check it, within a rate limit.
	r.Handle(http.MethodGet, "/verify", httpx.Public, v.form)
	r.Handle(http.MethodGet, "/verify/:code", httpx.Public, v.result)
	r.Handle(http.MethodGet, "/evaluations/:booking_id", httpx.SignedIn, h.evaluationForm)
	r.Handle(http.MethodPost, "/evaluations/:booking_id", httpx.SignedIn, h.evaluationSubmit)
	// The "did it change practice?" follow-up (impact_pages.go): the attendee only.
	r.Handle(http.MethodGet, "/impact/:booking_id", httpx.SignedIn, h.impactForm)
	r.Handle(http.MethodPost, "/impact/:booking_id", httpx.SignedIn, h.impactSubmit)
	r.Handle(http.MethodGet, "/admin/courses/:id/evaluations", admin, h.adminEvaluations)
	r.Handle(http.MethodGet, "/partner/courses/:id/evaluations", httpx.Roles(account.Partner, account.Admin), h.partnerEvaluations)
	r.Handle(http.MethodGet, "/admin/certificates/:code", admin, h.adminCertificate)
	r.Handle(http.MethodPost, "/admin/certificates/:code/revoke", admin, h.adminRevokeCertificate)

	// Training partners' pages (partner_pages.go). The role check lets partners in; which
	// courses and sessions they reach is their own organisation's, checked per request
	// (anything else is "not found").
	r.Handle(http.MethodGet, "/partner", partner, h.partnerDashboard)
	r.Handle(http.MethodGet, "/partner/courses/new", partner, h.partnerCourseNew)
	r.Handle(http.MethodPost, "/partner/courses/new", partner, h.partnerCourseCreate)
	r.Handle(http.MethodGet, "/partner/courses/:id", partner, h.partnerCourse)
	r.Handle(http.MethodGet, "/partner/courses/:id/edit", partner, h.partnerCourseEdit)
	r.Handle(http.MethodPost, "/partner/courses/:id/edit", partner, h.partnerCourseUpdate)
	r.Handle(http.MethodGet, "/partner/courses/:id/sessions/new", partner, h.partnerDatesNew)
	r.Handle(http.MethodPost, "/partner/courses/:id/sessions/new", partner, h.partnerDatesCreate)
	r.Handle(http.MethodGet, "/partner/sessions/:id", partner, h.partnerSession)
	r.Handle(http.MethodGet, "/partner/sessions/:id/edit", partner, h.partnerSessionEdit)
	r.Handle(http.MethodPost, "/partner/sessions/:id/edit", partner, h.partnerSessionUpdate)
	r.Handle(http.MethodGet, "/partner/sessions/:id/cancel", partner, h.partnerSessionCancelForm)
	r.Handle(http.MethodPost, "/partner/sessions/:id/cancel", partner, h.partnerSessionCancel)

	// The admins' review of training partners' courses (admin_course_approval.go)
	r.Handle(http.MethodGet, "/admin/courses/pending", admin, h.adminPendingCourses)
	r.Handle(http.MethodPost, "/admin/courses/:id/approve", admin, h.adminApproveCourse)
	r.Handle(http.MethodPost, "/admin/courses/:id/reject", admin, h.adminRejectCourse)
	r.Handle(http.MethodPost, "/admin/settings/partner-courses", admin, h.adminSetPartnerCourses)

	// Manager pages (manager_pages.go): the completion matrix of their own staff, each
	// person's record, the CSV, booking, nominating and reminding a member of staff.
	// Scope: a manager sees the organisation on their own account, whatever the request
	// says (?org= is ignored); an admin may choose any with ?org=ID and defaults to their
	// own. Anyone else's person is "not found", never "forbidden", so ids cannot be probed.
	r.Handle(http.MethodGet, "/manager", managers, m.dashboard)
	r.Handle(http.MethodGet, "/manager/people/:id", managers, m.person)
	r.Handle(http.MethodGet, "/manager/matrix.csv", managers, m.csv)
	r.Handle(http.MethodGet, "/manager/people/:id/book", managers, m.bookForm)
	r.Handle(http.MethodPost, "/manager/people/:id/book", managers, m.bookOrNominate)
	r.Handle(http.MethodPost, "/manager/people/:id/remind", managers, m.remind)

	// The admin's rules for which training is required of whom (admin_required.go)
	r.Handle(http.MethodGet, "/admin/required-training", admin, a.list)
	r.Handle(http.MethodGet, "/admin/required-training/new", admin, a.form)
	r.Handle(http.MethodPost, "/admin/required-training/new", admin, a.create)
	r.Handle(http.MethodPost, "/admin/required-training/:id/delete", admin, a.delete)

	// The board's reports (report_pages.go): attendance by organisation and type, fill
	// rates, people trained and evaluation scores, and non-attendance charges, on screen
	// and as CSV. Admins only.
	r.Handle(http.MethodGet, "/admin/reports", admin, h.reportIndex)
	r.Handle(http.MethodGet, "/admin/reports/attendance.csv", admin, h.reportAttendanceCSV)
	r.Handle(http.MethodGet, "/admin/reports/courses.csv", admin, h.reportCoursesCSV)
	r.Handle(http.MethodGet, "/admin/reports/sessions.csv", admin, h.reportSessionsCSV)
	r.Handle(http.MethodGet, "/admin/reports/charges", admin, h.reportCharges)
	r.Handle(http.MethodGet, "/admin/reports/charges.csv", admin, h.reportChargesCSV)
	r.Handle(http.MethodGet, "/admin/reports/charges/:id", admin, h.reportChargesOrganisation)
	r.Handle(http.MethodGet, "/admin/reports/impact", admin, h.reportImpact) // report_impact.go
	r.Handle(http.MethodGet, "/admin/reports/impact.csv", admin, h.reportImpactCSV)

	// Manager approval (approval_pages.go): the decision page a manager reaches from the
	// emailed link (/manager/approvals/ID; /approvals/TOKEN for links emailed before links
	// named requests by number; deciding needs a signed-in manager of the person's
	// organisation, or an admin, and a POST from this site), the list of requests waiting
	// for them, and the practitioner's withdraw page.
	r.Handle(http.MethodGet, "/approvals/:token", deciders, h.approvalByToken)
	r.Handle(http.MethodPost, "/approvals/:token/approve", deciders, h.approvalDecideByToken(true))
	r.Handle(http.MethodPost, "/approvals/:token/decline", deciders, h.approvalDecideByToken(false))
	r.Handle(http.MethodGet, "/manager/approvals", deciders, h.approvalList)
	r.Handle(http.MethodGet, "/manager/approvals/:id", deciders, h.approvalByID)
	r.Handle(http.MethodPost, "/manager/approvals/:id/approve", deciders, h.approvalDecideByID(true))
	r.Handle(http.MethodPost, "/manager/approvals/:id/decline", deciders, h.approvalDecideByID(false))
	r.Handle(http.MethodGet, "/my/approvals/:id/withdraw", httpx.SignedIn, h.approvalWithdrawForm)
	r.Handle(http.MethodPost, "/my/approvals/:id/withdraw", httpx.SignedIn, h.approvalWithdraw)

	// Sending a colleague in one's place (approval_substitute.go)
	r.Handle(http.MethodGet, "/bookings/:id/substitute", httpx.SignedIn, h.substituteForm)
	r.Handle(http.MethodPost, "/bookings/:id/substitute", httpx.SignedIn, h.substitute)

	// What the admin's to-do list leads to that no other page covers: overdue registers
	// (home_registers.go)
	r.Handle(http.MethodGet, overdueRegistersPath, httpx.Roles(account.Admin), h.adminOverdueRegisters)

	// Account security: two-factor set-up (twofactor_setup.go)

	// Two-factor sign-in (twofactor_signin.go)
	r.Handle(http.MethodGet, "/login/two-factor", httpx.Public, h.secondFactorForm)
	r.Handle(http.MethodPost, "/login/two-factor", httpx.Public, h.secondFactor)
	r.Handle(http.MethodGet, "/my/security", httpx.SignedIn, h.securityPage)
	r.Handle(http.MethodPost, "/my/security/two-factor/start", httpx.SignedIn, h.twoFactorStart)
	r.Handle(http.MethodGet, "/my/security/two-factor/setup", httpx.SignedIn, h.twoFactorSetupForm)
	r.Handle(http.MethodPost, "/my/security/two-factor/setup", httpx.SignedIn, h.twoFactorConfirm)
	r.Handle(http.MethodPost, "/my/security/two-factor/disable", httpx.SignedIn, h.twoFactorDisable)
	r.Handle(http.MethodPost, "/my/security/recovery-codes", httpx.SignedIn, h.recoveryCodesRenew)

	// People's own API tokens (tokens_pages.go)
	r.Handle(http.MethodGet, "/my/tokens", httpx.SignedIn, h.tokensPage)
	r.Handle(http.MethodPost, "/my/tokens", httpx.SignedIn, h.tokenCreate)
	r.Handle(http.MethodPost, "/my/tokens/:id/revoke", httpx.SignedIn, h.tokenRevoke)
	r.Handle(http.MethodPost, "/admin/people/:id/tokens/:token/revoke", httpx.Roles(account.Admin), h.adminTokenRevoke)

	// Admins' two-factor settings and resets (twofactor_admin.go)
	r.Handle(http.MethodPost, "/admin/settings/two-factor", admin, h.adminSetTwoFactor)
	r.Handle(http.MethodPost, "/admin/people/:id/two-factor/reset", admin, h.adminResetTwoFactor)

	// UK GDPR (privacy_pages.go): the subject access download, erasure, the erasure list
	// and the privacy notice.
	r.Handle(http.MethodGet, "/privacy", httpx.Public, h.privacyNotice)
	r.Handle(http.MethodGet, "/my/data", httpx.SignedIn, h.myData)
	r.Handle(http.MethodGet, "/my/data.zip", httpx.SignedIn, h.myDataZIP)
	r.Handle(http.MethodGet, "/admin/people/:id/data.zip", admin, h.adminPersonDataZIP)
	r.Handle(http.MethodGet, "/admin/people/:id/erase", admin, h.adminEraseForm)
	r.Handle(http.MethodPost, "/admin/people/:id/erase", admin, h.adminErase)
	r.Handle(http.MethodGet, "/admin/erasures", admin, h.adminErasures)
	r.Handle(http.MethodGet, "/admin/privacy", admin, h.adminPrivacyForm)
	r.Handle(http.MethodPost, "/admin/privacy", admin, h.adminPrivacySave)

	// The audit trail (admin_audit.go)
	r.Handle(http.MethodGet, "/admin/audit", admin, h.adminAudit)
	r.Handle(http.MethodGet, "/admin/audit.csv", admin, h.adminAuditCSV)
}
