package web

import (
	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/audit"
	"github.com/traininghub/traininghub/internal/httpx"
)

// auditSignIn notes a sign-in or a failed one in the audit trail. A sign-in is not
// refused because the note could not be written; the failure is logged as an error.
func (h *Handler) auditSignIn(c *gin.Context, action string, actorID int64, summary string) {
	ev := audit.Event{At: h.Now(), ActorID: actorID, RemoteAddr: c.ClientIP(), RequestID: httpx.RequestID(c),
		Action: action, Route: c.Request.Method + " " + c.FullPath(), SubjectType: "people", SubjectID: actorID, Summary: summary}
	if err := audit.RecordAlone(c.Request.Context(), h.Accounts.DB, ev); err != nil {
		h.Log.Error("audit trail: sign-in not recorded", "action", action, "user", actorID, "err", err)
	}
}
