package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/audit"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// Session keys for a sign-in whose password was right but whose second factor is still
// to come. Nobody is signed in while these are set.
const (
	sessionPendingUser  = "2fa_pending_user"
	sessionPendingAt    = "2fa_pending_at" // Unix seconds
	sessionPendingNext  = "2fa_pending_next"
	sessionPendingFails = "2fa_pending_fails"
)

const (
	// pendingFor is how long the second step may wait after the password.
	pendingFor = 5 * time.Minute
	// maxCodeFailures wrong codes end the pending sign-in: the password must be typed
	// again, which the sign-in limits count.
	maxCodeFailures = 5
	// rememberCookie holds the signed "this browser passed the second factor" mark. It is
	// a different thing from the sign-in limits' device cookie.
	rememberCookie = "th_2fa_remember"
)

// startSecondFactor remembers, in the not-yet-signed-in session, that u's password was
// right just now, and asks for the code.
func (h *Handler) startSecondFactor(c *gin.Context, u *account.User, next string) {
	ctx := c.Request.Context()
	h.Sessions.Put(ctx, sessionPendingUser, u.ID)
	h.Sessions.Put(ctx, sessionPendingAt, h.Now().Unix())
	h.Sessions.Put(ctx, sessionPendingNext, next)
	h.Sessions.Put(ctx, sessionPendingFails, 0)
	c.Redirect(http.StatusSeeOther, "/login/two-factor")
}

func (h *Handler) clearPending(c *gin.Context) {
	ctx := c.Request.Context()
	for _, k := range []string{sessionPendingUser, sessionPendingAt, sessionPendingNext, sessionPendingFails} {
		h.Sessions.Remove(ctx, k)
	}
}

// pendingUser returns the account waiting for its second factor, or nil (after sending
// the browser back to the password page) when there is none or it waited too long.
func (h *Handler) pendingUser(c *gin.Context) *account.User {
	ctx := c.Request.Context()
	id := h.Sessions.GetInt64(ctx, sessionPendingUser)
	at := h.Sessions.GetInt64(ctx, sessionPendingAt)
	if id == 0 || h.Now().Sub(time.Unix(at, 0)) > pendingFor {
		h.clearPending(c)
		h.redirect(c, "/login", "Sign in again: enter your email address and password")
		return nil
	}
	u, err := h.Accounts.User(ctx, id)
	if err != nil || !u.Active {
		h.clearPending(c)
		h.redirect(c, "/login", "Sign in again: enter your email address and password")
		return nil
	}
	return u
}

type secondFactorData struct{ RememberDays int }

func (h *Handler) secondFactorPage() Page {
	return Page{Title: "Enter your security code", Data: secondFactorData{RememberDays: int(account.RememberFor / (24 * time.Hour))}}
}

// secondFactorForm asks for the code from the authenticator app (or a recovery code).
func (h *Handler) secondFactorForm(c *gin.Context) {
	if httpx.CurrentUser(c) != nil {
		c.Redirect(http.StatusSeeOther, "/")
		return
	}
	if h.pendingUser(c) == nil {
		return
	}
	h.page(c, http.StatusOK, "login-two-factor", h.secondFactorPage())
}

// secondFactor checks the code and finishes the sign-in. Wrong codes are counted against
// this pending sign-in; after maxCodeFailures the person starts again from the password.
func (h *Handler) secondFactor(c *gin.Context) {
	u := h.pendingUser(c)
	if u == nil {
		return
	}
	ctx := c.Request.Context()
	code := strings.TrimSpace(c.PostForm("code"))
	p := h.secondFactorPage()
	p.Form = map[string]string{"remember": c.PostForm("remember")}
	if code == "" {
		h.formProblem(c, "login-two-factor", p, problem.Validation{"code": "Enter the 6-digit code from your authenticator app, or a recovery code"}.Err())
		return
	}
	wait, err := h.Accounts.SecondFactorWait(ctx, u.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	if wait > 0 {
		h.tooManyCodes(c, p, wait)
		return
	}
	var ok, recovery bool
	if account.LooksLikeRecoveryCode(code) {
		recovery = true
		ok, err = h.Accounts.UseRecoveryCode(ctx, u.ID, code)
	} else {
		ok, err = h.Accounts.CheckTOTP(ctx, u.ID, code)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	if !ok {
		h.auditSignIn(c, audit.SignInFailed, u.ID, "wrong two-factor code")
		if err := h.Accounts.NoteSecondFactorFailure(ctx, u.ID); err != nil {
			h.fail(c, err)
			return
		}
		fails := h.Sessions.GetInt(ctx, sessionPendingFails) + 1
		if fails >= maxCodeFailures {
			h.clearPending(c)
			h.redirect(c, "/login", "Too many wrong codes. Sign in again with your email address and password")
			return
		}
		h.Sessions.Put(ctx, sessionPendingFails, fails)
		h.formProblem(c, "login-two-factor", p, problem.Validation{"code": "That code is not right, or it has been used already. Enter the code your authenticator app shows now"}.Err())
		return
	}
	if err := h.Accounts.ClearSecondFactorFailures(ctx, u.ID); err != nil {
		h.fail(c, err)
		return
	}
	next := safeNext(h.Sessions.GetString(ctx, sessionPendingNext))
	h.clearPending(c)
	if err := h.signIn(c, u); err != nil {
		h.fail(c, err)
		return
	}
	if c.PostForm("remember") == "yes" {
		if err := h.rememberBrowser(c, u); err != nil {
			h.fail(c, err)
			return
		}
	}
	if recovery {
		tf, err := h.Accounts.TwoFactorStatus(ctx, u.ID)
		if err == nil {
			h.redirect(c, "/my/security", recoveryLeftMessage(tf.RecoveryLeft))
			return
		}
	}
	c.Redirect(http.StatusSeeOther, next)
}

// tooManyCodes answers 429 when the account has had too many wrong codes lately.
func (h *Handler) tooManyCodes(c *gin.Context, p Page, wait time.Duration) {
	minutes := max(1, int((wait+time.Minute-1)/time.Minute))
	c.Header("Retry-After", strconv.Itoa(minutes*60))
	unit := "minutes"
	if minutes == 1 {
		unit = "minute"
	}
	p.Problem = problem.New(http.StatusTooManyRequests, "too_many_codes",
		"There have been too many wrong codes for this account. Wait "+strconv.Itoa(minutes)+" "+unit+" and try again.")
	h.page(c, http.StatusTooManyRequests, "login-two-factor", p)
}

func recoveryLeftMessage(n int) string {
	switch n {
	case 0:
		return "You have used your last recovery code. Make new ones now"
	case 1:
		return "You have signed in with a recovery code. You have 1 left"
	}
	return "You have signed in with a recovery code. You have " + strconv.Itoa(n) + " left"
}

// browserRemembered reports whether this browser carries a valid remembered-browser
// cookie for u.
func (h *Handler) browserRemembered(c *gin.Context, u *account.User, tf account.TwoFactor) bool {
	v, err := c.Cookie(rememberCookie)
	if err != nil || v == "" {
		return false
	}
	return h.Accounts.BrowserRemembered(c.Request.Context(), u, tf, v)
}

// rememberBrowser sets the signed, HttpOnly cookie that skips the second factor for u on
// this browser for 30 days.
func (h *Handler) rememberBrowser(c *gin.Context, u *account.User) error {
	v, err := h.Accounts.RememberBrowser(c.Request.Context(), u)
	if err != nil || v == "" {
		return err
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: rememberCookie, Value: v, Path: "/login", MaxAge: int(account.RememberFor / time.Second),
		HttpOnly: true, Secure: strings.HasPrefix(strings.ToLower(h.BaseURL), "https://"), SameSite: http.SameSiteLaxMode,
	})
	return nil
}
