package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/httpx"
)

// resendConfirmation emails a fresh confirmation link: 202 when one was queued, 200 when
// the address is already confirmed (nothing to send), 429 while 3 links still work.
func (h *Handler) resendConfirmation(c *gin.Context) {
	me := httpx.CurrentUser(c)
	if me.EmailConfirmed {
		c.JSON(http.StatusOK, gin.H{"email": me.Email, "confirmed": true})
		return
	}
	err := h.Accounts.ResendConfirmation(c.Request.Context(), me.ID)
	if errors.Is(err, account.ErrTooManyConfirmLinks) {
		c.Header("Retry-After", "3600")
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"email": me.Email, "confirmed": false, "sent": true})
}
