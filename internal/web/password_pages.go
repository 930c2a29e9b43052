package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/ratelimit"
)

type forgotData struct{ Sent bool }

// forgotForm asks for the address to send a reset link to.
func (h *Handler) forgotForm(c *gin.Context) {
	h.page(c, http.StatusOK, "password-forgot", Page{Title: "Reset your password", Data: forgotData{}})
}

// forgot sends a reset link if the address has an account, and answers with the same
// page either way, so the page never says whether an account exists.
func (h *Handler) forgot(c *gin.Context) {
	email := strings.TrimSpace(c.PostForm("email"))
	p := Page{Title: "Reset your password", Form: map[string]string{"email": email}, Data: forgotData{}}
	key := account.NormaliseEmail(email)
	v := problem.Validation{}
	switch {
	case email == "":
		v.Add("email", "Enter your email address")
	case !account.ValidEmail(key):
		v.Add("email", "Enter an email address in the correct format, like name@example.org")
	}
	if err := v.Err(); err != nil {
		h.formProblem(c, "password-forgot", p, err)
		return
	}
	// Per network and overall (a 429 page), then per address (silently: the answer must
	// not say whether the address has an account). The counts live in the database.
	if h.overLimit(c, account.ResetLimits(c.ClientIP())...) {
		return
	}
	_, send, err := ratelimit.New(h.Accounts.DB, h.Now).Take(c.Request.Context(), account.ResetEmailLimit(key))
	if err != nil {
		h.fail(c, err)
		return
	}
	if send {
		if err := h.Accounts.RequestPasswordReset(c.Request.Context(), key); err != nil {
			h.fail(c, err)
			return
		}
	}
	h.page(c, http.StatusOK, "password-forgot", Page{Title: "Check your email", Data: forgotData{Sent: true}})
}

type resetData struct{ Token string }

// resetForm asks for a new password, if the link still works. Opening the link changes
// nothing, so mail scanners that follow links cannot spend it.
func (h *Handler) resetForm(c *gin.Context) {
	noReferrer(c)
	token := c.Param("token")
	if _, err := h.Accounts.CheckResetLink(c.Request.Context(), token); err != nil {
		h.resetProblem(c, err)
		return
	}
	h.page(c, http.StatusOK, "password-reset", Page{Title: "Choose a new password", Data: resetData{Token: token}})
}

// reset sets the new password, spends the link and sends the person to sign in.
func (h *Handler) reset(c *gin.Context) {
	noReferrer(c)
	token := c.Param("token")
	ctx := c.Request.Context()
	if _, err := h.Accounts.CheckResetLink(ctx, token); err != nil {
		h.resetProblem(c, err)
		return
	}
	p := Page{Title: "Choose a new password", Data: resetData{Token: token}}
	password, confirm := c.PostForm("password"), c.PostForm("password_confirm")
	v := problem.Validation{}
	if password == "" {
		v.Add("password", "Enter a new password")
	} else if msg := account.CheckPassword(password, ""); msg != "" {
		v.Add("password", msg)
	}
	switch {
	case confirm == "":
		v.Add("password_confirm", "Type the new password again")
	case password != "" && confirm != password:
		v.Add("password_confirm", "The passwords do not match: type the same password twice")
	}
	if err := v.Err(); err != nil {
		h.formProblem(c, "password-reset", p, err)
		return
	}
	u, err := h.Accounts.ResetPassword(ctx, token, password)
	if errors.Is(err, account.ErrResetLinkInvalid) {
		h.resetProblem(c, err)
		return
	}
	if err != nil {
		h.formProblem(c, "password-reset", p, err)
		return
	}
	// Whoever proved they hold the mailbox may sign in at once, even if someone has been
	// guessing at the old password.
	h.forgiveSignin(c, u.Email)
	// Whoever was signed in on this browser is signed out, under a fresh session token.
	if err := h.Sessions.RenewToken(ctx); err != nil {
		h.fail(c, err)
		return
	}
	h.Sessions.Remove(ctx, sessionUserID)
	h.redirect(c, "/login", "Your password has been changed. Sign in with your new password.")
}

// resetProblem shows the "expired or used" page for a dead link, or the error page.
func (h *Handler) resetProblem(c *gin.Context, err error) {
	if !errors.Is(err, account.ErrResetLinkInvalid) {
		h.fail(c, err)
		return
	}
	h.page(c, account.ErrResetLinkInvalid.Status, "password-reset-invalid",
		Page{Title: "This link has expired or has already been used"})
}

// noReferrer keeps the reset link's secret out of Referer headers.
func noReferrer(c *gin.Context) { c.Header("Referrer-Policy", "no-referrer") }
