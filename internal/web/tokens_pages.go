package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// tokenExpiryChoices are the expiry periods offered, in days; 0 is never.
var tokenExpiryChoices = map[string]int{"30": 30, "90": 90, "365": 365, "never": 0}

type tokensData struct {
	Tokens []account.Token
	Now    time.Time
}

// tokensPage lists the person's API tokens with a form to make another.
func (h *Handler) tokensPage(c *gin.Context) {
	h.renderTokens(c, http.StatusOK, nil, map[string]string{"expires": "90"})
}

func (h *Handler) renderTokens(c *gin.Context, status int, pe *problem.Error, form map[string]string) {
	list, err := h.Accounts.Tokens(c.Request.Context(), httpx.CurrentUser(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.page(c, status, "tokens", Page{Title: "API tokens", Problem: pe, Form: form, Data: tokensData{Tokens: list, Now: h.Now()}})
}

type tokenCreatedData struct {
	Token string
	Info  account.Token
}

// tokenCreate makes a token and shows it, once.
func (h *Handler) tokenCreate(c *gin.Context) {
	form := formValues(c, "name", "expires")
	v := problem.Validation{}
	name := strings.TrimSpace(form["name"])
	if name == "" {
		v.Add("name", "Enter a name for the token, such as the script that will use it")
	}
	days, ok := tokenExpiryChoices[form["expires"]]
	if !ok {
		v.Add("expires", "Choose when the token stops working")
	}
	n := account.NewToken{Name: name}
	if days > 0 {
		n.ExpiresAt = h.Now().Add(time.Duration(days) * 24 * time.Hour)
	}
	if len(v) == 0 {
		tok, info, err := h.Accounts.AddToken(c.Request.Context(), httpx.CurrentUser(c).ID, n)
		if err == nil {
			c.Header("Cache-Control", "no-store")
			h.page(c, http.StatusOK, "token-created", Page{Title: "Your new API token", Data: tokenCreatedData{Token: tok, Info: info}})
			return
		}
		if pe := h.correctable(c, err); pe != nil {
			h.renderTokens(c, pe.Status, pe, form)
		}
		return
	}
	pe := v.Err().(*problem.Error)
	h.renderTokens(c, pe.Status, pe, form)
}

// tokenRevoke deletes one of the person's own tokens; it stops working at once.
func (h *Handler) tokenRevoke(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err == nil {
		err = h.Accounts.RevokeToken(c.Request.Context(), httpx.CurrentUser(c).ID, id)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.redirect(c, "/my/tokens", "The token is revoked: it no longer works")
}

// adminTokenRevoke deletes a token of the person named in the path.
func (h *Handler) adminTokenRevoke(c *gin.Context) {
	personID, err := httpx.ParamID(c, "id")
	var tokenID int64
	if err == nil {
		tokenID, err = httpx.ParamID(c, "token")
	}
	if err == nil {
		err = h.Accounts.RevokeToken(c.Request.Context(), personID, tokenID)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.redirect(c, personURL(personID), "The API token is revoked: it no longer works")
}
