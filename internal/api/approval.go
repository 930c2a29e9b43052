package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/approval"
)

// approvalRequestJSON answers POST /sessions/{id}/bookings on a course that needs a
// manager's approval: a request, not a booking.
type approvalRequestJSON struct {
	ID        int64      `json:"id"`
	SessionID int64      `json:"session_id"`
	Status    string     `json:"status"`
	Held      bool       `json:"held"`       // a place is held until hold_until
	HoldUntil *time.Time `json:"hold_until"` // null when no place is held
	// ManagersNotified: 0 means nobody manages the person's organisation here, so the
	// training team must decide.
	ManagersNotified int `json:"managers_notified"`
}

// requestApproval sends a request to the person's managers instead of booking, when the
// session's course needs approval. It reports whether it answered. 202 Accepted: nothing
// is booked until a manager approves.
func (h *Handler) requestApproval(c *gin.Context, sessionID int64, person *account.User) bool {
	svc := approval.New(h.Bookings)
	ctx := c.Request.Context()
	needed, err := svc.Needed(ctx, sessionID)
	if err != nil {
		h.fail(c, err)
		return true
	}
	if !needed {
		return false
	}
	res, err := svc.Request(ctx, sessionID, person.ID, person.ID)
	if err != nil {
		h.fail(c, err)
		return true
	}
	r := res.Request
	out := approvalRequestJSON{ID: r.ID, SessionID: r.SessionID, Status: string(r.Status), Held: r.Held,
		ManagersNotified: res.ManagersNotified}
	if r.Held {
		t := r.HoldUntil.UTC()
		out.HoldUntil = &t
	}
	c.JSON(http.StatusAccepted, gin.H{"approval_request": out})
	return true
}
