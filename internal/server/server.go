// Package server wires the HTML pages, the JSON API and the middleware into one handler.
package server

import (
	"context"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/people"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/api"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/audit"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/health"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/metrics"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/privacy"
	"github.com/traininghub/traininghub/internal/sso"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/web"
)

// Config is what an operator chooses.
type Config struct {
	BaseURL        string // e.g. https://training.example.org; decides Secure cookies
	SiteName       string
	Partnership    string // the partnership's name, printed on certificates
	TrustedProxies []string
	// OIDC turns on single sign-on when its Issuer is set; the redirect URL is
	// BaseURL + /login/sso/callback.
	OIDC sso.Config
	// Retention is how long personal data is kept; nil: privacy.DefaultRetention.
	Retention *privacy.Retention
	// Ready are the checks /readyz runs besides the database's own (writable, not full,
	// migrations current): serve adds disk space and the mail worker's heartbeat.
	Ready []health.Check
	// MetricsToken is the bearer token a scraper presents at GET /metrics; empty: no
	// /metrics route at all.
	MetricsToken string
}

// Deps are the services the server uses; one struct, no globals.
type Deps struct {
	DB       *store.DB
	Accounts *account.Service
	Courses  *course.Service
	Bookings *booking.Service
	// Attendance runs registers and certificates; built from the others when nil.
	Attendance *attendance.Service
	Now        clock.Clock
	Log        *slog.Logger
	// Metrics, when set, is fed by every request, write and booking outcome.
	Metrics *metrics.Metrics
}

// Server is the assembled application.
type Server struct {
	Handler  http.Handler
	Engine   *gin.Engine
	Policies map[string]httpx.Policy
	Sessions *scs.SessionManager
}

// New builds the handler.
func New(cfg Config, d Deps) (*Server, error) {
	if cfg.SiteName == "" {
		cfg.SiteName = "Safeguarding Children Partnership training"
	}
	if cfg.Partnership == "" {
		cfg.Partnership = "Safeguarding Children Partnership"
	}
	// The services every handler shares, built once here.
	if d.Attendance == nil {
		d.Attendance = attendance.NewService(d.DB, d.Accounts, d.Now)
	}
	complianceSvc := compliance.NewService(d.DB, d.Now)
	peopleSvc := people.NewService(d.DB, d.Accounts, d.Now)
	// Wrong certificate codes: 30 per address per 10 minutes, pages and API together.
	guesses := httpx.NewGuessLimiter(d.Now, 30, 10*time.Minute)
	secure := strings.HasPrefix(strings.ToLower(cfg.BaseURL), "https://")

	sessions := scs.New()
	sessions.Store = account.SessionStore{DB: d.DB} // scs sets expiry by the system clock, so the store judges it by the same
	sessions.Lifetime = 12 * time.Hour
	sessions.IdleTimeout = 2 * time.Hour
	sessions.Cookie.Name = "th_session"
	sessions.Cookie.HttpOnly = true
	sessions.Cookie.SameSite = http.SameSiteLaxMode
	sessions.Cookie.Secure = secure
	sessions.Cookie.Path = "/"
	sessions.ErrorFunc = sessionError(d.Log, cfg.SiteName)

	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	if err := e.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, err
	}
	e.HandleMethodNotAllowed = true
	e.Use(requestLog(d.Log), recovery(d.Log))
	policies := map[string]httpx.Policy{}
	if d.Metrics != nil {
		d.DB.Observe = d.Metrics.Write
		d.Bookings.Outcome = d.Metrics.Booking
		e.Use(d.Metrics.Middleware())
		if cfg.MetricsToken != "" {
			e.GET("/metrics", gin.WrapH(d.Metrics.Handler(cfg.MetricsToken)))
			policies["GET /metrics"] = httpx.Public // the handler asks for the token itself
		}
	}

	e.GET("/healthz", func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := d.DB.Ping(ctx); err != nil {
			c.String(http.StatusServiceUnavailable, "database unavailable\n")
			return
		}
		c.String(http.StatusOK, "ok\n")
	})
	policies["GET /healthz"] = httpx.Public
	ready := append([]health.Check{health.DatabaseWritable(d.DB), health.StorageNotFull(d.DB, time.Minute),
		health.MigrationsCurrent(d.DB)}, cfg.Ready...)
	e.GET("/readyz", health.Handler(ready))
	policies["GET /readyz"] = httpx.Public

	apiGroup := e.Group("/api/v1", api.Authenticate(d.Accounts, d.Log))
	trail := auditTrail(d.DB, d.Now)
	d.DB.AfterWrite = audit.AfterWrite(d.Now)
	apiRouter := &httpx.Router{Group: apiGroup, Prefix: "/api/v1", Denial: api.Denial{}, Policies: policies, Audit: trail}
	api.Register(apiRouter, api.Handler{Accounts: d.Accounts, Courses: d.Courses, Bookings: d.Bookings,
		Attendance: d.Attendance, Now: d.Now, Log: d.Log, BaseURL: cfg.BaseURL, Partnership: cfg.Partnership,
		Guesses: guesses, Compliance: complianceSvc})

	retention := privacy.DefaultRetention
	if cfg.Retention != nil {
		retention = *cfg.Retention
	}
	oidcCfg := cfg.OIDC
	oidcCfg.RedirectURL = strings.TrimSuffix(cfg.BaseURL, "/") + "/login/sso/callback"
	w, err := web.New(web.Handler{
		Accounts: d.Accounts, Courses: d.Courses, Bookings: d.Bookings, Now: d.Now, Log: d.Log,
		Sessions: sessions, SiteName: cfg.SiteName, BaseURL: cfg.BaseURL, Outbox: outbox.Log{DB: d.DB},
		Attendance: d.Attendance, Partnership: cfg.Partnership, Guesses: guesses,
		SSO:        sso.New(oidcCfg),
		Privacy:    privacy.New(d.DB, d.Attendance, d.Now, retention, cfg.Partnership),
		Compliance: complianceSvc, People: peopleSvc,
	})
	if err != nil {
		return nil, err
	}
	pages := e.Group("/", w.LoadUser, w.AdminTwoFactor)
	webRouter := &httpx.Router{Group: pages, Prefix: "", Denial: w, Policies: policies, Audit: trail}
	w.Register(webRouter)
	e.NoRoute(w.NotFound)
	e.NoMethod(w.MethodNotAllowed)

	cop := http.NewCrossOriginProtection()
	if cfg.BaseURL != "" {
		if u, err := url.Parse(cfg.BaseURL); err == nil && u.Host != "" {
			_ = cop.AddTrustedOrigin(u.Scheme + "://" + u.Host)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "This form was sent from another site, so it was refused. Go back, reload the page and try again.", http.StatusForbidden)
	}))
	handler := withSecurityHeaders(withHeadAsGet(withGzip(cop.Handler(sessions.LoadAndSave(e)))), secure)
	return &Server{Handler: handler, Engine: e, Policies: policies, Sessions: sessions}, nil
}

// HTTPServer wraps the handler with timeouts, since gin's Run sets none.
func HTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}
