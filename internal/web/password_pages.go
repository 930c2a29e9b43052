package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

func (h *Handler) registerPasswordRoutes(r *httpx.Router) {
	r.Handle(http.MethodGet, "/password/forgot", httpx.Public, h.forgotForm)
	r.Handle(http.MethodPost, "/password/forgot", httpx.Public, h.forgot)
	r.Handle(http.MethodGet, "/password/reset/:token", httpx.Public, h.resetForm)
	r.Handle(http.MethodPost, "/password/reset/:token", httpx.Public, h.reset)
}

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
	wait, send := h.resetLimiter.take(c.ClientIP(), key)
	if wait > 0 {
		h.tooManyResets(c, p, wait)
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

// tooManyResets answers 429 with the form and how long to wait.
func (h *Handler) tooManyResets(c *gin.Context, p Page, wait time.Duration) {
	minutes := max(1, int((wait+time.Minute-1)/time.Minute))
	c.Header("Retry-After", strconv.Itoa(minutes*60))
	unit := "minutes"
	if minutes == 1 {
		unit = "minute"
	}
	p.Problem = problem.New(http.StatusTooManyRequests, "too_many_requests",
		fmt.Sprintf("Too many requests for reset links. Wait %d %s and try again.", minutes, unit))
	h.page(c, http.StatusTooManyRequests, "password-forgot", p)
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

// Reset link request limits, per window: a client address may ask resetPerAddress times
// (then waits), and one email address gets resetPerEmail links (further requests are
// answered as usual but send nothing, so the answer still says nothing about accounts
// and nobody's inbox can be flooded).
const (
	resetWindow     = time.Hour
	resetPerAddress = 20
	resetPerEmail   = 3
)

// resetLimiter throttles reset link requests in memory; the account package also caps
// the links an account can have working at once, which survives restarts.
type resetLimiter struct {
	now       clock.Clock
	mu        sync.Mutex
	addresses map[string][]time.Time // request times within resetWindow, oldest first
	emails    map[string][]time.Time
	lastSweep time.Time
}

func newResetLimiter(now clock.Clock) *resetLimiter {
	return &resetLimiter{now: now, addresses: map[string][]time.Time{}, emails: map[string][]time.Time{}}
}

// recent drops times older than resetWindow.
func recent(times []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(times) && now.Sub(times[i]) >= resetWindow {
		i++
	}
	return times[i:]
}

// take records a request from address for email. wait > 0 refuses it; otherwise send
// says whether a link may be sent.
func (l *resetLimiter) take(address, email string) (wait time.Duration, send bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	a := recent(l.addresses[address], now)
	if len(a) >= resetPerAddress {
		l.addresses[address] = a
		return a[0].Add(resetWindow).Sub(now), false
	}
	l.addresses[address] = append(a, now)
	e := recent(l.emails[email], now)
	if len(e) >= resetPerEmail {
		l.emails[email] = e
		return 0, false
	}
	l.emails[email] = append(e, now)
	return 0, true
}

// sweep forgets keys with nothing recent, so memory stays bounded.
func (l *resetLimiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < sweepEvery {
		return
	}
	l.lastSweep = now
	for _, m := range []map[string][]time.Time{l.addresses, l.emails} {
		for k, times := range m {
			if len(recent(times, now)) == 0 {
				delete(m, k)
			}
		}
	}
}
