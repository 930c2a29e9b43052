package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/privacy"
	"github.com/traininghub/traininghub/internal/problem"
)

// myData explains what the download holds, with the one button that fetches it.
func (h *Handler) myData(c *gin.Context) {
	h.page(c, http.StatusOK, "my-data", Page{Title: "Download your data"})
}

// myDataZIP is the signed-in person's subject access download.
func (h *Handler) myDataZIP(c *gin.Context) {
	h.sendDataZIP(c, httpx.CurrentUser(c).ID)
}

// adminPersonDataZIP is the same download, produced by an admin for anyone.
func (h *Handler) adminPersonDataZIP(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	h.sendDataZIP(c, id)
}

func (h *Handler) sendDataZIP(c *gin.Context, userID int64) {
	x, err := h.Privacy.Collect(c.Request.Context(), userID)
	if err != nil {
		h.fail(c, err)
		return
	}
	body, err := h.Privacy.ZIP(x, h.siteBase(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	name := "personal-data-" + strconv.FormatInt(userID, 10) + "-" + x.GeneratedAt.In(clock.London).Format("2006-01-02") + ".zip"
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/zip", body)
}

type noticeData struct {
	Notice privacy.Notice
	Blocks []privacy.Block
}

// privacyNotice is the public privacy notice.
func (h *Handler) privacyNotice(c *gin.Context) {
	n, err := h.Privacy.Notice(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	h.page(c, http.StatusOK, "privacy", Page{Title: "Privacy notice", Data: noticeData{Notice: n, Blocks: h.Privacy.Blocks(n.Body)}})
}

type noticeFormData struct {
	Notice      privacy.Notice
	Versions    []privacy.Version
	Placeholder [2]string
	Retention   privacy.Retention
}

func (h *Handler) noticeFormPage(c *gin.Context) (Page, bool) {
	ctx := c.Request.Context()
	n, err := h.Privacy.Notice(ctx)
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	versions, err := h.Privacy.NoticeVersions(ctx)
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	return Page{Title: "Privacy notice", Form: map[string]string{privacy.FieldNotice: n.Body},
		Data: noticeFormData{Notice: n, Versions: versions, Retention: h.Privacy.Retention,
			Placeholder: [2]string{privacy.PlaceholderInactive, privacy.PlaceholderEmail}}}, true
}

// adminPrivacyForm lets an admin rewrite the privacy notice.
func (h *Handler) adminPrivacyForm(c *gin.Context) {
	if p, ok := h.noticeFormPage(c); ok {
		h.page(c, http.StatusOK, "admin-privacy", p)
	}
}

// adminPrivacySave stores a new version; the old ones are kept.
func (h *Handler) adminPrivacySave(c *gin.Context) {
	p, ok := h.noticeFormPage(c)
	if !ok {
		return
	}
	p.Form = formValues(c, privacy.FieldNotice)
	if err := h.Privacy.SaveNotice(c.Request.Context(), p.Form[privacy.FieldNotice], httpx.CurrentUser(c).ID); err != nil {
		h.formProblem(c, "admin-privacy", p, err)
		return
	}
	h.redirect(c, "/privacy", "The privacy notice is saved. This is how people see it.")
}

// errPersonErased refuses changes to an erased person: there is nobody left to change.
var errPersonErased = problem.Conflict("person_erased",
	"This person's record was erased, so it cannot be changed, enabled or merged.")
