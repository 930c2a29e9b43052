package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/sso"
)

// Session keys for one single sign-on attempt, kept server-side.
const (
	sessionSSOState    = "sso_state"
	sessionSSONonce    = "sso_nonce"
	sessionSSOVerifier = "sso_verifier"
	sessionSSONext     = "sso_next"
	sessionSSOStarted  = "sso_started" // Unix seconds
)

// ssoAttemptLifetime is how long someone has at the provider before the attempt lapses.
const ssoAttemptLifetime = 15 * time.Minute

// ssoButton is what the sign-in page needs to show the single sign-on button.
type ssoButton struct {
	Label string // "" when single sign-on is off
}

// ssoButtonFor reads the admin's label when single sign-on is configured. A failure to
// read it falls back to the default text: the sign-in page must still show.
func (h *Handler) ssoButtonFor(ctx context.Context) ssoButton {
	if !h.SSO.Enabled() {
		return ssoButton{}
	}
	label, err := h.Accounts.SSOButtonLabel(ctx)
	if err != nil {
		h.Log.Warn("read single sign-on label", "err", err)
		label = account.DefaultSSOLabel
	}
	return ssoButton{Label: label}
}

// ssoProblemData is a plain page that explains why single sign-on stopped.
type ssoProblemData struct {
	Message string
	Advice  string
	Retry   bool // offer to start again
}

func (h *Handler) ssoProblem(c *gin.Context, status int, title string, d ssoProblemData) {
	h.page(c, status, "sso-problem", Page{Title: title, Data: d})
}

// ssoStart sends the person to the provider with a fresh state, nonce and PKCE challenge,
// remembering them (and where to go afterwards) in the server-side session.
func (h *Handler) ssoStart(c *gin.Context) {
	if !h.SSO.Enabled() {
		h.NotFound(c)
		return
	}
	next := safeNext(c.Query("next"))
	if httpx.CurrentUser(c) != nil {
		c.Redirect(http.StatusSeeOther, next)
		return
	}
	ctx := c.Request.Context()
	f := sso.NewFlow()
	to, err := h.SSO.AuthURL(ctx, f)
	if err != nil {
		h.Log.Warn("single sign-on start", "err", err)
		h.ssoUnavailable(c)
		return
	}
	h.Sessions.Put(ctx, sessionSSOState, f.State)
	h.Sessions.Put(ctx, sessionSSONonce, f.Nonce)
	h.Sessions.Put(ctx, sessionSSOVerifier, f.Verifier)
	h.Sessions.Put(ctx, sessionSSONext, next)
	h.Sessions.Put(ctx, sessionSSOStarted, h.Now().Unix())
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusFound, to)
}

func (h *Handler) ssoUnavailable(c *gin.Context) {
	c.Header("Retry-After", "60")
	h.ssoProblem(c, http.StatusServiceUnavailable, "Single sign-on is not available at the moment", ssoProblemData{
		Message: "We could not reach your organisation's sign-in service.",
		Advice:  "Try again in a few minutes, or sign in with your email address and password.",
		Retry:   true,
	})
}

// ssoCallback checks what the provider sent back. The attempt's secrets are taken out of
// the session first, so a state works once only.
func (h *Handler) ssoCallback(c *gin.Context) {
	if !h.SSO.Enabled() {
		h.NotFound(c)
		return
	}
	ctx := c.Request.Context()
	f := sso.Flow{
		State:    h.Sessions.PopString(ctx, sessionSSOState),
		Nonce:    h.Sessions.PopString(ctx, sessionSSONonce),
		Verifier: h.Sessions.PopString(ctx, sessionSSOVerifier),
	}
	next := safeNext(h.Sessions.PopString(ctx, sessionSSONext))
	started := time.Unix(h.Sessions.GetInt64(ctx, sessionSSOStarted), 0)
	h.Sessions.Remove(ctx, sessionSSOStarted)
	c.Header("Cache-Control", "no-store")

	if e := c.Query("error"); e != "" {
		h.Log.Info("single sign-on refused by the provider", "error", e)
		msg := "Your organisation's sign-in service did not sign you in."
		if e == "access_denied" {
			msg = "Sign-in was cancelled, or your organisation's account is not allowed to use this service."
		}
		h.ssoProblem(c, http.StatusForbidden, "You have not been signed in", ssoProblemData{
			Message: msg,
			Advice:  "Try again, or sign in with your email address and password.",
			Retry:   true,
		})
		return
	}
	if !sso.SameState(f.State, c.Query("state")) || c.Query("code") == "" || h.Now().Sub(started) > ssoAttemptLifetime {
		h.ssoProblem(c, http.StatusBadRequest, "This sign-in link has expired", ssoProblemData{
			Message: "The link back from your organisation's sign-in service has already been used, has expired, or was started in another browser.",
			Advice:  "Start signing in again.",
			Retry:   true,
		})
		return
	}
	id, err := h.SSO.Finish(ctx, f, c.Query("code"))
	switch {
	case err == nil:
	case errors.Is(err, sso.ErrUnavailable):
		h.Log.Warn("single sign-on finish", "err", err)
		h.ssoUnavailable(c)
		return
	case errors.Is(err, sso.ErrEmailUnverified):
		h.ssoProblem(c, http.StatusForbidden, "Your email address is not verified", ssoProblemData{
			Message: "Your organisation's sign-in service does not confirm that your email address belongs to you, so we cannot use it to sign you in.",
			Advice:  "Ask your IT team to verify the email address on your account, or sign in with your email address and password.",
		})
		return
	case errors.Is(err, sso.ErrNoEmail):
		h.ssoProblem(c, http.StatusForbidden, "We did not receive your email address", ssoProblemData{
			Message: "Your organisation's sign-in service did not tell us your email address, so we cannot find your account.",
			Advice:  "Ask your IT team to share your email address with this service, or sign in with your email address and password.",
		})
		return
	default:
		h.Log.Warn("single sign-on answer refused", "err", err)
		h.ssoProblem(c, http.StatusBadRequest, "We could not check your sign-in", ssoProblemData{
			Message: "The answer from your organisation's sign-in service did not pass our checks.",
			Advice:  "Start signing in again.",
			Retry:   true,
		})
		return
	}
	h.ssoComplete(c, account.SSOIdentity{Issuer: id.Issuer, Subject: id.Subject, Email: id.Email, Name: id.Name}, next)
}

// ssoComplete signs in the account with the verified address, or makes one in the
// organisation that owns the address's domain.
func (h *Handler) ssoComplete(c *gin.Context, id account.SSOIdentity, next string) {
	ctx := c.Request.Context()
	u, err := h.Accounts.UserByEmail(ctx, id.Email)
	switch {
	case err == nil:
		if !u.Active {
			h.ssoDisabled(c)
			return
		}
		if err := h.Accounts.RecordSSOSignIn(ctx, u.ID, id); err != nil {
			h.fail(c, err)
			return
		}
		h.ssoSignIn(c, u, next, "")
		return
	case !isNotFound(err):
		h.fail(c, err)
		return
	}
	open, err := h.Accounts.RegistrationOpen(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	if !open {
		h.ssoProblem(c, http.StatusForbidden, "You do not have an account yet", ssoProblemData{
			Message: "There is no account for " + id.Email + ", and accounts are being added by the partnership's training team at the moment.",
			Advice:  "Ask the partnership's training team to add you.",
		})
		return
	}
	orgs, err := h.Accounts.OrganisationsForEmail(ctx, id.Email)
	if err != nil {
		h.fail(c, err)
		return
	}
	switch len(orgs) {
	case 0:
		h.ssoForeignDomain(c, id.Email)
	case 1:
		h.ssoCreate(c, id, orgs[0].ID, next)
	default:
		h.putPending(c, id, next)
		c.Redirect(http.StatusSeeOther, "/login/sso/organisation")
	}
}

func (h *Handler) ssoForeignDomain(c *gin.Context, email string) {
	h.ssoProblem(c, http.StatusForbidden, "We do not recognise your organisation", ssoProblemData{
		Message: "Email addresses ending in @" + account.EmailDomain(email) + " do not belong to any organisation in the partnership, so we cannot make you an account.",
		Advice:  "Ask the partnership's training team to add your organisation or to create your account.",
	})
}

func (h *Handler) ssoDisabled(c *gin.Context) {
	h.ssoProblem(c, http.StatusForbidden, "Your account is disabled", ssoProblemData{
		Message: "The account for this email address has been disabled, so you cannot sign in.",
		Advice:  "Contact the partnership's training team if you think this is a mistake.",
	})
}

// ssoCreate makes the practitioner account and signs the person in.
func (h *Handler) ssoCreate(c *gin.Context, id account.SSOIdentity, orgID int64, next string) {
	u, err := h.Accounts.CreateSSOUser(c.Request.Context(), id, orgID)
	if errors.Is(err, account.ErrEmailTaken) {
		// Made a moment ago (a double click on the organisation page): sign in to it.
		h.ssoComplete(c, id, next)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.ssoSignIn(c, u, next, "Your account has been created and you are signed in")
}

func (h *Handler) ssoSignIn(c *gin.Context, u *account.User, next, flash string) {
	if err := h.signIn(c, u); err != nil {
		h.fail(c, err)
		return
	}
	h.redirect(c, next, flash)
}
