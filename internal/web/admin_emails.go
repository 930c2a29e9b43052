package web

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/problem"
)

// emailLogPage is how many messages one page of the email log shows.
const emailLogPage = 50

// emailStatuses are the statuses in the order the log shows them.
var emailStatuses = []outbox.Status{outbox.Queued, outbox.Retrying, outbox.Sent, outbox.Failed, outbox.NotSent}

// emailStatus is one status with its words and how many messages have it.
type emailStatus struct {
	Status  outbox.Status
	Label   string
	Tag     string // CSS modifier for the tag colour
	Count   int
	Current bool
	Link    string // this status's messages, keeping the recipient search
}

func statusLabel(s outbox.Status) (label, tag string) {
	switch s {
	case outbox.Queued:
		return "Queued", "blue"
	case outbox.Retrying:
		return "Retrying", "yellow"
	case outbox.Sent:
		return "Sent", "green"
	case outbox.Failed:
		return "Failed", "red"
	case outbox.NotSent:
		return "Not sent", "grey"
	}
	return string(s), "grey"
}

// kindLabels say what each message is, in plain English.
var kindLabels = map[outbox.Kind]string{
	outbox.BookingConfirmed:         "Booking confirmed",
	outbox.WaitlistJoined:           "Joined the waiting list",
	outbox.Promoted:                 "Given a place from the waiting list",
	outbox.BookingCancelled:         "Booking cancelled",
	outbox.WaitlistLeft:             "Left the waiting list",
	outbox.SessionChanged:           "Session changed",
	outbox.SessionChangedWaitlist:   "Session changed (waiting list)",
	outbox.SessionCancelled:         "Session cancelled",
	outbox.SessionCancelledWaitlist: "Session cancelled (waiting list)",
	outbox.Reminder:                 "Reminder",
	outbox.PasswordReset:            "Password reset link",
	outbox.EvaluationRequested:      "Evaluation requested",
	outbox.CertificateIssued:        "Certificate issued",
	"approval_requested":            "Approval requested from manager",
	"approval_approved":             "Approved by manager",
	"approval_declined":             "Declined by manager",
	"approval_hold_expired":         "Held place released",
	"approval_closed":               "Approval request closed",
	"manager_digest":                "Weekly staff digest",
	"substitution_out":              "Place handed to a colleague",
	"substitution_in":               "Place received from a colleague",
	"staff_nominated":               "Nominated by manager",
	"training_due":                  "Training reminder from manager",
	"session_below_minimum":         "Session below minimum numbers",
	"impact_followup":               "Impact follow-up",
	"impact_reminder":               "Impact follow-up reminder",
}

func kindLabel(k outbox.Kind) string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return string(k)
}

// emailRow is one message with its words for the log.
type emailRow struct {
	outbox.Entry
	KindLabel   string
	StatusLabel string
	StatusTag   string
}

func newEmailRow(e outbox.Entry) emailRow {
	label, tag := statusLabel(e.Status)
	return emailRow{Entry: e, KindLabel: kindLabel(e.Kind), StatusLabel: label, StatusTag: tag}
}

type emailLogData struct {
	Statuses []emailStatus
	Status   outbox.Status // the filter, "" for all
	To       string        // the recipient search, "" for all
	All      string        // link to every status, keeping the recipient search
	Total    int
	Rows     []emailRow
	Older    string // link to the next page back, or ""
	Newest   string // link to the first page when this is not it, or ""
}

// maxRecipientSearch is the longest recipient search: no address is longer.
const maxRecipientSearch = 254

// adminEmails lists messages newest first, optionally to a matching address and of one
// status, a page at a time; the choices live in the query string, so a search can be
// bookmarked and paged.
func (h *Handler) adminEmails(c *gin.Context) {
	ctx := c.Request.Context()
	d := emailLogData{}
	v := problem.Validation{}
	to := strings.TrimSpace(c.Query("to"))
	if utf8.RuneCountInString(to) > maxRecipientSearch || strings.IndexFunc(to, unicode.IsControl) >= 0 {
		v.Add("to", "Enter part of an email address, on one line, in 254 characters or fewer")
		to = ""
	}
	status := outbox.Status(c.Query("status"))
	if status != "" && !validStatus(status) {
		v.Add("status", "Choose a status from the list")
		status = ""
	}
	var pe *problem.Error
	if err := v.Err(); err != nil {
		pe = err.(*problem.Error)
	}
	d.Status, d.To = status, to
	d.All = emailLogURL("", to, 0)
	before, err := strconv.ParseInt(c.Query("before"), 10, 64)
	if err != nil || before < 0 {
		before = 0
	}
	counts, err := h.Outbox.CountsTo(ctx, to)
	if err != nil {
		h.fail(c, err)
		return
	}
	for _, s := range emailStatuses {
		label, tag := statusLabel(s)
		d.Statuses = append(d.Statuses, emailStatus{Status: s, Label: label, Tag: tag, Count: counts[s], Current: s == status,
			Link: emailLogURL(s, to, 0)})
		d.Total += counts[s]
	}
	list, err := h.Outbox.List(ctx, outbox.Filter{Status: status, Recipient: to, Limit: emailLogPage + 1, Before: before})
	if err != nil {
		h.fail(c, err)
		return
	}
	if len(list) > emailLogPage {
		list = list[:emailLogPage]
		d.Older = emailLogURL(status, to, list[len(list)-1].ID)
	}
	if before > 0 {
		d.Newest = emailLogURL(status, to, 0)
	}
	for _, e := range list {
		d.Rows = append(d.Rows, newEmailRow(e))
	}
	code := http.StatusOK
	if pe != nil {
		code = pe.Status
	}
	h.page(c, code, "admin-emails", Page{Title: "Email log", Problem: pe, Form: map[string]string{"status": string(status), "to": to}, Data: d})
}

func validStatus(s outbox.Status) bool {
	for _, v := range emailStatuses {
		if v == s {
			return true
		}
	}
	return false
}

// emailLogURL links to a page of the log.
func emailLogURL(status outbox.Status, to string, before int64) string {
	q := url.Values{}
	if to != "" {
		q.Set("to", to)
	}
	if status != "" {
		q.Set("status", string(status))
	}
	if before > 0 {
		q.Set("before", strconv.FormatInt(before, 10))
	}
	if len(q) == 0 {
		return "/admin/emails"
	}
	return "/admin/emails?" + q.Encode()
}

type emailDetailData struct {
	emailRow
	Body      string // the text body, with secrets hidden
	CanResend bool
}

// resetLinkRE finds password reset links in a message body.
var resetLinkRE = regexp.MustCompile(`/password/reset/[A-Za-z0-9_%-]+`)

// hideSecrets removes the secret from password reset links: it is the person's key to
// their account, and admins should not be able to use it.
func hideSecrets(body string) string {
	return resetLinkRE.ReplaceAllString(body, "/password/reset/[hidden]")
}

// adminEmail shows one message: who it went to, what happened to it, and its text.
func (h *Handler) adminEmail(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	e, err := h.Outbox.Get(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := emailDetailData{emailRow: newEmailRow(e), Body: hideSecrets(e.BodyText),
		CanResend: h.Outbox.Resendable(e, h.Now())}
	title := e.Subject
	if title == "" {
		title = kindLabel(e.Kind)
	}
	h.page(c, http.StatusOK, "admin-emails-detail", Page{Title: title, Data: d})
}

// adminEmailResend queues a message to be sent again.
func (h *Handler) adminEmailResend(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	back := "/admin/emails/" + strconv.FormatInt(id, 10)
	err = h.Outbox.Resend(c.Request.Context(), id, h.Now())
	switch {
	case errors.Is(err, outbox.ErrAlreadyQueued):
		h.redirect(c, back, outbox.ErrAlreadyQueued.Message)
	case err != nil:
		h.fail(c, err)
	default:
		h.redirect(c, back, "The message is queued to be sent again.")
	}
}
