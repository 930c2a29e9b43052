package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/audit"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

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
			h.auditSignIn(c, audit.SignInFailed, 0, "email="+email)
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
