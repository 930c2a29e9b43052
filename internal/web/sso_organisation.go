package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/problem"
)

// Session keys for someone the provider vouched for who still has to choose among the
// organisations that share their email domain.
const (
	sessionSSOPendingIssuer  = "sso_pending_issuer"
	sessionSSOPendingSubject = "sso_pending_subject"
	sessionSSOPendingEmail   = "sso_pending_email"
	sessionSSOPendingName    = "sso_pending_name"
	sessionSSOPendingNext    = "sso_pending_next"
	sessionSSOPendingAt      = "sso_pending_at" // Unix seconds
)

// ssoPendingLifetime is how long the organisation choice may take.
const ssoPendingLifetime = 30 * time.Minute

func (h *Handler) putPending(c *gin.Context, id account.SSOIdentity, next string) {
	ctx := c.Request.Context()
	h.Sessions.Put(ctx, sessionSSOPendingIssuer, id.Issuer)
	h.Sessions.Put(ctx, sessionSSOPendingSubject, id.Subject)
	h.Sessions.Put(ctx, sessionSSOPendingEmail, id.Email)
	h.Sessions.Put(ctx, sessionSSOPendingName, id.Name)
	h.Sessions.Put(ctx, sessionSSOPendingNext, next)
	h.Sessions.Put(ctx, sessionSSOPendingAt, h.Now().Unix())
}

func (h *Handler) pending(c *gin.Context) (account.SSOIdentity, string, bool) {
	ctx := c.Request.Context()
	id := account.SSOIdentity{
		Issuer:  h.Sessions.GetString(ctx, sessionSSOPendingIssuer),
		Subject: h.Sessions.GetString(ctx, sessionSSOPendingSubject),
		Email:   h.Sessions.GetString(ctx, sessionSSOPendingEmail),
		Name:    h.Sessions.GetString(ctx, sessionSSOPendingName),
	}
	at := time.Unix(h.Sessions.GetInt64(ctx, sessionSSOPendingAt), 0)
	if id.Email == "" || h.Now().Sub(at) > ssoPendingLifetime {
		return account.SSOIdentity{}, "", false
	}
	return id, safeNext(h.Sessions.GetString(ctx, sessionSSOPendingNext)), true
}

func (h *Handler) dropPending(c *gin.Context) {
	ctx := c.Request.Context()
	for _, k := range []string{sessionSSOPendingIssuer, sessionSSOPendingSubject, sessionSSOPendingEmail,
		sessionSSOPendingName, sessionSSOPendingNext, sessionSSOPendingAt} {
		h.Sessions.Remove(ctx, k)
	}
}

type ssoOrganisationData struct {
	Email         string
	Organisations []account.Organisation
}

// ssoOrganisationPage loads the pending person and their domain's organisations, or
// answers with the page that says to start again.
func (h *Handler) ssoOrganisationPage(c *gin.Context) (Page, account.SSOIdentity, string, bool) {
	if !h.SSO.Enabled() {
		h.NotFound(c)
		return Page{}, account.SSOIdentity{}, "", false
	}
	id, next, ok := h.pending(c)
	if !ok {
		h.ssoProblem(c, http.StatusBadRequest, "Your sign-in has expired", ssoProblemData{
			Message: "We no longer have your sign-in from your organisation's sign-in service.",
			Advice:  "Start signing in again.",
			Retry:   true,
		})
		return Page{}, account.SSOIdentity{}, "", false
	}
	orgs, err := h.Accounts.OrganisationsForEmail(c.Request.Context(), id.Email)
	if err != nil {
		h.fail(c, err)
		return Page{}, account.SSOIdentity{}, "", false
	}
	if len(orgs) == 0 { // the domain was taken off every organisation meanwhile
		h.dropPending(c)
		h.ssoForeignDomain(c, id.Email)
		return Page{}, account.SSOIdentity{}, "", false
	}
	return Page{Title: "Choose your organisation", Data: ssoOrganisationData{Email: id.Email, Organisations: orgs}}, id, next, true
}

// ssoChooseForm asks someone on a shared domain (such as nhs.net) which organisation
// they work for, before their account is made.
func (h *Handler) ssoChooseForm(c *gin.Context) {
	p, _, _, ok := h.ssoOrganisationPage(c)
	if !ok {
		return
	}
	c.Header("Cache-Control", "no-store")
	h.page(c, http.StatusOK, "sso-organisation", p)
}

// ssoChoose makes the account in the chosen organisation, which must own the domain.
func (h *Handler) ssoChoose(c *gin.Context) {
	p, id, next, ok := h.ssoOrganisationPage(c)
	if !ok {
		return
	}
	p.Form = formValues(c, "organisation_id")
	chosen, _ := strconv.ParseInt(c.PostForm("organisation_id"), 10, 64)
	var orgID int64
	for _, o := range p.Data.(ssoOrganisationData).Organisations {
		if o.ID == chosen {
			orgID = o.ID
		}
	}
	if orgID == 0 {
		h.formProblem(c, "sso-organisation", p, problem.Validation{"organisation_id": "Choose your organisation"}.Err())
		return
	}
	h.dropPending(c)
	h.ssoCreate(c, id, orgID, next)
}
