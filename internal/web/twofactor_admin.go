package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// AdminTwoFactor sends an admin without two-factor sign-in to set it up before any admin
// page, when the admin setting asks for it. It runs after LoadUser on every page.
func (h *Handler) AdminTwoFactor(c *gin.Context) {
	u := httpx.CurrentUser(c)
	path := c.Request.URL.Path
	if u == nil || !u.IsAdmin() || (path != "/admin" && !strings.HasPrefix(path, "/admin/")) {
		c.Next()
		return
	}
	ctx := c.Request.Context()
	required, err := h.Accounts.AdminTwoFactorRequired(ctx)
	if err == nil && required {
		var tf account.TwoFactor
		if tf, err = h.Accounts.TwoFactorStatus(ctx, u.ID); err == nil && !tf.Enabled {
			h.redirect(c, "/my/security", "Set up two-factor sign-in before you use the admin pages")
			c.Abort()
			return
		}
	}
	if err != nil {
		h.fail(c, err)
		c.Abort()
		return
	}
	c.Next()
}

// adminSetTwoFactor switches the admins' two-factor requirement on or off. Switching it on
// is refused while the admin doing it has no two-factor sign-in of their own, so nobody
// locks themselves out of the setting.
func (h *Handler) adminSetTwoFactor(c *gin.Context) {
	var required bool
	switch c.PostForm("admin_two_factor") {
	case "required":
		required = true
	case "optional":
	default:
		pe := problem.Validation{"admin_two_factor": "Choose whether admins must use two-factor sign-in"}.Err()
		h.dashboard(c, http.StatusUnprocessableEntity, pe.(*problem.Error))
		return
	}
	ctx := c.Request.Context()
	if required {
		tf, err := h.Accounts.TwoFactorStatus(ctx, httpx.CurrentUser(c).ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		if !tf.Enabled {
			pe := problem.Validation{"admin_two_factor": "Set up two-factor sign-in for your own account first, on the Account security page"}.Err()
			h.dashboard(c, http.StatusUnprocessableEntity, pe.(*problem.Error))
			return
		}
	}
	if err := h.Accounts.SetAdminTwoFactorRequired(ctx, required); err != nil {
		h.fail(c, err)
		return
	}
	msg := "Two-factor sign-in is optional for admins"
	if required {
		msg = "Admins must now use two-factor sign-in"
	}
	h.redirect(c, "/admin", msg)
}

// adminResetTwoFactor switches someone's two-factor sign-in off, for a person who has lost
// both their phone and their recovery codes. Remembered browsers stop counting too.
func (h *Handler) adminResetTwoFactor(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err == nil {
		_, err = h.Accounts.User(c.Request.Context(), id)
	}
	if err == nil {
		err = h.Accounts.ResetTwoFactor(c.Request.Context(), id)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.redirect(c, "/admin/people/"+c.Param("id"), "Two-factor sign-in is off for this person; they can set it up again")
}
