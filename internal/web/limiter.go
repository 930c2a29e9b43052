package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/problem"
)

// sweepEvery is how often the in-memory reset-link limiter forgets old keys.
const sweepEvery = 5 * time.Minute

// setUpSignin prepares the sign-in limits (kept in the database) and device cookies (signed
// with a key derived from the secret key file).
func (h *Handler) setUpSignin(ctx context.Context) error {
	key, err := h.Accounts.DeviceCookieKey(ctx)
	if err != nil {
		return fmt.Errorf("device cookie key: %w", err)
	}
	h.limiter = &account.SigninLimits{DB: h.Accounts.DB, Now: h.Now}
	h.devices = &deviceCookies{key: key, now: h.Now,
		secure: strings.HasPrefix(strings.ToLower(h.BaseURL), "https://")}
	return nil
}

// signinGate is one password attempt admitted by the limits.
type signinGate struct {
	h      *Handler
	ticket account.SigninTicket
}

// beginSignin checks the limits for a password attempt at email: trusted (a valid device
// cookie for that account) or not. It answers the request itself (429 with Retry-After, or
// an error page) and returns false when the attempt may not go ahead. A wrong password
// needs no further call: the attempt was counted as a failure up front.
func (h *Handler) beginSignin(c *gin.Context, p Page, email string) (*signinGate, bool) {
	ctx := c.Request.Context()
	attempt := account.SigninAttempt{Email: email, Address: c.ClientIP()}
	if value, ok := h.devices.present(c, email); ok {
		u, err := h.Accounts.UserByEmail(ctx, email)
		if err != nil && !isNotFound(err) {
			h.fail(c, err)
			return nil, false
		}
		attempt.Device = h.devices.trusted(value, u)
	}
	ticket, wait, err := h.limiter.Begin(ctx, attempt)
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	if wait > 0 {
		h.tooManyAttempts(c, p, wait)
		return nil, false
	}
	return &signinGate{h: h, ticket: ticket}, true
}

// succeeded takes the attempt off the failure count and gives the browser a device
// cookie for u.
func (g *signinGate) succeeded(c *gin.Context, u *account.User) {
	if err := g.h.limiter.Succeeded(c.Request.Context(), g.ticket); err != nil {
		g.h.Log.Warn("sign-in limits: could not take back a successful attempt", "err", err)
	}
	g.h.devices.issue(c, u)
}

// release counts an attempt that got no answer (the database was busy, say) neither way.
func (g *signinGate) release(c *gin.Context) {
	if err := g.h.limiter.Release(c.Request.Context(), g.ticket); err != nil {
		g.h.Log.Warn("sign-in limits: could not release an attempt", "err", err)
	}
}

// forgiveSignin clears an account's failures from unknown browsers after its owner reset
// the password through the mailbox.
func (h *Handler) forgiveSignin(c *gin.Context, email string) {
	if err := h.limiter.Forgive(c.Request.Context(), email); err != nil {
		h.Log.Warn("sign-in limits: could not forgive an account", "err", err)
	}
}

// waitWords says how long to wait in plain English: seconds under a minute, else minutes,
// rounded up.
func waitWords(wait time.Duration) (seconds int, words string) {
	seconds = max(1, int((wait+time.Second-1)/time.Second))
	if seconds < 60 {
		if seconds == 1 {
			return seconds, "1 second"
		}
		return seconds, strconv.Itoa(seconds) + " seconds"
	}
	minutes := (seconds + 59) / 60
	if minutes == 1 {
		return seconds, "1 minute"
	}
	return seconds, strconv.Itoa(minutes) + " minutes"
}

// tooManyAttempts answers 429 with the sign-in page and how long to wait.
func (h *Handler) tooManyAttempts(c *gin.Context, p Page, wait time.Duration) {
	seconds, words := waitWords(wait)
	c.Header("Retry-After", strconv.Itoa(seconds))
	p.Problem = problem.New(http.StatusTooManyRequests, "too_many_attempts",
		fmt.Sprintf("Too many attempts. Wait %s and try again.", words))
	h.page(c, http.StatusTooManyRequests, "login", p)
}
