package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/ratelimit"
)

type registerData struct {
	Closed        bool
	Organisations []account.Organisation
	// Suggested are the organisations that use the typed address's domain, listed first
	// when the person must choose among them (nhs.net).
	Suggested []account.Organisation
	Domain    string
	// Next is where the person was going when they chose to create an account; it is
	// kept on the form and the sign-in link.
	Next string
	// Sent: the form was accepted and the "check your email" page shows, the same
	// whether or not the address already had an account.
	Sent  bool
	Email string
}

// registerNext is the page to land on after registering: the next parameter carried from
// the sign-in page, if it is a path on this site.
func registerNext(c *gin.Context) string {
	next := c.Query("next")
	if c.Request.Method == http.MethodPost {
		next = c.PostForm("next")
	}
	if next == "" {
		return ""
	}
	return safeNext(next)
}

var registerFields = []string{"name", "email", "job_title", "organisation_id"}

func (h *Handler) registerPage(c *gin.Context) (Page, bool) {
	ctx := c.Request.Context()
	open, err := h.Accounts.RegistrationOpen(ctx)
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	if !open {
		h.page(c, http.StatusForbidden, "register", Page{Title: "Registration is closed", Data: registerData{Closed: true, Next: registerNext(c)}})
		return Page{}, false
	}
	orgs, err := h.Accounts.Organisations(ctx)
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	return Page{Title: "Create an account", Data: registerData{Organisations: orgs, Next: registerNext(c)}}, true
}

// registerForm asks a newcomer for their details, unless an admin has closed registration.
func (h *Handler) registerForm(c *gin.Context) {
	p, ok := h.registerPage(c)
	if !ok {
		return
	}
	h.page(c, http.StatusOK, "register", p)
}

// register creates an account that must confirm its address before it can book, and
// answers with "check your email". An address that already has an account gets the same
// answer (its owner is emailed instead), so the form says nothing about who has one.
func (h *Handler) register(c *gin.Context) {
	p, ok := h.registerPage(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	p.Form = formValues(c, registerFields...)
	password := c.PostForm("password")
	orgID, _ := strconv.ParseInt(c.PostForm("organisation_id"), 10, 64) // 0: find it from the address
	reg := account.Registration{Name: c.PostForm("name"), Email: c.PostForm("email"), JobTitle: c.PostForm("job_title"),
		Password: password, OrganisationID: max(orgID, 0)}
	if c.PostForm("organisation_id") != "" && orgID <= 0 {
		reg.OrganisationID = -1 // something made up: the account package says "choose"
	}
	form := problem.Validation{}
	if password != "" && c.PostForm("password_confirm") != password {
		form.Add("password_confirm", "The passwords do not match: type the same password twice")
	}
	if problems := problem.Merge(form.Err(), h.Accounts.CheckRegistration(ctx, reg)); problems != nil {
		d := p.Data.(registerData)
		email := account.NormaliseEmail(reg.Email)
		d.Domain = account.EmailDomain(email)
		if account.ValidEmail(email) {
			var err error
			if d.Suggested, err = h.Accounts.OrganisationsForEmail(ctx, email); err != nil {
				h.fail(c, err)
				return
			}
		}
		p.Data = d
		h.formProblem(c, "register", p, problems)
		return
	}
	if h.overLimit(c, account.RegisterLimits(c.ClientIP())...) {
		return
	}
	if err := h.Accounts.Register(ctx, reg); err != nil {
		h.formProblem(c, "register", p, err)
		return
	}
	d := p.Data.(registerData)
	d.Sent, d.Email = true, account.NormaliseEmail(reg.Email)
	h.page(c, http.StatusOK, "register", Page{Title: "Check your email", Data: d})
}

// overLimit counts a request against rules and, when one is full, answers 429 with the
// time to try again and returns true.
func (h *Handler) overLimit(c *gin.Context, rules ...ratelimit.Rule) bool {
	retry, ok, err := ratelimit.New(h.Accounts.DB, h.Now).Take(c.Request.Context(), rules...)
	if err != nil {
		h.fail(c, err)
		return true
	}
	if ok {
		return false
	}
	h.tooManyRequests(c, retry)
	return true
}

type tooManyData struct {
	At      time.Time
	Minutes int
}

// tooManyRequests is the 429 page: what happened and when to try again.
func (h *Handler) tooManyRequests(c *gin.Context, at time.Time) {
	wait := at.Sub(h.Now())
	minutes := max(1, int((wait+time.Minute-1)/time.Minute))
	c.Header("Retry-After", strconv.Itoa(max(1, int((wait+time.Second-1)/time.Second))))
	h.page(c, http.StatusTooManyRequests, "too-many-requests", Page{Title: "Too many requests",
		Data: tooManyData{At: at.In(clock.London), Minutes: minutes}})
}

type emailConfirmData struct{ Token string }

// confirmEmailForm shows the button that confirms the address. Opening the link changes
// nothing, so mail scanners that follow links cannot spend it.
func (h *Handler) confirmEmailForm(c *gin.Context) {
	noReferrer(c)
	token := c.Param("token")
	if err := h.Accounts.CheckConfirmLink(c.Request.Context(), token); err != nil {
		h.confirmProblem(c, err)
		return
	}
	h.page(c, http.StatusOK, "register-confirm", Page{Title: "Confirm your email address", Data: emailConfirmData{Token: token}})
}

// confirmEmail spends the link and sends the person to sign in (or on, if signed in).
func (h *Handler) confirmEmail(c *gin.Context) {
	noReferrer(c)
	u, err := h.Accounts.ConfirmEmail(c.Request.Context(), c.Param("token"))
	if err != nil {
		h.confirmProblem(c, err)
		return
	}
	msg := "Your email address is confirmed. Sign in to book training."
	if u.Membership == account.Requested {
		msg = "Your email address is confirmed. We have asked " + u.OrganisationName +
			" to approve your account, and will email you when they decide."
	}
	h.redirect(c, "/login", msg)
}

// confirmProblem shows the "expired or used" page for a dead link, or the error page.
func (h *Handler) confirmProblem(c *gin.Context, err error) {
	if !errors.Is(err, account.ErrConfirmLinkInvalid) {
		h.fail(c, err)
		return
	}
	h.page(c, account.ErrConfirmLinkInvalid.Status, "register-confirm-invalid",
		Page{Title: "This link has expired or has already been used"})
}

type accountEmailData struct {
	Me *account.User
	// Booking: shown instead of a booking page, because the person may not book yet.
	Booking bool
}

// accountEmail says whether the signed-in person may book yet, and why not: an address
// to confirm (with "send the link again") or an organisation's approval to wait for.
func (h *Handler) accountEmail(c *gin.Context) {
	me := httpx.CurrentUser(c)
	h.page(c, http.StatusOK, "account-email", Page{Title: accountEmailTitle(me), Data: accountEmailData{Me: me}})
}

func accountEmailTitle(u *account.User) string {
	switch {
	case !u.EmailConfirmed:
		return "Confirm your email address"
	case u.Membership == account.Requested:
		return "Waiting for your organisation to approve your account"
	case u.Membership == account.Declined:
		return "Your request to join was declined"
	}
	return "Your email address is confirmed"
}

// resendConfirmation emails a fresh confirmation link.
func (h *Handler) resendConfirmation(c *gin.Context) {
	me := httpx.CurrentUser(c)
	err := h.Accounts.ResendConfirmation(c.Request.Context(), me.ID)
	if errors.Is(err, account.ErrTooManyConfirmLinks) {
		p := Page{Title: accountEmailTitle(me), Data: accountEmailData{Me: me}, Problem: account.ErrTooManyConfirmLinks}
		h.page(c, account.ErrTooManyConfirmLinks.Status, "account-email", p)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.redirect(c, "/account/email", "We have sent a new link to "+me.Email+". It works for 24 hours.")
}

// refuseUntilBookable shows the account-email page instead of a booking page to someone
// who may not book yet (account.BookingRefusal), and returns true.
func (h *Handler) refuseUntilBookable(c *gin.Context) bool {
	me := httpx.CurrentUser(c)
	err := me.MayBook()
	if err == nil {
		return false
	}
	pe, _ := problem.From(err)
	h.page(c, pe.Status, "account-email", Page{Title: "You cannot book yet", Data: accountEmailData{Me: me, Booking: true}})
	return true
}
