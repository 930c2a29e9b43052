package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// adminSSOSetting is the single sign-on part of the admin dashboard.
type adminSSOSetting struct {
	Enabled bool
	Label   string
}

// adminSSO reads the button label for the dashboard; after a refused change it shows what
// the admin typed.
func (h *Handler) adminSSO(c *gin.Context) (adminSSOSetting, error) {
	s := adminSSOSetting{Enabled: h.SSO.Enabled()}
	if c.Request.Method == http.MethodPost && c.FullPath() == "/admin/settings/sso-label" {
		s.Label = c.PostForm("sso_label")
		return s, nil
	}
	label, err := h.Accounts.SSOButtonLabel(c.Request.Context())
	s.Label = label
	return s, err
}

// adminSetSSOLabel changes the text of the single sign-on button on the sign-in page.
func (h *Handler) adminSetSSOLabel(c *gin.Context) {
	if !h.SSO.Enabled() {
		h.NotFound(c)
		return
	}
	if err := h.Accounts.SetSSOButtonLabel(c.Request.Context(), c.PostForm("sso_label")); err != nil {
		pe := h.correctable(c, err)
		if pe == nil {
			return
		}
		h.dashboard(c, pe.Status, pe)
		return
	}
	h.redirect(c, "/admin", "The single sign-on button has been changed")
}
