package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/people"
	"github.com/traininghub/traininghub/internal/problem"
)

// adminMergeChoose finds the duplicate to merge into the person named in the path.
func (h *Handler) adminMergeChoose(c *gin.Context) {
	keep, ok := h.pathPerson(c)
	if !ok {
		return
	}
	d, q, pe, err := h.readPeopleSearch(c, personURL(keep.ID)+"/merge")
	if err != nil {
		h.fail(c, err)
		return
	}
	d.ExcludeID, d.MergeInto, d.KeepName = keep.ID, keep.ID, keep.Name
	q.IncludeDisabled = true // a duplicate may already have been switched off
	d.WithDisabled = true
	status := http.StatusOK
	if pe != nil {
		status = pe.Status
	} else if d.Searched {
		if d.People, d.More, err = h.Accounts.SearchPeople(c.Request.Context(), q); err != nil {
			h.fail(c, err)
			return
		}
	}
	h.page(c, status, "admin-people-merge", Page{Title: "Merge a duplicate account into " + keep.Name, Problem: pe, Data: d})
}

type mergeData struct {
	people.Plan
	Action string
}

// mergeIDs reads the account to keep (:id) and the duplicate (:duplicate). A path that is
// not a number is an unknown page; numbers that name no account are for Plan to explain.
func mergeIDs(c *gin.Context) (keep, dup int64, err error) {
	if keep, err = httpx.ParamID(c, "id"); err != nil {
		return 0, 0, err
	}
	dup, err = httpx.ParamID(c, "duplicate")
	return keep, dup, err
}

// adminMergeConfirm shows what a merge will move and how clashes will be settled, with the
// button that does it. Bad choices are explained here and nothing changes.
func (h *Handler) adminMergeConfirm(c *gin.Context) {
	keep, dup, err := mergeIDs(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	if h.refuseErased(c, keep, dup) {
		return
	}
	h.mergePage(c, keep, dup, http.StatusOK, nil)
}

func (h *Handler) mergePage(c *gin.Context, keep, dup int64, status int, pe *problem.Error) {
	plan, err := h.people().Plan(c.Request.Context(), httpx.CurrentUser(c).ID, keep, dup)
	if err != nil {
		if pe = h.correctable(c, err); pe != nil {
			h.page(c, pe.Status, "admin-people-merge-confirm", Page{Title: "These accounts cannot be merged", Problem: pe,
				Data: mergeData{}})
		}
		return
	}
	h.page(c, status, "admin-people-merge-confirm", Page{Title: "Merge " + plan.Duplicate.Name + " into " + plan.Keep.Name,
		Problem: pe, Data: mergeData{Plan: plan, Action: c.Request.URL.Path}})
}

// adminMerge does the merge in one transaction and shows the kept person's page.
func (h *Handler) adminMerge(c *gin.Context) {
	keep, dup, err := mergeIDs(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	if h.refuseErased(c, keep, dup) {
		return
	}
	rec, err := h.people().Merge(c.Request.Context(), httpx.CurrentUser(c).ID, keep, dup)
	if err != nil {
		if pe := h.correctable(c, err); pe != nil {
			h.page(c, pe.Status, "admin-people-merge-confirm", Page{Title: "These accounts cannot be merged", Problem: pe,
				Data: mergeData{}})
		}
		return
	}
	h.redirect(c, personURL(keep), "Merged: "+rec.MergedName+"'s account ("+rec.MergedEmail+") is now part of this one, and is disabled.")
}
