package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/health"
	"github.com/traininghub/traininghub/internal/httpx"
)

// readyAnswer is /readyz's JSON: every check by name, and the names that failed.
type readyAnswer struct {
	Status  string            `json:"status"`
	Checks  map[string]string `json:"checks"`
	Failing []string          `json:"failing,omitempty"`
}

// registerReadyz adds GET /readyz: 200 when a booking made now would be saved and its
// email sent, 503 naming what is wrong. Public, for load balancers and monitors, so it
// says what failed and nothing more (no paths, figures or versions).
func registerReadyz(e *gin.Engine, policies map[string]httpx.Policy, r health.Readiness) {
	e.GET("/readyz", func(c *gin.Context) {
		ans := readyAnswer{Status: "ready", Checks: map[string]string{}}
		for _, ch := range r.Run(c.Request.Context()) {
			ans.Checks[ch.Name] = ch.Result
			if !ch.OK() {
				ans.Failing = append(ans.Failing, ch.Name)
			}
		}
		c.Header("Cache-Control", "no-store")
		if len(ans.Failing) > 0 {
			ans.Status = "not ready"
			c.Header("Retry-After", "30")
			c.JSON(http.StatusServiceUnavailable, ans)
			return
		}
		c.JSON(http.StatusOK, ans)
	})
	policies["GET /readyz"] = httpx.Public
}
