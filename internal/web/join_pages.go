package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/store"
)

// joinScope is the organisation whose requests the signed-in person may decide: their
// own for a manager, every one (0) for an admin.
func joinScope(c *gin.Context) int64 {
	me := httpx.CurrentUser(c)
	if me.IsAdmin() {
		return 0
	}
	return me.OrganisationID
}

type joinListData struct {
	Requests []account.JoinRequest
	AllOrgs  bool
}

// joinRequests lists the requests waiting for this person's decision.
func (h *Handler) joinRequests(c *gin.Context) {
	list, err := h.Accounts.WaitingJoinRequests(c.Request.Context(), joinScope(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.page(c, http.StatusOK, "join-requests", Page{Title: "Requests to join", Data: joinListData{Requests: list, AllOrgs: joinScope(c) == 0}})
}

type joinDecideData struct{ Request account.JoinRequest }

// joinRequest loads the request named in the path, within scope: another organisation's
// request is a 404, like one that does not exist.
func (h *Handler) joinRequest(c *gin.Context) (account.JoinRequest, bool) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return account.JoinRequest{}, false
	}
	j, err := h.Accounts.WaitingJoinRequest(c.Request.Context(), id, joinScope(c))
	if errors.Is(err, store.ErrNotFound) {
		if decided, derr := h.Accounts.JoinRequestDecided(c.Request.Context(), id, joinScope(c)); derr == nil && decided {
			h.redirect(c, "/join-requests", "Someone has already decided that request")
			return j, false
		}
	}
	if err != nil {
		h.fail(c, err)
		return j, false
	}
	return j, true
}

// joinRequestForm asks for the decision.
func (h *Handler) joinRequestForm(c *gin.Context) {
	j, ok := h.joinRequest(c)
	if !ok {
		return
	}
	h.page(c, http.StatusOK, "join-request", Page{Title: "Approve or decline " + j.Name, Data: joinDecideData{Request: j},
		Form: map[string]string{"decision": c.Query("decision")}})
}

// decideJoinRequest records the decision and emails the person.
func (h *Handler) decideJoinRequest(c *gin.Context) {
	j, ok := h.joinRequest(c)
	if !ok {
		return
	}
	p := Page{Title: "Approve or decline " + j.Name, Data: joinDecideData{Request: j}, Form: formValues(c, "decision")}
	approve, err := account.ParseJoinDecision(c.PostForm("decision"))
	if err != nil {
		h.formProblem(c, "join-request", p, err)
		return
	}
	err = h.Accounts.DecideJoinRequest(c.Request.Context(), j.ID, joinScope(c), httpx.CurrentUser(c).ID, approve)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, account.ErrJoinDecided) {
		h.redirect(c, "/join-requests", "Someone has already decided that request")
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	msg := j.Name + " has joined " + j.OrganisationName + " and can now book training"
	if !approve {
		msg = "You declined " + j.Name + "'s request to join " + j.OrganisationName
	}
	h.redirect(c, "/join-requests", msg)
}
