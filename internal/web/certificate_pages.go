package web

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/certificate"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// certificateCode is the code in the path, without the ".pdf" a download link ends in.
func certificateCode(c *gin.Context) string {
	return strings.TrimSuffix(c.Param("code"), ".pdf")
}

// verifyURL is where a certificate's QR code and printed link lead.
func (h *Handler) verifyURL(c *gin.Context, code string) string {
	return h.siteBase(c) + "/verify/" + code
}

// certificatePDF downloads a certificate for those attendance.MayDownloadCertificate
// allows, as the API does: its owner, an admin, or a trainer of its session. Anyone else
// is told it does not exist, so codes cannot be confirmed by trying them here; a revoked
// certificate is gone (410) for everyone.
func (h *Handler) certificatePDF(c *gin.Context) {
	k, err := h.Attendance.ByCode(c.Request.Context(), certificateCode(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	allowed, err := h.Attendance.MayDownloadCertificate(c.Request.Context(), httpx.CurrentUser(c), k)
	if err != nil {
		h.fail(c, err)
		return
	}
	if !allowed {
		h.fail(c, attendance.ErrCertificateNotFound)
		return
	}
	if k.Revoked() {
		h.page(c, http.StatusGone, "certificate-revoked", Page{Title: "This certificate has been withdrawn", Data: k})
		return
	}
	body, err := certificate.PDF(k.Printable(h.Partnership, h.verifyURL(c, k.Code)))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="certificate-`+k.Code+`.pdf"`)
	c.Data(http.StatusOK, "application/pdf", body)
}

// verifier answers the public verification pages, with its own rate limit.
type verifier struct {
	h       *Handler
	limiter *httpx.GuessLimiter
}

// verifyData is all the verification page may say about a certificate: the person's
// name, the course and the dates, never their email, organisation or anything else.
type verifyData struct {
	Code      string
	State     string // valid, expired, revoked or erased
	Name      string
	Course    string
	Completed string
	Expires   string // "" when the training does not expire
	CanManage bool   // an admin is looking: offer the admin page
}

// verifyFormData says whether the form follows a code that was not found.
type verifyFormData struct{ NotFound bool }

// errCodeShape is the form's answer to something that cannot be a code.
var errCodeShape = problem.Validation{"code": "Enter the code as it is printed on the certificate: " +
	"20 letters and numbers, like 7Q2KD-M9XWT-0BZ4H-RC5NE"}.Err()

// form asks for a code; once one is typed it goes to that code's page.
func (v *verifier) form(c *gin.Context) {
	raw, asked := c.GetQuery("code")
	p := Page{Title: "Check a certificate", Form: map[string]string{"code": raw}, Data: verifyFormData{}}
	if !asked {
		v.h.page(c, http.StatusOK, "verify", p)
		return
	}
	code := certificate.NormaliseCode(raw)
	if code == "" {
		err := errCodeShape
		if strings.TrimSpace(raw) == "" {
			err = problem.Validation{"code": "Enter the certificate code"}.Err()
		}
		p.Problem, _ = problem.From(err)
		v.h.page(c, http.StatusUnprocessableEntity, "verify", p)
		return
	}
	c.Redirect(http.StatusSeeOther, "/verify/"+code)
}

// result says whether a certificate is valid, expired or revoked.
func (v *verifier) result(c *gin.Context) {
	h := v.h
	if wait := v.limiter.Wait(c.ClientIP()); wait > 0 {
		h.tooManyLookups(c, wait)
		return
	}
	k, err := h.Attendance.ByCode(c.Request.Context(), c.Param("code"))
	if errors.Is(err, attendance.ErrCertificateNotFound) {
		v.limiter.Miss(c.ClientIP())
		h.page(c, http.StatusNotFound, "verify", Page{Title: "We could not find a certificate with that code",
			Form: map[string]string{"code": c.Param("code")}, Data: verifyFormData{NotFound: true}})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	d := verifyData{Code: k.Code, State: k.State(h.Now()), Name: k.PersonName, Course: k.CourseTitle,
		Completed: certificate.LongDate(k.CompletedOn), CanManage: httpx.CurrentUser(c).IsAdmin()}
	if !k.ExpiresOn.IsZero() {
		d.Expires = certificate.LongDate(k.ExpiresOn)
	}
	title := "Valid certificate"
	switch d.State {
	case "expired":
		title = "Expired on " + d.Expires
	case "revoked":
		title = "Revoked certificate"
	case "erased":
		title = "Record erased"
	}
	h.page(c, http.StatusOK, "verify-result", Page{Title: title, Data: d})
}

// tooManyLookups answers 429 with how long to wait.
func (h *Handler) tooManyLookups(c *gin.Context, wait time.Duration) {
	c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	minutes := max(1, int((wait+time.Minute-1)/time.Minute))
	h.errorPage(c, problem.New(http.StatusTooManyRequests, "too_many_requests",
		"You have checked a lot of certificate codes in a short time. Wait "+plural(minutes, "minute", "minutes")+
			" and try again."))
}

type adminCertificateData struct {
	Cert      attendance.Certificate
	State     string
	Email     string // the owner's current email, "" if the account has gone
	Completed string
	Expires   string
	VerifyURL string
}

func (h *Handler) adminCertificatePage(c *gin.Context) (Page, bool) {
	ctx := c.Request.Context()
	k, err := h.Attendance.ByCode(ctx, certificateCode(c))
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	d := adminCertificateData{Cert: k, State: k.State(h.Now()), Completed: certificate.LongDate(k.CompletedOn),
		VerifyURL: h.verifyURL(c, k.Code)}
	if !k.ExpiresOn.IsZero() {
		d.Expires = certificate.LongDate(k.ExpiresOn)
	}
	u, err := h.Accounts.User(ctx, k.UserID)
	switch {
	case err == nil:
		d.Email = u.Email
	case !isNotFound(err):
		h.fail(c, err)
		return Page{}, false
	}
	return Page{Title: "Certificate " + k.Code, Data: d}, true
}

// adminCertificate shows everything about one certificate, with the form to revoke it.
func (h *Handler) adminCertificate(c *gin.Context) {
	p, ok := h.adminCertificatePage(c)
	if !ok {
		return
	}
	h.page(c, http.StatusOK, "admin-certificate", p)
}

// adminRevokeCertificate withdraws a certificate; its verification page then says so.
func (h *Handler) adminRevokeCertificate(c *gin.Context) {
	p, ok := h.adminCertificatePage(c)
	if !ok {
		return
	}
	code := p.Data.(adminCertificateData).Cert.Code
	p.Form = formValues(c, "reason")
	if err := h.Attendance.Revoke(c.Request.Context(), code, p.Form["reason"], httpx.CurrentUser(c).ID); err != nil {
		h.formProblem(c, "admin-certificate", p, err)
		return
	}
	h.redirect(c, "/admin/certificates/"+code, "Certificate revoked. Its verification page now says it has been revoked")
}
