// Package api is the JSON API under /api/v1, authenticated by bearer tokens.
package api

import (
	"github.com/traininghub/traininghub/internal/compliance"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// Handler holds what the endpoints need.
type Handler struct {
	Accounts    *account.Service
	Courses     *course.Service
	Bookings    *booking.Service
	Attendance  *attendance.Service
	Now         clock.Clock
	Log         *slog.Logger
	BaseURL     string // for verification links
	Partnership string
	Guesses     *httpx.GuessLimiter // wrong certificate codes per address, shared with the pages
	// Compliance answers the completion report; server.New builds it, Register makes it
	// when a test leaves it nil.
	Compliance *compliance.Service
}

// Authenticate reads "Authorization: Bearer TOKEN". A missing header leaves the request
// anonymous (public endpoints still work); a bad token is refused outright.
func Authenticate(accounts *account.Service, log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		if h == "" {
			c.Next()
			return
		}
		// The scheme is case-insensitive (RFC 9110); the token is not.
		scheme, token, _ := strings.Cut(strings.TrimSpace(h), " ")
		token = strings.TrimSpace(token)
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			Denial{}.Unauthenticated(c)
			c.Abort()
			return
		}
		u, err := accounts.UserByToken(c.Request.Context(), token)
		if err != nil {
			pe := httpx.Classify(c, log, err)
			if pe.Status == http.StatusNotFound {
				c.Header("WWW-Authenticate", `Bearer realm="traininghub", error="invalid_token"`)
				pe = problem.New(http.StatusUnauthorized, "unauthenticated", "That API token is not valid.")
			}
			writeError(c, pe)
			c.Abort()
			return
		}
		httpx.SetUser(c, u)
		c.Next()
	}
}

// Denial answers refused API requests with 401 or 403 JSON errors.
type Denial struct{}

// Unauthenticated is a 401.
func (Denial) Unauthenticated(c *gin.Context) {
	c.Header("WWW-Authenticate", `Bearer realm="traininghub"`)
	writeError(c, problem.New(http.StatusUnauthorized, "unauthenticated", "Send an API token as: Authorization: Bearer TOKEN."))
}

// Forbidden is a 403.
func (Denial) Forbidden(c *gin.Context) {
	writeError(c, problem.New(http.StatusForbidden, "forbidden", "Your account may not do this."))
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func writeError(c *gin.Context, pe *problem.Error) {
	if pe.Status == http.StatusServiceUnavailable {
		c.Header("Retry-After", pe.RetryAfterHeader())
	}
	c.JSON(pe.Status, errorBody{Error: errorDetail{Code: pe.Code, Message: pe.Message, Fields: pe.Fields}})
}

// fail logs unexpected errors and writes the public JSON error.
func (h *Handler) fail(c *gin.Context, err error) {
	writeError(c, httpx.Classify(c, h.Log, err))
}

// Register adds every API route with its policy.
func Register(r *httpx.Router, h Handler) {
	if h.Compliance == nil {
		h.Compliance = compliance.NewService(h.Accounts.DB, h.Now)
	}
	h.register(r)
}
