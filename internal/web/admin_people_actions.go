package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/httpx"
)

// adminPersonDisableForm asks the admin to confirm, saying what disabling does.
func (h *Handler) adminPersonDisableForm(c *gin.Context) {
	u, ok := h.pathPerson(c)
	if !ok {
		return
	}
	h.page(c, http.StatusOK, "admin-people-disable", Page{Title: "Disable " + u.Name + "'s account", Data: u})
}

// adminPersonDisable turns an account off and ends every way in at once.
func (h *Handler) adminPersonDisable(c *gin.Context) {
	u, ok := h.pathPerson(c)
	if !ok {
		return
	}
	ended, err := h.Accounts.SetPersonActive(c.Request.Context(), httpx.CurrentUser(c).ID, u.ID, false)
	if err != nil {
		h.personRefusal(c, u, err)
		return
	}
	msg := u.Name + "'s account is disabled."
	var parts []string
	if ended.Sessions > 0 {
		parts = append(parts, plural(ended.Sessions, "sign-in session", "sign-in sessions"))
	}
	if ended.APITokens > 0 {
		parts = append(parts, plural(ended.APITokens, "API token", "API tokens"))
	}
	if ended.Calendar {
		parts = append(parts, "their calendar feed")
	}
	if ended.PasswordLink > 0 {
		parts = append(parts, plural(ended.PasswordLink, "password link", "password links"))
	}
	if len(parts) > 0 {
		msg += " Ended: " + strings.Join(parts, ", ") + "."
	}
	h.redirect(c, personURL(u.ID), msg)
}

// adminPersonEnable lets a disabled person sign in again with their password.
func (h *Handler) adminPersonEnable(c *gin.Context) {
	u, ok := h.pathPerson(c)
	if !ok {
		return
	}
	if _, err := h.Accounts.SetPersonActive(c.Request.Context(), httpx.CurrentUser(c).ID, u.ID, true); err != nil {
		h.personRefusal(c, u, err)
		return
	}
	h.redirect(c, personURL(u.ID), u.Name+"'s account is enabled. They can sign in with their password, or ask for a new one.")
}

// adminPersonPasswordLink emails the person a single-use link to choose a new password.
func (h *Handler) adminPersonPasswordLink(c *gin.Context) {
	u, ok := h.pathPerson(c)
	if !ok {
		return
	}
	if err := h.Accounts.SendPasswordLink(c.Request.Context(), u.ID); err != nil {
		h.personRefusal(c, u, err)
		return
	}
	h.redirect(c, personURL(u.ID), "We have emailed "+u.Email+" a link to choose a new password. It works once, for an hour.")
}

// personRefusal shows a refusal the admin can act on at the top of the person's page
// (with its 4xx status; nothing was changed), and anything else on the error page.
func (h *Handler) personRefusal(c *gin.Context, u *account.User, err error) {
	if pe := h.correctable(c, err); pe != nil {
		h.showPerson(c, u, pe.Status, pe)
	}
}
