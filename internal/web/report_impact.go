package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/report"
)

// The board report's "did it change practice?" section (report.Impact): figures per
// course and per organisation, and the anonymised examples, on screen and as CSV.

// impactRowView is one row of an impact table, formatted for printing.
type impactRowView struct {
	Name, Type            string
	Sent, Responses, Rate string
	Before, After, Change string
}

func impactFigureRow(name string, f report.ImpactFigures) impactRowView {
	dash := func(s string) string {
		switch {
		case f.Withheld:
			return "Not shown"
		case s == "":
			return "—"
		}
		return s
	}
	return impactRowView{Name: name, Sent: report.Count(f.Sent), Responses: report.Count(f.Responses),
		Rate: f.ResponseRate().String(), Before: dash(f.BeforeText()), After: dash(f.AfterText()), Change: dash(f.ChangeText())}
}

type impactView struct {
	Described string
	From, To  string
	Totals    impactRowView
	Courses   []impactRowView
	Orgs      []impactRowView
	Examples  []report.ImpactExample
	// MinOrgResponses is how many answers an organisation needs for its confidence figures.
	MinOrgResponses int
}

func impactPageView(p report.Period, r *report.Impact) *impactView {
	v := &impactView{Described: p.Describe(), From: p.FromParam(), To: p.ToParam(),
		Totals: impactFigureRow("All", r.Totals), Examples: r.Examples, MinOrgResponses: report.MinOrgResponses}
	for _, c := range r.Courses {
		v.Courses = append(v.Courses, impactFigureRow(c.Title, c.ImpactFigures))
	}
	for _, o := range r.Orgs {
		row := impactFigureRow(o.Name, o.ImpactFigures)
		row.Type = o.Type.Label()
		v.Orgs = append(v.Orgs, row)
	}
	return v
}

const impactAction = "/admin/reports/impact"

// reportImpact is "Did it change practice?" for the period.
func (h *Handler) reportImpact(c *gin.Context) {
	const title = "Did the training change practice?"
	p, ok := h.reportPeriod(c, "report-impact", title, impactAction)
	if !ok {
		return
	}
	r, err := h.reports().Impact(c.Request.Context(), p)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.page(c, http.StatusOK, "report-impact", Page{Title: title, Form: periodValues(p),
		Data: reportPageData{Form: periodForm{Action: impactAction, Period: p, Valid: true}, Impact: impactPageView(p, r)}})
}

// reportImpactCSV is the impact figures by course (?by=organisation: by organisation;
// ?by=examples: the anonymised examples).
func (h *Handler) reportImpactCSV(c *gin.Context) {
	by := c.Query("by")
	if by != "" && by != "course" && by != "organisation" && by != "examples" {
		h.fail(c, problem.Unprocessable("bad_grouping", "Impact can be downloaded by course, by organisation or as examples."))
		return
	}
	p, ok := h.reportPeriod(c, "report-impact", "Did the training change practice?", impactAction)
	if !ok {
		return
	}
	r, err := h.reports().Impact(c.Request.Context(), p)
	if err != nil {
		h.fail(c, err)
		return
	}
	switch by {
	case "organisation":
		h.sendCSV(c, csvName("impact-by-organisation", p), report.ImpactOrgRows(r))
	case "examples":
		h.sendCSV(c, csvName("impact-examples", p), report.ImpactExampleRows(r))
	default:
		h.sendCSV(c, csvName("impact-by-course", p), report.ImpactCourseRows(r))
	}
}
