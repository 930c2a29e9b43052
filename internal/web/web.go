// Package web serves the HTML pages: server-rendered, usable without JavaScript.
package web

import (
	"context"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/people"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/alexedwards/scs/v2"
	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/audit"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/checkin"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/feed"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/impact"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/privacy"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/sso"
	"github.com/traininghub/traininghub/static"
	"github.com/traininghub/traininghub/templates"
)

// Handler holds what the pages need.
type Handler struct {
	Accounts *account.Service
	Courses  *course.Service
	Bookings *booking.Service
	Now      clock.Clock
	Log      *slog.Logger
	Sessions *scs.SessionManager
	SiteName string
	BaseURL  string
	Outbox   outbox.Log // the admin email log
	// Attendance runs registers, evaluations and certificates.
	Attendance  *attendance.Service
	Partnership string // printed on certificates
	// Guesses limits wrong certificate codes per address, shared with the API.
	Guesses *httpx.GuessLimiter
	// SSO is the OpenID Connect provider; nil when single sign-on is not configured.
	SSO *sso.Client
	// Privacy serves the UK GDPR pages; built with the default retention when nil.
	Privacy *privacy.Service
	// Compliance answers who has done their required training; People merges duplicate
	// accounts. server.New builds them; New makes them when a test leaves them nil.
	Compliance *compliance.Service
	People     *people.Service
	// Feeds lists the public's upcoming dates for the feeds, the embeddable listing and
	// course pages' schema.org data; New builds it from Courses when nil.
	Feeds *feed.Service
	// CheckIn runs QR self check-in at the venue; New builds it when nil, with a key
	// derived from the secret key file.
	CheckIn *checkin.Service
	// Impact takes answers to the "did it change practice?" follow-up; New builds it
	// when nil.
	Impact *impact.Service

	render  *renderer
	pages   *pageCache // rendered pages shared by visitors who are not signed in
	assets  assets
	limiter *account.SigninLimits
	devices *deviceCookies
}

// New parses every page template up front, so a broken template stops start-up.
func New(h Handler) (*Handler, error) {
	files, err := loadAssets(static.FS)
	if err != nil {
		return nil, err
	}
	r, err := newRenderer(templates.FS, files)
	if err != nil {
		return nil, err
	}
	h.render = r
	if h.Compliance == nil {
		h.Compliance = compliance.NewService(h.Accounts.DB, h.Now)
	}
	if h.People == nil {
		h.People = people.NewService(h.Accounts.DB, h.Accounts, h.Now)
	}
	if h.Feeds == nil {
		h.Feeds = &feed.Service{Courses: h.Courses, SiteName: h.SiteName}
	}
	if h.Impact == nil {
		h.Impact = impact.New(h.Accounts.DB, h.Now)
	}
	if h.Privacy == nil {
		h.Privacy = privacy.New(h.Accounts.DB, h.Attendance, h.Now, privacy.DefaultRetention, h.Partnership)
	}
	h.pages = &pageCache{}
	h.assets = files
	if err := h.setUpSignin(context.Background()); err != nil {
		return nil, err
	}
	if h.CheckIn == nil {
		h.CheckIn = checkin.NewService(h.Accounts.DB, h.Now, h.Accounts.Secrets.Derive("check-in"), h.Attendance)
	}
	return &h, nil
}

// Session keys.
const (
	sessionUserID   = "user_id"
	sessionSignedIn = "signed_in_at" // Unix seconds; sessions older than a password change end
	sessionFlash    = "flash"
)

// signIn starts a fresh session for u (a new token, so a fixed one cannot be reused).
func (h *Handler) signIn(c *gin.Context, u *account.User) error {
	ctx := c.Request.Context()
	if err := h.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.Sessions.Put(ctx, sessionUserID, u.ID)
	h.Sessions.Put(ctx, sessionSignedIn, h.Now().Unix())
	h.recordSignIn(c, u)
	h.auditSignIn(c, audit.SignIn, u.ID, "")
	return nil
}

// LoadUser reloads the signed-in user on every request, so disabling an account,
// removing a role or changing the password takes effect at once.
func (h *Handler) LoadUser(c *gin.Context) {
	id := h.Sessions.GetInt64(c.Request.Context(), sessionUserID)
	if id != 0 {
		u, err := h.Accounts.User(c.Request.Context(), id)
		signedIn := h.Sessions.GetInt64(c.Request.Context(), sessionSignedIn)
		stale := err == nil && !u.PasswordChangedAt.IsZero() && signedIn < u.PasswordChangedAt.Unix()
		switch {
		case err == nil && u.Active && !stale:
			httpx.SetUser(c, u)
		case err == nil || err == problem.NotFound || isNotFound(err):
			_ = h.Sessions.Destroy(c.Request.Context())
		default:
			h.fail(c, err)
			c.Abort()
			return
		}
	}
	c.Next()
}

// Unauthenticated sends people to sign in, then back where they were going.
func (h *Handler) Unauthenticated(c *gin.Context) {
	next := c.Request.URL.RequestURI()
	if c.Request.Method != http.MethodGet {
		next = c.Request.Referer()
		if u, err := url.Parse(next); err == nil {
			next = u.RequestURI()
		} else {
			next = "/"
		}
	}
	c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
}

// Forbidden explains that the page is not for this account.
func (h *Handler) Forbidden(c *gin.Context) {
	h.errorPage(c, problem.New(http.StatusForbidden, "forbidden", "Your account does not have access to this page."))
}

// NotFound is the page for unknown addresses.
func (h *Handler) NotFound(c *gin.Context) {
	if httpx.WantsJSON(c) {
		c.JSON(http.StatusNotFound, gin.H{"error": gin.H{"code": "not_found", "message": "No such endpoint."}})
		return
	}
	h.errorPage(c, problem.New(http.StatusNotFound, "not_found", "We could not find that page. Check the address, or start again from the course list."))
}

// MethodNotAllowed answers a wrong method with 405.
func (h *Handler) MethodNotAllowed(c *gin.Context) {
	if httpx.WantsJSON(c) {
		c.JSON(http.StatusMethodNotAllowed, gin.H{"error": gin.H{"code": "method_not_allowed", "message": "That method is not allowed here."}})
		return
	}
	h.errorPage(c, problem.New(http.StatusMethodNotAllowed, "method_not_allowed", "That action is not available on this page."))
}
