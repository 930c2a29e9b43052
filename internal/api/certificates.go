package api

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/certificate"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// errCertificateRevoked answers a download of a certificate an admin or a register
// correction withdrew: it is gone, as on the website.
var errCertificateRevoked = problem.New(http.StatusGone, "certificate_revoked",
	"This certificate has been withdrawn, so it cannot be downloaded.")

// certificatePDF sends a certificate as a PDF, drawn exactly as the website and the
// certificate email draw it. Its owner, the trainers of its session and admins may have
// it; for anyone else it does not exist, so codes cannot be confirmed by trying them.
func (h *Handler) certificatePDF(c *gin.Context) {
	ctx := c.Request.Context()
	k, err := h.Attendance.ByCode(ctx, c.Param("code"))
	if err != nil {
		h.fail(c, err)
		return
	}
	allowed, err := h.Attendance.MayDownloadCertificate(ctx, httpx.CurrentUser(c), k)
	if err != nil {
		h.fail(c, err)
		return
	}
	if !allowed {
		h.fail(c, attendance.ErrCertificateNotFound)
		return
	}
	if k.Revoked() {
		h.fail(c, errCertificateRevoked)
		return
	}
	body, err := certificate.PDF(k.Printable(h.Partnership, h.siteBase(c)+"/verify/"+k.Code))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="certificate-`+k.Code+`.pdf"`)
	c.Data(http.StatusOK, "application/pdf", body)
}

// certificatePDFURL is the absolute address of a certificate's PDF in this API.
func (h *Handler) certificatePDFURL(c *gin.Context, code string) string {
	return h.siteBase(c) + "/api/v1/certificates/" + url.PathEscape(code) + "/pdf"
}

// siteBase is the site's address without a trailing slash: the configured base URL, or
// else the address this request came to (as the website does).
func (h *Handler) siteBase(c *gin.Context) string {
	if u, err := url.Parse(strings.TrimSpace(h.BaseURL)); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		u.RawQuery, u.Fragment = "", ""
		return strings.TrimRight(u.String(), "/")
	}
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}
