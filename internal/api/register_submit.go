package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/httpx"
)

// outcomeJSON is what submitting a register set in motion.
type outcomeJSON struct {
	CertificatesIssued    int `json:"certificates_issued"`
	AwaitingEvaluation    int `json:"awaiting_evaluation"`
	CertificatesWithdrawn int `json:"certificates_withdrawn"`
}

// submittedJSON is the register as submitted, with what submitting did.
type submittedJSON struct {
	registerJSON
	Outcome outcomeJSON `json:"outcome"`
}

// submitRegister does what the register page's "Submit and lock the register" does: it
// locks the register and issues certificates to those marked attended (or asks for their
// evaluation first). Marks are sent beforehand with PUT /bookings/{id}/attendance; a
// register with anyone unmarked is refused, as on the website.
func (h *Handler) submitRegister(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	me := httpx.CurrentUser(c)
	if _, err := h.trainedSession(ctx, me, id); err != nil {
		h.fail(c, notFoundAs(err, booking.ErrSessionNotFound))
		return
	}
	// The request has no fields; an empty body or {} is fine, anything else is a mistake.
	var body struct{}
	if err := decodeJSON(c, &body, true); err != nil {
		h.fail(c, err)
		return
	}
	out, err := h.Attendance.Submit(ctx, id, me.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	reg, err := h.Attendance.Load(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, submittedJSON{registerJSON: newRegisterJSON(reg), Outcome: newOutcomeJSON(out)})
}

func newOutcomeJSON(o attendance.Outcome) outcomeJSON {
	return outcomeJSON{CertificatesIssued: o.Issued, AwaitingEvaluation: o.Awaiting, CertificatesWithdrawn: o.Withdrawn}
}
