package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/audit"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/store"
)

// readsOfOthers are the pages and exports that show other people's records: each view
// is recorded before it is shown.
var readsOfOthers = []string{
	"GET /admin/people/:id", "GET /admin/people/:id/data.zip",
	"GET /admin/sessions/:id",
	"GET /admin/courses/:id/evaluations", "GET /partner/courses/:id/evaluations",
	"GET /partner/sessions/:id",
	"GET /manager/people/:id", "GET /manager/matrix.csv", "GET /manager/approvals/:id",
	"GET /trainer/sessions/:id/register", "GET /trainer/sessions/:id/register.csv",
	"GET /trainer/sessions/:id/sign-in-sheet", "GET /trainer/sessions/:id/sign-in-sheet.pdf",
	"GET /admin/reports/attendance.csv", "GET /admin/reports/courses.csv", "GET /admin/reports/sessions.csv",
	"GET /admin/reports/charges", "GET /admin/reports/charges.csv", "GET /admin/reports/charges/:id",
	"GET /api/v1/sessions/:id/register", "GET /api/v1/reports/completion",
}

// auditTrail records reads of others' records before they are shown (a read that cannot
// be recorded is not shown), and marks each change by someone who runs the programme so
// that its first write records it in the same transaction.
func auditTrail(db *store.DB, now clock.Clock) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := httpx.CurrentUser(c)
		route := c.Request.Method + " " + c.FullPath()
		ev := audit.Event{ActorID: actorID(u), RemoteAddr: c.ClientIP(), RequestID: httpx.RequestID(c), Route: route}
		switch {
		case slices.Contains(readsOfOthers, route):
			ev.Action, ev.At = audit.Read, now()
			ev.SubjectType, ev.SubjectID = subjectOf(c)
			ev.Summary = audit.Describe(c.Request.URL.Query())
			if err := audit.RecordAlone(c.Request.Context(), db, ev); err != nil {
				c.Header("Retry-After", "5")
				c.String(http.StatusServiceUnavailable, "This page shows other people's records, and this view could not be noted in the audit trail, so it is not shown. Please try again in a moment.\n")
				c.Abort()
				return
			}
		case changes(c.Request.Method) && runsProgramme(u):
			ev.Action = audit.Change
			c.Request = c.Request.WithContext(audit.WithPending(c.Request.Context(), ev, func() (string, int64, string) {
				kind, id := subjectOf(c)
				return kind, id, audit.Describe(c.Request.PostForm)
			}))
		}
		c.Next()
	}
}

func actorID(u *account.User) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}

func changes(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch || method == http.MethodDelete
}

// runsProgramme: admins, partners, trainers and managers act on others; a
// practitioner's own bookings are in booking history already.
func runsProgramme(u *account.User) bool {
	return u.IsAdmin() || u.IsPartner() || u.IsTrainer() || u.IsManager()
}

// subjectOf names what a route acts on from its path: /admin/courses/:id is
// ("courses", id).
func subjectOf(c *gin.Context) (string, int64) {
	parts := strings.Split(strings.Trim(c.FullPath(), "/"), "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") && i > 0 {
			id, err := httpx.ParamID(c, p[1:])
			if err != nil {
				return parts[i-1], 0
			}
			return parts[i-1], id
		}
	}
	if len(parts) > 1 {
		return parts[len(parts)-1], 0
	}
	return parts[0], 0
}
