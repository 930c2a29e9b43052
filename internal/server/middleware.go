package server

import (
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/httpx"
)

// maxBodyBytes caps every request body: no form here needs more, and Go would otherwise
// parse up to 10 MB of a form post. (The API applies its own, smaller cap.)
const maxBodyBytes = 256 << 10

// bodyLimit is maxBodyBytes for every request but the upload of a meeting's attendance
// report, which may be a few megabytes.
func bodyLimit(r *http.Request) int64 {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/register/report") {
		return attendance.MaxReportBytes + 64<<10
	}
	return maxBodyBytes
}

// pagePolicy is every page's content security policy: nothing from other sites, no inline
// script or style, and no framing by any site, so nobody can overlay our buttons.
const pagePolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// framedPolicy is the policy of the embeddable listings: any site may frame them (that
// is their purpose), and since they hold only public dates, run no script and have no
// forms, a frame around them has nothing to trick anyone into doing.
const framedPolicy = "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'none'; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors *"

// framable reports whether other sites may show the address in a frame: the embeddable
// listings (/embed/...) only.
func framable(path string) bool { return strings.HasPrefix(path, "/embed/") }

// withSecurityHeaders applies the baseline headers to every response, including those
// written outside Gin (the cross-site refusal, a busy session store), and caps request
// bodies. Framing is refused everywhere but the embeddable listings. Pages carry
// personal data, so nothing but static files and public listings (which say so
// themselves) may be cached. When the site's base URL is https, every response also tells
// browsers to use nothing but https for a year (HSTS); never when it is plain http, where
// it would lock visitors out of a site without TLS.
func withSecurityHeaders(next http.Handler, https bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if framable(r.URL.Path) {
			h.Set("Content-Security-Policy", framedPolicy)
		} else {
			h.Set("Content-Security-Policy", pagePolicy)
			h.Set("X-Frame-Options", "DENY")
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cache-Control", "no-store") // static files set their own
		if https {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}

		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, bodyLimit(r))
		}
		next.ServeHTTP(w, r)
	})
}

// recovery turns a panic into a logged 500 without leaking the cause.
func recovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic", "path", c.Request.URL.Path, "value", v, "stack", string(debug.Stack()))
				c.AbortWithStatus(http.StatusInternalServerError)
			}
		}()
		c.Next()
	}
}

// requestLog gives every request a reference (the proxy's X-Request-Id when it is sane,
// otherwise a random one), returns it in X-Request-Id, and writes one log line when the
// request ends. The line names the route pattern (/sessions/:id), never the raw URL, so
// tokens in paths or query strings (calendar feeds, reset links) stay out of the log.
func requestLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		id := c.GetHeader(httpx.RequestIDHeader)
		if !httpx.SaneRequestID(id) {
			id = httpx.NewRequestID()
		}
		httpx.SetRequestID(c, id)
		c.Header(httpx.RequestIDHeader, id)
		c.Next()

		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		status := c.Writer.Status()
		attrs := []slog.Attr{
			slog.String("method", c.Request.Method),
			slog.String("route", route),
			slog.Int("status", status),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.Int("bytes", max(0, c.Writer.Size())),
			slog.String("request_id", id),
		}
		if u := httpx.CurrentUser(c); u != nil {
			attrs = append(attrs, slog.Int64("user_id", u.ID))
		}
		level := slog.LevelInfo
		if status >= http.StatusInternalServerError {
			level = slog.LevelWarn
		}
		log.LogAttrs(c.Request.Context(), level, "request", attrs...)
	}
}
