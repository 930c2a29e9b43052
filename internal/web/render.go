package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// Page is what every template receives; Data is the page's own content.
type Page struct {
	SiteName string
	Title    string
	User     *account.User
	Flash    string
	Problem  *problem.Error
	Form     map[string]string // values to show again after an error
	Data     any
	Path     string
	Now      time.Time
	// Summary lists the field errors in the order the fields appear on the page.
	Summary []SummaryItem
}

// FieldError returns the message for one field, or "".
func (p Page) FieldError(name string) string {
	if p.Problem == nil {
		return ""
	}
	return p.Problem.Fields[name]
}

// Value returns a submitted form value to redisplay.
func (p Page) Value(name string) string { return p.Form[name] }

type renderer struct {
	pages map[string]*template.Template
	// alone are pages with no site layout (embed/*.html), shown inside other sites.
	alone map[string]*template.Template
}

var funcs = template.FuncMap{
	"london":        func(t time.Time) time.Time { return t.In(clock.London) },
	"longDate":      longDate,
	"shortDate":     func(t time.Time) string { return t.In(clock.London).Format("2 Jan 2006") },
	"auditAction":   auditActionLabel,
	"clockTime":     clockTime,
	"dateTimeLocal": dateTimeLocal,
	"plural":        plural,
	"join":          strings.Join,
	"orgTypeLabel":  func(t account.OrgType) string { return t.Label() },
	"add":           func(a, b int) int { return a + b },
	"paragraphs":    paragraphs,
}

// longDate is a date as people in the UK write it: "Monday 30 November 2026".
func longDate(t time.Time) string { return t.In(clock.London).Format("Monday 2 January 2006") }

// clockTime is a London time such as "9:30am".
func clockTime(t time.Time) string { return t.In(clock.London).Format("3:04pm") }

// dateTimeLocal fills a datetime-local input.
func dateTimeLocal(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(clock.London).Format("2006-01-02T15:04")
}

// plural writes a count with the right noun: "1 place", "3 places".
func plural(n int, one, many string) string {
	if n == 1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}

// paragraphs splits plain text on blank lines, so descriptions keep their shape without
// trusting any HTML in them.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// newRenderer parses one template set per page: layout + partials + the page. Pages link
// to static files through the asset function, which adds each file's fingerprint.
func newRenderer(fsys fs.FS, files assets) (*renderer, error) {
	names, err := fs.Glob(fsys, "pages/*.html")
	if err != nil {
		return nil, err
	}
	r := &renderer{pages: map[string]*template.Template{}, alone: map[string]*template.Template{}}
	pageFuncs := template.FuncMap{"asset": files.url}
	alone, err := fs.Glob(fsys, "embed/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range alone {
		t, err := template.New(path.Base(name)).Funcs(funcs).Funcs(pageFuncs).ParseFS(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		r.alone[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	for _, name := range names {
		t, err := template.New(path.Base(name)).Funcs(funcs).Funcs(pageFuncs).ParseFS(fsys, "layout.html", "partials.html", name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		r.pages[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return r, nil
}

// page renders into a buffer first so a template error becomes a clean 500, never half
// a page.
func (h *Handler) page(c *gin.Context, status int, name string, p Page) {
	body, ok := h.renderPage(c, name, p)
	if !ok {
		c.String(http.StatusInternalServerError, "Something went wrong on our side.")
		return
	}
	c.Data(status, "text/html; charset=utf-8", body)
}

// renderPage renders a whole page for this request; false means it failed (and was
// logged).
func (h *Handler) renderPage(c *gin.Context, name string, p Page) ([]byte, bool) {
	t, ok := h.render.pages[name]
	if !ok {
		h.Log.Error("unknown template", "name", name)
		return nil, false
	}
	p.SiteName = h.SiteName
	p.User = httpx.CurrentUser(c)
	p.Path = c.Request.URL.Path
	p.Now = h.Now()
	if p.Flash == "" {
		p.Flash = h.Sessions.PopString(c.Request.Context(), sessionFlash)
	}
	var buf bytes.Buffer
	if p.Problem != nil && len(p.Problem.Fields) > 0 {
		// Render the content alone first to learn where each field is.
		if err := t.ExecuteTemplate(&buf, "content", p); err != nil {
			h.Log.Error("render", "template", name, "err", err)
			return nil, false
		}
		p.Summary = summaryInPageOrder(p.Problem.Fields, buf.Bytes())
		buf.Reset()
	}
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		h.Log.Error("render", "template", name, "err", err)
		return nil, false
	}
	return buf.Bytes(), true
}

// errorPage shows a problem on its own page with its status.
func (h *Handler) errorPage(c *gin.Context, pe *problem.Error) {
	title := "There is a problem"
	switch pe.Status {
	case http.StatusNotFound:
		title = "Page not found"
	case http.StatusForbidden:
		title = "You do not have access"
	case http.StatusServiceUnavailable:
		title = "Sorry, the service is busy"
		if pe.Code == problem.Full.Code {
			title = "Sorry, the service cannot save changes at the moment"
		}
	case http.StatusInternalServerError:
		title = "Sorry, there is a problem with the service"
	}
	h.page(c, pe.Status, "error", Page{Title: title, Data: errorView{Message: pe.Message, Reference: httpx.RequestID(c)}})
}

// errorView is what the error page shows: the public message, and the request's
// reference, which is also in the log line, for anyone who contacts the training team.
type errorView struct {
	Message   string
	Reference string
}

// fail renders any error as its public page.
func (h *Handler) fail(c *gin.Context, err error) {
	h.errorPage(c, httpx.Classify(c, h.Log, err))
}

// redirect finishes a successful POST (post/redirect/get) with an optional flash message.
func (h *Handler) redirect(c *gin.Context, to, flash string) {
	if flash != "" {
		h.Sessions.Put(c.Request.Context(), sessionFlash, flash)
	}
	c.Redirect(http.StatusSeeOther, to)
}

func isNotFound(err error) bool {
	pe, _ := problem.From(err)
	return pe.Status == http.StatusNotFound
}

// pathSession loads the session named by the :id in the path, answering with the error
// page when there is none.
func (h *Handler) pathSession(c *gin.Context) (course.Session, bool) {
	id, err := httpx.ParamID(c, "id")
	if err == nil {
		var s course.Session
		if s, err = h.Courses.Session(c.Request.Context(), id); err == nil {
			return s, true
		}
	}
	h.fail(c, err)
	return course.Session{}, false
}

// renderAlone renders a page that has no site layout (embed/*.html); false means it
// failed, and was logged. It touches no session: such pages are shown inside other sites.
func (h *Handler) renderAlone(name string, data any) ([]byte, bool) {
	t, ok := h.render.alone[name]
	if !ok {
		h.Log.Error("unknown template", "name", name)
		return nil, false
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		h.Log.Error("render", "template", name, "err", err)
		return nil, false
	}
	return buf.Bytes(), true
}
