package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
)

// passwordAccepted finishes a sign-in once the password is right: the one place where a
// further step (such as a second factor) can stand between the password and the session.
func (h *Handler) passwordAccepted(c *gin.Context, u *account.User, next string) {
	if err := h.signIn(c, u); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, next)
}
