package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/httpx"
)

// matrixPageData is the matrix page. Cells are formatted here, not in the template, so a
// page of 100 people by 10 courses renders in a few milliseconds.
type matrixPageData struct {
	Org      account.Organisation
	Orgs     []option // an admin's choice of organisation; nil for managers
	Courses  []compliance.Course
	Rows     []matrixRow
	Counts   []countLink
	Teams    []option
	Statuses []option
	JobTitle string
	Filtered bool // some filter is on
	NoRules  bool // nothing is required of anyone here
	Shown    int  // people the filter keeps
	From, To int  // the people on this page, counting from 1
	Page     int
	Pages    int
	Prev     string
	Next     string
	CSVURL   string
	// Approvals counts the booking requests waiting for this manager's decision.
	Approvals int
}

// countLink is one of the figures at the top, linking to the people it counts.
type countLink struct {
	Label   string
	N       int
	Href    string
	Current bool
	Colour  string // counts__item--green and so on; "" for the total
}

type matrixRow struct {
	ID        int64
	Name      string
	Role      string // "Senior Social Worker, Children in Need"
	Status    string
	StatusTag string
	Cells     []matrixCell
}

type matrixCell struct {
	Required bool
	Label    string
	Tag      string
	Detail   string // "Completed 25 Sep 2026"
	Detail2  string // "Renew by 25 Sep 2029"
}

// dashboard is the manager's starting point: their staff against the training required of
// them, with counts, filters and a page at a time.
func (m *managerPages) dashboard(c *gin.Context) {
	req, err := m.load(c)
	if err != nil {
		m.h.fail(c, err)
		return
	}
	me := httpx.CurrentUser(c)
	pending, err := m.h.approvals().PendingFor(c.Request.Context(), me)
	if err != nil {
		m.h.fail(c, err)
		return
	}
	d := matrixPageData{Approvals: len(pending), Org: req.Matrix.Organisation, Courses: req.Matrix.Courses, JobTitle: req.Filter.JobTitle,
		Filtered: !req.Filter.Empty(), NoRules: len(req.Matrix.Courses) == 0, Shown: len(req.People),
		CSVURL: "/manager/matrix.csv" + req.query(c)}
	if me.IsAdmin() {
		orgs, err := m.h.Accounts.Organisations(c.Request.Context())
		if err != nil {
			m.h.fail(c, err)
			return
		}
		for _, o := range orgs {
			d.Orgs = append(d.Orgs, option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name, Selected: o.ID == d.Org.ID})
		}
	}
	for _, t := range req.Matrix.Teams() {
		d.Teams = append(d.Teams, option{Value: t, Label: t, Selected: strings.EqualFold(t, req.Filter.Team)})
	}
	for _, s := range compliance.StatusFilters {
		d.Statuses = append(d.Statuses, option{Value: string(s), Label: s.Label(), Selected: s == req.Filter.Status})
	}
	n := req.Counts
	for _, cl := range []struct {
		label, colour string
		n             int
		s             compliance.StatusFilter
	}{
		{"Staff", "", n.People, compliance.AnyStatus},
		{"Up to date", "counts__item--green", n.UpToDate, compliance.UpToDate},
		{"Expired or expiring", "counts__item--red", n.NeedsAction, compliance.NeedsAction},
		{"Not done and not booked", "counts__item--red", n.NotBooked, compliance.OnlyNotBooked},
		{"Booked or on a waiting list", "counts__item--blue", n.Booked, compliance.OnlyBooked},
	} {
		d.Counts = append(d.Counts, countLink{Label: cl.label, N: cl.n, Current: cl.s == req.Filter.Status, Colour: cl.colour,
			Href: "/manager" + req.query(c, "status", string(cl.s), "page", "")})
	}

	d.Pages = max(1, (len(req.People)+matrixPageSize-1)/matrixPageSize)
	d.Page = 1
	if p, err := strconv.Atoi(c.Query("page")); err == nil && p > 1 {
		d.Page = min(p, d.Pages)
	}
	first := (d.Page - 1) * matrixPageSize
	shown := req.People[first:min(len(req.People), first+matrixPageSize)]
	if len(shown) > 0 {
		d.From, d.To = first+1, first+len(shown)
	}
	if d.Page > 1 {
		d.Prev = "/manager" + req.query(c, "page", pageParam(d.Page-1))
	}
	if d.Page < d.Pages {
		d.Next = "/manager" + req.query(c, "page", strconv.Itoa(d.Page+1))
	}
	d.Rows = make([]matrixRow, 0, len(shown))
	for _, p := range shown {
		d.Rows = append(d.Rows, newMatrixRow(p, req.Matrix.At))
	}

	status := http.StatusOK
	if req.Problem != nil {
		status = req.Problem.Status
	}
	title := "My staff's training"
	if me.IsAdmin() {
		title = "Staff training: " + d.Org.Name
	}
	m.h.page(c, status, "manager-dashboard", Page{Title: title, Problem: req.Problem, Data: d})
}

// pageParam is the page number for a link; page 1 is the address without one.
func pageParam(n int) string {
	if n <= 1 {
		return ""
	}
	return strconv.Itoa(n)
}

func newMatrixRow(p compliance.Person, now time.Time) matrixRow {
	row := matrixRow{ID: p.ID, Name: p.Name, Status: p.Status.StatusLabel(), StatusTag: p.Status.Tag(),
		Cells: make([]matrixCell, len(p.Cells))}
	var role []string
	for _, s := range []string{p.JobTitle, p.Team} {
		if s = strings.TrimSpace(s); s != "" {
			role = append(role, s)
		}
	}
	row.Role = strings.Join(role, ", ")
	for i, c := range p.Cells {
		row.Cells[i] = newMatrixCell(c, now)
	}
	return row
}

// matrixDate is a date in a matrix cell: "25 Sep 2026".
func matrixDate(t time.Time) string { return t.In(clock.London).Format("2 Jan 2006") }

// newMatrixCell words a cell: its state, and the dates that matter for it at now.
func newMatrixCell(c compliance.Cell, now time.Time) matrixCell {
	if !c.Required {
		return matrixCell{}
	}
	out := matrixCell{Required: true, Label: c.State.Label(), Tag: c.State.Tag()}
	switch c.State {
	case compliance.Current:
		out.Label = "Completed"
		out.Detail = matrixDate(c.CompletedOn)
		if !c.ExpiresOn.IsZero() {
			out.Detail2 = "Renew by " + matrixDate(c.ExpiresOn)
		} else {
			out.Detail2 = "No renewal needed"
		}
	case compliance.Expiring:
		out.Label = "Expiring"
		out.Detail = "Expires " + matrixDate(c.ExpiresOn)
	case compliance.Expired:
		out.Detail = "Expired " + matrixDate(c.ExpiresOn)
	case compliance.Booked, compliance.Waitlisted:
		out.Detail = "For " + matrixDate(c.SessionStart)
		switch {
		case c.ExpiresOn.IsZero(): // never done (a completion that never expires is current)
		case now.Before(c.ExpiresOn):
			out.Detail2 = "Expires " + matrixDate(c.ExpiresOn)
		default:
			out.Detail2 = "Expired " + matrixDate(c.ExpiresOn)
		}
	}
	return out
}

// matrixCSVCell is a cell in words for the spreadsheet, state first so the column filters well.
func matrixCSVCell(c compliance.Cell) string {
	day := recordDate
	switch {
	case !c.Required:
		return "Not required"
	case c.State == compliance.Current && c.ExpiresOn.IsZero():
		return "Current (completed " + day(c.CompletedOn) + ", no renewal needed)"
	case c.State == compliance.Current:
		return "Current (completed " + day(c.CompletedOn) + ", renew by " + day(c.ExpiresOn) + ")"
	case c.State == compliance.Expiring:
		return "Expiring (completed " + day(c.CompletedOn) + ", expires " + day(c.ExpiresOn) + ")"
	case c.State == compliance.Expired:
		return "Expired (completed " + day(c.CompletedOn) + ", expired " + day(c.ExpiresOn) + ")"
	case c.State == compliance.Booked:
		return "Booked (session " + day(c.SessionStart) + ")"
	case c.State == compliance.Waitlisted:
		return "Waiting list (session " + day(c.SessionStart) + ")"
	}
	return c.State.Label()
}

// csv is the filtered matrix as a spreadsheet: everyone the filter keeps, not one page.
func (m *managerPages) csv(c *gin.Context) {
	req, err := m.load(c)
	if err != nil {
		m.h.fail(c, err)
		return
	}
	if req.Problem != nil {
		m.h.fail(c, req.Problem)
		return
	}
	head := []string{"Name", "Email", "Job title", "Team", "Status"}
	for _, course := range req.Matrix.Courses {
		head = append(head, course.Title)
	}
	lines := make([][]string, 0, len(req.People)+1)
	lines = append(lines, head)
	for _, p := range req.People {
		line := make([]string, 0, len(head))
		line = append(line, p.Name, p.Email, p.JobTitle, p.Team, p.Status.StatusLabel())
		for _, cell := range p.Cells {
			line = append(line, matrixCSVCell(cell))
		}
		lines = append(lines, line)
	}
	body, err := recordCSV(lines)
	if err != nil {
		m.h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="staff-training.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", body)
}
