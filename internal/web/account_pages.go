package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

func (h *Handler) registerAccountRoutes(r *httpx.Router) {
	r.Handle(http.MethodGet, "/login", httpx.Public, h.loginForm)
	r.Handle(http.MethodPost, "/login", httpx.Public, h.login)
	r.Handle(http.MethodPost, "/logout", httpx.Public, h.logout)
	r.Handle(http.MethodGet, "/register", httpx.Public, h.registerForm)
	r.Handle(http.MethodPost, "/register", httpx.Public, h.register)
}

type loginData struct {
	Next string
	SSO  ssoButton // the single sign-on button, when configured (sso.go)
}

// errBadLogin names neither field, so a failure never says which one was wrong or
// whether the account exists.
var errBadLogin = problem.New(http.StatusUnauthorized, "bad_credentials",
	"The email address or password is not right. Check them and try again.")

// loginForm asks for an email address and password. Someone already signed in goes
// straight on.
func (h *Handler) loginForm(c *gin.Context) {
	next := c.Query("next")
	if httpx.CurrentUser(c) != nil {
		c.Redirect(http.StatusSeeOther, safeNext(next))
		return
	}
	h.page(c, http.StatusOK, "login", Page{Title: "Sign in", Data: loginData{Next: safeNext(next), SSO: h.ssoButtonFor(c.Request.Context())}})
}

// login checks the password, throttled per account and per address, and starts a new
// sign-in session with a fresh token.
func (h *Handler) login(c *gin.Context) {
	email := strings.TrimSpace(c.PostForm("email"))
	password := c.PostForm("password")
	next := safeNext(c.PostForm("next"))
	p := Page{Title: "Sign in", Form: map[string]string{"email": email}, Data: loginData{Next: next, SSO: h.ssoButtonFor(c.Request.Context())}}

	v := problem.Validation{}
	if email == "" {
		v.Add("email", "Enter your email address")
	} else if len(email) > 254 {
		v.Add("email", "Enter an email address of 254 characters or fewer")
	}
	if password == "" {
		v.Add("password", "Enter your password")
	}
	if err := v.Err(); err != nil {
		h.formProblem(c, "login", p, err)
		return
	}

	gate, ok := h.beginSignin(c, p, email) // limits, and whether this browser is known
	if !ok {
		return
	}
	u, err := h.Accounts.Authenticate(c.Request.Context(), email, password)
	if err != nil {
		if errors.Is(err, account.ErrBadCredentials) { // stays counted as a failure
			p.Problem = errBadLogin
			h.page(c, errBadLogin.Status, "login", p)
			return
		}
		gate.release(c)
		h.fail(c, err)
		return
	}
	gate.succeeded(c, u) // takes the attempt off the count and issues a device cookie
	h.passwordAccepted(c, u, next)
}

// logout ends the sign-in session everywhere (it is stored server-side).
func (h *Handler) logout(c *gin.Context) {
	if err := h.Sessions.Destroy(c.Request.Context()); err != nil {
		h.fail(c, err)
		return
	}
	h.redirect(c, "/courses", "You have signed out")
}

type registerData struct {
	Closed        bool
	Organisations []account.Organisation
	// Next is where the person was going when they chose to create an account (a
	// session's booking page, say); "" sends them to My training.
	Next string
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

// register creates a practitioner account and signs the person in.
func (h *Handler) register(c *gin.Context) {
	p, ok := h.registerPage(c)
	if !ok {
		return
	}
	p.Form = formValues(c, registerFields...)
	password := c.PostForm("password")
	orgID, _ := strconv.ParseInt(c.PostForm("organisation_id"), 10, 64) // 0: the account package asks for one
	n := account.NewUser{
		Email: c.PostForm("email"), Name: c.PostForm("name"), JobTitle: c.PostForm("job_title"),
		OrganisationID: orgID, Password: password, Roles: []account.Role{account.Practitioner},
	}
	v := problem.Validation{}
	if password == "" {
		v.Add("password", "Enter a password") // an empty one would make an account nobody can sign in to
	} else if c.PostForm("password_confirm") != password {
		v.Add("password_confirm", "The passwords do not match: type the same password twice")
	}
	ctx := c.Request.Context()
	if len(v) > 0 {
		// Show every problem at once: run the account package's checks with no
		// organisation, which it always refuses before writing anything.
		check := n
		check.OrganisationID = 0
		_, err := h.Accounts.CreateUser(ctx, check)
		if pe, ok := err.(*problem.Error); ok && pe.Code == "validation_failed" {
			for field, msg := range pe.Fields {
				if field != "organisation_id" || orgID <= 0 {
					v.Add(field, msg)
				}
			}
		} else if err == nil {
			h.fail(c, errors.New("register: a check with no organisation created an account"))
			return
		}
		h.formProblem(c, "register", p, v.Err())
		return
	}
	u, err := h.Accounts.CreateUser(ctx, n)
	if err != nil {
		h.formProblem(c, "register", p, err)
		return
	}
	if err := h.signIn(c, u); err != nil {
		h.fail(c, err)
		return
	}
	dest := p.Data.(registerData).Next
	if dest == "" {
		dest = "/my/training"
	}
	h.redirect(c, dest, "Your account has been created and you are signed in")
}
