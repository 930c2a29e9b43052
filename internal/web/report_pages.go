package web

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/report"
)

// reports reads from the same database as the registers, on its reader pool.
func (h *Handler) reports() *report.Service { return report.New(h.Attendance.DB, h.Now) }

// periodForm is what every report page's period form shows.
type periodForm struct {
	Action string // where the form goes
	Period report.Period
	Valid  bool
}

// reportPeriod reads ?from=&to=. On bad dates it renders page (with the form and the
// error summary, no figures) as a 422 and returns false.
func (h *Handler) reportPeriod(c *gin.Context, page, title, action string) (report.Period, bool) {
	from, to := c.Query("from"), c.Query("to")
	p, err := report.ParsePeriod(from, to, h.Now())
	if err == nil {
		return p, true
	}
	pe := h.correctable(c, err)
	if pe == nil {
		return p, false
	}
	h.page(c, pe.Status, page, Page{Title: title, Problem: pe,
		Form: map[string]string{"from": limitText(from, 40), "to": limitText(to, 40)},
		Data: reportPageData{Form: periodForm{Action: action, Period: p}}})
	return p, false
}

// limitText keeps what is shown back short, whatever was sent.
func limitText(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func periodValues(p report.Period) map[string]string {
	return map[string]string{"from": p.FromParam(), "to": p.ToParam()}
}

// reportPageData is what the report pages' templates receive: the period form always,
// the figures only when the period was valid.
type reportPageData struct {
	Form       periodForm
	Attendance *attendanceView
	Charges    *chargesView
	Org        *orgChargesView
	Impact     *impactView // report_impact.go
}

// countsView is one row of an attendance table, formatted for printing.
type countsView struct {
	ID                                                      int64
	Name, Type                                              string
	Places, Attended, Partial, DNA, NotRecorded, Late, Walk string
	Trained, DNARate                                        string
}

func countsRow(name string, c report.Counts) countsView {
	return countsView{Name: name, Places: report.Count(c.PlacesBooked), Attended: report.Count(c.Attended),
		Partial: report.Count(c.Partial), DNA: report.Count(c.DNA), NotRecorded: report.Count(c.NotRecorded),
		Late: report.Count(c.LateCancelled), Walk: report.Count(c.WalkIns), Trained: report.Count(c.PeopleTrained),
		DNARate: c.DNARate().String()}
}

type courseView struct {
	Title, Sessions, Capacity, Held, Fill, Trained string
	Responses, Rating, Usefulness, DNARate         string
}

type attendanceView struct {
	Described    string
	From, To     string
	SessionsHeld string
	Totals       countsView
	ChargesTotal string
	Impact       impactRowView // the follow-ups' totals; report_impact.go has the rest
	TypeChart    template.HTML
	FillChart    template.HTML
	Types        []countsView
	Orgs         []countsView
	Courses      []courseView
}

// reportIndex is the board's page: headline numbers, attendance by organisation type
// (chart and table), by organisation, and per course.
func (h *Handler) reportIndex(c *gin.Context) {
	const title = "Training reports"
	p, ok := h.reportPeriod(c, "report-index", title, "/admin/reports")
	if !ok {
		return
	}
	ctx := c.Request.Context()
	svc := h.reports()
	a, err := svc.Attendance(ctx, p)
	if err != nil {
		h.fail(c, err)
		return
	}
	charges, err := svc.ChargeTotals(ctx, p)
	if err != nil {
		h.fail(c, err)
		return
	}
	v, err := attendancePage(p, a, charges)
	if err != nil {
		h.fail(c, err)
		return
	}
	imp, err := svc.Impact(ctx, p)
	if err != nil {
		h.fail(c, err)
		return
	}
	v.Impact = impactFigureRow("All courses", imp.Totals)
	h.page(c, http.StatusOK, "report-index", Page{Title: title, Form: periodValues(p),
		Data: reportPageData{Form: periodForm{Action: "/admin/reports", Period: p, Valid: true}, Attendance: v}})
}

// attendancePage formats the report for printing: the template only prints strings.
func attendancePage(p report.Period, a *report.Attendance, charges []report.OrgCharges) (*attendanceView, error) {
	v := &attendanceView{Described: p.Describe(), From: p.FromParam(), To: p.ToParam(), SessionsHeld: report.Count(a.SessionsHeld),
		Totals: countsRow("All organisations", a.Totals), ChargesTotal: report.Pounds(report.SumPence(charges))}
	var err error
	if v.TypeChart, err = report.TypeChart(a).SVG(); err != nil {
		return nil, err
	}
	if len(a.Courses) > 0 {
		if v.FillChart, err = report.FillChart(a).SVG(); err != nil {
			return nil, err
		}
	}
	for _, t := range a.ByType {
		v.Types = append(v.Types, countsRow(t.Label(), t.Counts))
	}
	for _, o := range a.ByOrg {
		row := countsRow(o.Name, o.Counts)
		row.ID, row.Type = o.ID, o.Type.Label()
		v.Orgs = append(v.Orgs, row)
	}
	for _, k := range a.Courses {
		v.Courses = append(v.Courses, courseView{Title: k.Title, Sessions: report.Count(k.Sessions),
			Capacity: report.Count(k.Capacity), Held: report.Count(k.HeldAtStart()), Fill: k.Fill().String(),
			Trained: report.Count(k.PeopleTrained), Responses: report.Count(k.Responses), Rating: k.Rating(),
			Usefulness: k.Usefulness(), DNARate: k.DNARate().String()})
	}
	return v, nil
}

// sendCSV writes rows as a download, every cell neutralised (see recordCSV).
func (h *Handler) sendCSV(c *gin.Context, name string, rows [][]string) {
	b, err := recordCSV(rows)
	if err != nil {
		h.fail(c, err)
		return
	}
	attachment(c, name)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", b)
}

// csvName is "<what>-<from>-to-<last day>.csv": safe characters only.
func csvName(what string, p report.Period) string {
	return what + "-" + p.FromParam() + "-to-" + p.LastDay().Format(report.DateLayout) + ".csv"
}

// attendanceForCSV reads the period and the report for a CSV, or answers itself.
func (h *Handler) attendanceForCSV(c *gin.Context) (*report.Attendance, bool) {
	p, ok := h.reportPeriod(c, "report-index", "Training reports", "/admin/reports")
	if !ok {
		return nil, false
	}
	a, err := h.reports().Attendance(c.Request.Context(), p)
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	return a, true
}

// reportAttendanceCSV is attendance by organisation (?by=type: by organisation type).
func (h *Handler) reportAttendanceCSV(c *gin.Context) {
	by := c.Query("by")
	if by != "" && by != "organisation" && by != "type" {
		h.fail(c, problem.Unprocessable("bad_grouping", "Attendance can be downloaded by organisation or by organisation type."))
		return
	}
	a, ok := h.attendanceForCSV(c)
	if !ok {
		return
	}
	if by == "type" {
		h.sendCSV(c, csvName("attendance-by-type", a.Period), report.TypeRows(a))
		return
	}
	h.sendCSV(c, csvName("attendance-by-organisation", a.Period), report.OrganisationRows(a))
}

// reportCoursesCSV is fill rate, people trained and evaluation scores per course.
func (h *Handler) reportCoursesCSV(c *gin.Context) {
	if a, ok := h.attendanceForCSV(c); ok {
		h.sendCSV(c, csvName("courses", a.Period), report.CourseRows(a))
	}
}

// reportSessionsCSV is fill rate and attendance per session.
func (h *Handler) reportSessionsCSV(c *gin.Context) {
	if a, ok := h.attendanceForCSV(c); ok {
		h.sendCSV(c, csvName("sessions", a.Period), report.SessionRows(a))
	}
}
