package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

type securityData struct {
	TwoFactor     account.TwoFactor
	AdminRequired bool // this person is an admin and the setting is on
	Tokens        int
}

// securityPage shows two-factor sign-in and API tokens for the signed-in person.
func (h *Handler) securityPage(c *gin.Context) {
	h.renderSecurity(c, http.StatusOK, nil, nil)
}

func (h *Handler) renderSecurity(c *gin.Context, status int, pe *problem.Error, form map[string]string) {
	ctx := c.Request.Context()
	u := httpx.CurrentUser(c)
	tf, err := h.Accounts.TwoFactorStatus(ctx, u.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := securityData{TwoFactor: tf}
	if u.IsAdmin() {
		if d.AdminRequired, err = h.Accounts.AdminTwoFactorRequired(ctx); err != nil {
			h.fail(c, err)
			return
		}
	}
	tokens, err := h.Accounts.Tokens(ctx, u.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	d.Tokens = len(tokens)
	h.page(c, status, "security", Page{Title: "Account security", Problem: pe, Form: form, Data: d})
}

// twoFactorStart makes a new secret and shows it for the authenticator app.
func (h *Handler) twoFactorStart(c *gin.Context) {
	if _, err := h.Accounts.StartTOTP(c.Request.Context(), httpx.CurrentUser(c), h.SiteName); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/my/security/two-factor/setup")
}

type twoFactorSetupData struct {
	Secret string // grouped in fours for reading
	QR     template.URL
	QRSize int // pixels
}

func (h *Handler) twoFactorSetupPage(c *gin.Context) (Page, bool) {
	setup, err := h.Accounts.PendingTOTP(c.Request.Context(), httpx.CurrentUser(c), h.SiteName)
	if isNotFound(err) {
		h.redirect(c, "/my/security", "")
		return Page{}, false
	}
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	qr, size, err := qrDataURI(setup.URL)
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	return Page{Title: "Set up two-factor sign-in", Data: twoFactorSetupData{Secret: groupsOf4(setup.Secret), QR: qr, QRSize: size}}, true
}

func groupsOf4(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// twoFactorSetupForm shows the secret as a QR code and as text, and asks for a first code.
func (h *Handler) twoFactorSetupForm(c *gin.Context) {
	p, ok := h.twoFactorSetupPage(c)
	if !ok {
		return
	}
	h.page(c, http.StatusOK, "security-two-factor-setup", p)
}

// twoFactorConfirm switches two-factor on when the first code is right, and shows the
// recovery codes, once.
func (h *Handler) twoFactorConfirm(c *gin.Context) {
	u := httpx.CurrentUser(c)
	code := strings.TrimSpace(c.PostForm("code"))
	var codes []string
	var err error
	if code == "" {
		err = problem.Validation{"code": "Enter the 6-digit code from your authenticator app"}.Err()
	} else {
		codes, err = h.Accounts.ConfirmTOTP(c.Request.Context(), u.ID, code)
	}
	if err != nil {
		p, ok := h.twoFactorSetupPage(c)
		if ok {
			h.formProblem(c, "security-two-factor-setup", p, err)
		}
		return
	}
	h.showRecoveryCodes(c, codes, "Two-factor sign-in is on")
}

func (h *Handler) showRecoveryCodes(c *gin.Context, codes []string, title string) {
	c.Header("Cache-Control", "no-store")
	h.page(c, http.StatusOK, "security-recovery-codes", Page{Title: title, Data: codes})
}

// twoFactorDisable switches two-factor off with a current code.
func (h *Handler) twoFactorDisable(c *gin.Context) {
	u := httpx.CurrentUser(c)
	code := strings.TrimSpace(c.PostForm("code"))
	var err error
	if code == "" {
		err = problem.Validation{"code": "Enter the 6-digit code from your authenticator app"}.Err()
	} else {
		err = h.Accounts.DisableTOTP(c.Request.Context(), u.ID, code)
	}
	if err != nil {
		if pe := h.correctable(c, err); pe != nil {
			h.renderSecurity(c, pe.Status, pe, nil)
		}
		return
	}
	h.redirect(c, "/my/security", "Two-factor sign-in is off")
}

// recoveryCodesRenew replaces the recovery codes, with a current code.
func (h *Handler) recoveryCodesRenew(c *gin.Context) {
	u := httpx.CurrentUser(c)
	ctx := c.Request.Context()
	code := strings.TrimSpace(c.PostForm("renew_code"))
	ok := false
	var err error
	if code != "" {
		ok, err = h.Accounts.CheckTOTP(ctx, u.ID, code)
		if err != nil {
			h.fail(c, err)
			return
		}
	}
	if !ok {
		msg := "Enter the 6-digit code from your authenticator app"
		if code != "" {
			msg = "That code is not right. Enter the code your authenticator app shows now"
		}
		pe := problem.Validation{"renew_code": msg}.Err().(*problem.Error)
		h.renderSecurity(c, pe.Status, pe, nil)
		return
	}
	codes, err := h.Accounts.NewRecoveryCodes(ctx, u.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.showRecoveryCodes(c, codes, "New recovery codes")
}
