package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/audit"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/problem"
)

const auditPage = 100

// auditData is the audit page: the filters as given, a page of events, and links.
type auditData struct {
	Actions []string
	Rows    []auditRow
	Older   string
	Newest  string
	CSV     string
}

// auditFilter reads the filters from the address; a bad one is a field error and the
// filter is left out, so the page still answers.
func auditFilter(c *gin.Context) (audit.Filter, url.Values, *problem.Error) {
	f := audit.Filter{}
	kept := url.Values{}
	v := problem.Validation{}
	for _, name := range []string{"from", "to"} {
		s := strings.TrimSpace(c.Query(name))
		if s == "" {
			continue
		}
		d, err := time.ParseInLocation("2006-01-02", s, clock.London)
		if err != nil || d.Year() < 2000 || d.Year() > 2200 {
			v.Add(name, "Enter a date as year-month-day, for example 2026-11-25")
			continue
		}
		kept.Set(name, s)
		if name == "from" {
			f.From = d.UTC()
		} else {
			f.To = d.AddDate(0, 0, 1).UTC() // the whole of that London day
		}
	}
	if p := strings.TrimSpace(c.Query("person")); p != "" {
		if len(p) > 254 || strings.ContainsAny(p, "\r\n") {
			v.Add("person", "Enter one email address, in 254 characters or fewer")
		} else {
			f.Person = p
			kept.Set("person", p)
		}
	}
	if a := c.Query("action"); a != "" {
		if !slices.Contains(audit.Actions, a) {
			v.Add("action", "Choose what happened from the list")
		} else {
			f.Action = a
			kept.Set("action", a)
		}
	}
	if s := strings.TrimSpace(c.Query("subject")); s != "" {
		kind, id, _ := strings.Cut(s, "/")
		n, err := strconv.ParseInt(id, 10, 64)
		if kind == "" || (id != "" && (err != nil || n <= 0)) || len(s) > 60 {
			v.Add("subject", "Enter what it concerned as kind/number, for example courses/12 or people/40")
		} else {
			f.SubjectType, f.SubjectID = kind, n
			kept.Set("subject", s)
		}
	}
	var pe *problem.Error
	if err := v.Err(); err != nil {
		pe = err.(*problem.Error)
	}
	return f, kept, pe
}

// adminAudit shows the trail, newest first, a page at a time.
func (h *Handler) adminAudit(c *gin.Context) {
	f, kept, pe := auditFilter(c)
	if before, err := strconv.ParseInt(c.Query("before"), 10, 64); err == nil && before > 0 {
		f.BeforeID = before
	}
	f.Limit = auditPage + 1
	rows, err := audit.List(c.Request.Context(), h.Accounts.DB.R, f)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := auditData{Actions: audit.Actions, CSV: "/admin/audit.csv?" + kept.Encode()}
	if len(rows) > auditPage {
		rows = rows[:auditPage]
		older := cloneValues(kept)
		older.Set("before", strconv.FormatInt(rows[len(rows)-1].ID, 10))
		d.Older = "/admin/audit?" + older.Encode()
	}
	if f.BeforeID > 0 {
		d.Newest = "/admin/audit?" + kept.Encode()
	}
	for _, r := range rows {
		d.Rows = append(d.Rows, auditRow{Row: r, Changes: changedFields(r.Before, r.After)})
	}
	form := map[string]string{}
	for k := range kept {
		form[k] = kept.Get(k)
	}
	for _, k := range []string{"from", "to", "person", "action", "subject"} {
		if _, ok := form[k]; !ok && pe != nil {
			form[k] = c.Query(k) // show what was typed next to its error
		}
	}
	code := http.StatusOK
	if pe != nil {
		code = pe.Status
	}
	h.page(c, code, "admin-audit", Page{Title: "Audit trail", Problem: pe, Form: form, Data: d})
}

// adminAuditCSV is the whole filtered trail as CSV, every cell safe from formulas.
func (h *Handler) adminAuditCSV(c *gin.Context) {
	f, _, pe := auditFilter(c)
	if pe != nil {
		c.String(pe.Status, "Check the filters: "+strings.Join(fieldMessages(pe), "; ")+"\n")
		return
	}
	rows, err := audit.List(c.Request.Context(), h.Accounts.DB.R, f)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="audit-trail.csv"`)
	c.Header("Content-Type", "text/csv; charset=utf-8")
	w := csv.NewWriter(c.Writer)
	_ = w.Write([]string{"When (UK time)", "Person", "Email", "Address", "Reference", "What", "Route", "Concerning", "Number", "Details", "Before", "After"})
	for _, r := range rows {
		cells := []string{r.At.In(clock.London).Format("2006-01-02 15:04:05"), r.ActorName, r.ActorEmail, r.RemoteAddr,
			r.RequestID, r.Action, r.Route, r.SubjectType, idText(r.SubjectID), r.Summary, r.Before, r.After}
		for i := range cells {
			cells[i] = csvCell(cells[i])
		}
		_ = w.Write(cells)
	}
	w.Flush()
}

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

func fieldMessages(pe *problem.Error) []string {
	var out []string
	for _, m := range pe.Fields {
		out = append(out, m)
	}
	slices.Sort(out)
	return out
}

// auditActionLabel says an action in plain words.
func auditActionLabel(action string) string {
	switch action {
	case audit.Change:
		return "Changed something"
	case audit.Read:
		return "Looked at others' records"
	case audit.SignIn:
		return "Signed in"
	case audit.SignInFailed:
		return "Failed to sign in"
	}
	return action
}

// auditRow is an entry as the page shows it: with before and after, the fields whose
// values differ, so a changed title is one line rather than the whole record twice.
type auditRow struct {
	audit.Row
	Changes []fieldChange
}

type fieldChange struct{ Field, Before, After string }

// changedFields compares two JSON objects field by field, for the fields both have.
func changedFields(before, after string) []fieldChange {
	if before == "" || after == "" {
		return nil
	}
	var b, a map[string]any
	if json.Unmarshal([]byte(before), &b) != nil || json.Unmarshal([]byte(after), &a) != nil {
		return nil
	}
	var out []fieldChange
	for k, av := range a {
		bv, ok := b[k]
		if !ok {
			continue
		}
		bj, _ := json.Marshal(bv)
		aj, _ := json.Marshal(av)
		if string(bj) != string(aj) {
			out = append(out, fieldChange{Field: k, Before: string(bj), After: string(aj)})
		}
	}
	slices.SortFunc(out, func(x, y fieldChange) int { return strings.Compare(x.Field, y.Field) })
	return out
}
