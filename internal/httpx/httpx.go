// Package httpx holds what the HTML pages and the JSON API share: who is asking, what
// each route allows, and how errors become responses.
package httpx

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/problem"
)

const userKey = "httpx.user"

// SetUser records the signed-in user for this request.
func SetUser(c *gin.Context, u *account.User) { c.Set(userKey, u) }

// CurrentUser returns the signed-in user, or nil.
func CurrentUser(c *gin.Context) *account.User {
	if v, ok := c.Get(userKey); ok {
		u, _ := v.(*account.User)
		return u
	}
	return nil
}

// Policy says who may use a route. Every route has one; the route matrix test checks it.
type Policy struct {
	Public bool
	Roles  []account.Role // empty with Public false: any signed-in user
}

// Public routes need no sign-in.
var Public = Policy{Public: true}

// SignedIn routes need any signed-in user.
var SignedIn = Policy{}

// Roles allows signed-in users holding any of roles.
func Roles(roles ...account.Role) Policy { return Policy{Roles: roles} }

// Allows reports whether u may use a route with this policy.
func (p Policy) Allows(u *account.User) bool {
	if p.Public {
		return true
	}
	if u == nil || !u.Active {
		return false
	}
	if len(p.Roles) == 0 {
		return true
	}
	for _, r := range p.Roles {
		if u.Has(r) {
			return true
		}
	}
	return false
}

// Denial is how a refused request is answered: HTML pages and the API differ.
type Denial interface {
	Unauthenticated(c *gin.Context)
	Forbidden(c *gin.Context)
}

// Router registers routes, each with its policy, and remembers the policies so a test can
// prove that no route lacks one.
type Router struct {
	Group    gin.IRoutes
	Prefix   string
	Denial   Denial
	Policies map[string]Policy // "GET /path/:id" -> policy
	// Audit, when set, runs after the policy has let a request through and before its
	// handler, with the person known: the audit trail's hook.
	Audit gin.HandlerFunc
}

// Handle registers a route guarded by p.
func (r *Router) Handle(method, path string, p Policy, h ...gin.HandlerFunc) {
	r.Policies[method+" "+r.Prefix+path] = p
	guard := func(c *gin.Context) {
		u := CurrentUser(c)
		if p.Allows(u) {
			c.Next()
			return
		}
		if u == nil {
			r.Denial.Unauthenticated(c)
		} else {
			r.Denial.Forbidden(c)
		}
		c.Abort()
	}
	chain := []gin.HandlerFunc{guard}
	if r.Audit != nil {
		chain = append(chain, r.Audit)
	}
	r.Group.Handle(method, path, append(chain, h...)...)
}

// ParamID reads a positive integer path parameter; anything else is not found.
func ParamID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.NotFound
	}
	return id, nil
}

// Classify maps err to its public form, logs unexpected causes, and sets Retry-After on
// 503s. Callers render the returned error in their own format.
func Classify(c *gin.Context, log *slog.Logger, err error) *problem.Error {
	pub, unexpected := problem.From(err)
	if unexpected {
		log.Error("request failed", "method", c.Request.Method, "path", c.FullPath(), "status", pub.Status,
			"request_id", RequestID(c), "err", err)
	}
	if pub.Status == http.StatusServiceUnavailable {
		c.Header("Retry-After", pub.RetryAfterHeader())
	}
	return pub
}

// WantsJSON reports whether the request came to the API.
func WantsJSON(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, "/api/") }
