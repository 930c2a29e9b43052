package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
)

// passwordAccepted finishes a sign-in once the password is right: the one place where a
// further step (such as a second factor) can stand between the password and the session.
// An account with two-factor on goes to /login/two-factor unless this browser passed the
// second factor for it within the last 30 days.
func (h *Handler) passwordAccepted(c *gin.Context, u *account.User, next string) {
	ctx := c.Request.Context()
	tf, err := h.Accounts.TwoFactorStatus(ctx, u.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	if tf.Enabled && !h.browserRemembered(c, u, tf) {
		h.startSecondFactor(c, u, next)
		return
	}
	h.clearPending(c) // an earlier, unfinished code step for another account ends here
	if err := h.signIn(c, u); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, next)
}
