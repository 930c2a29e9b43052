package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/report"
)

// orgChargeView is one organisation's line on the charges page.
type orgChargeView struct {
	ID                       int64
	Name, Type               string
	DNACount, DNA, LateCount string
	Late, Total              string
}

type chargesView struct {
	Described string
	From, To  string
	Orgs      []orgChargeView
	DNACount  string
	DNA       string
	LateCount string
	Late      string
	Total     string
}

// reportCharges lists what each organisation owes for non-attendance in the period.
func (h *Handler) reportCharges(c *gin.Context) {
	const title = "Non-attendance charges"
	p, ok := h.reportPeriod(c, "report-charges", title, "/admin/reports/charges")
	if !ok {
		return
	}
	orgs, err := h.reports().ChargeTotals(c.Request.Context(), p)
	if err != nil {
		h.fail(c, err)
		return
	}
	v := &chargesView{Described: p.Describe(), From: p.FromParam(), To: p.ToParam()}
	var dnaN, lateN int
	var dna, late int64
	for _, o := range orgs {
		v.Orgs = append(v.Orgs, orgChargeView{ID: o.OrgID, Name: o.Name, Type: o.Type.Label(),
			DNACount: report.Count(o.DNACount), DNA: report.Pounds(o.DNAPence), LateCount: report.Count(o.LateCount),
			Late: report.Pounds(o.LatePence), Total: report.Pounds(o.TotalPence())})
		dnaN, lateN, dna, late = dnaN+o.DNACount, lateN+o.LateCount, dna+o.DNAPence, late+o.LatePence
	}
	v.DNACount, v.DNA, v.LateCount, v.Late = report.Count(dnaN), report.Pounds(dna), report.Count(lateN), report.Pounds(late)
	v.Total = report.Pounds(dna + late)
	h.page(c, http.StatusOK, "report-charges", Page{Title: title, Form: periodValues(p),
		Data: reportPageData{Form: periodForm{Action: "/admin/reports/charges", Period: p, Valid: true}, Charges: v}})
}

// chargeItemView is one invoice line.
type chargeItemView struct {
	Person, Email, Course, Date, Reason, Amount string
}

type orgChargesView struct {
	ID        int64
	Name      string
	Type      string
	Described string
	From, To  string
	Items     []chargeItemView
	Total     string
}

// reportChargesOrganisation itemises one organisation's charges for invoicing.
func (h *Handler) reportChargesOrganisation(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	org, err := h.Accounts.Organisation(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	title := "Charges: " + org.Name
	action := "/admin/reports/charges/" + strconv.FormatInt(id, 10)
	p, ok := h.reportPeriod(c, "report-charges-organisation", title, action)
	if !ok {
		return
	}
	items, err := h.reports().ChargeItems(c.Request.Context(), p, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	v := &orgChargesView{ID: id, Name: org.Name, Type: org.Type.Label(), Described: p.Describe(), From: p.FromParam(), To: p.ToParam()}
	var total int64
	for _, i := range items {
		total += i.Pence
		v.Items = append(v.Items, chargeItemView{Person: i.PersonName, Email: i.Email, Course: i.CourseTitle,
			Date: i.StartsLondon().Format("2 Jan 2006"), Reason: i.Reason.Label(), Amount: report.Pounds(i.Pence)})
	}
	v.Total = report.Pounds(total)
	h.page(c, http.StatusOK, "report-charges-organisation", Page{Title: title, Form: periodValues(p),
		Data: reportPageData{Form: periodForm{Action: action, Period: p, Valid: true}, Org: v}})
}

// reportChargesCSV itemises the charges for invoicing: every organisation, or one with
// ?organisation=ID.
func (h *Handler) reportChargesCSV(c *gin.Context) {
	var orgID int64
	name := "charges"
	if s := c.Query("organisation"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			h.fail(c, problem.NotFound)
			return
		}
		if _, err := h.Accounts.Organisation(c.Request.Context(), n); err != nil {
			h.fail(c, err)
			return
		}
		orgID = n
		name = "charges-organisation-" + strconv.FormatInt(n, 10)
	}
	p, ok := h.reportPeriod(c, "report-charges", "Non-attendance charges", "/admin/reports/charges")
	if !ok {
		return
	}
	items, err := h.reports().ChargeItems(c.Request.Context(), p, orgID)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.sendCSV(c, csvName(name, p), report.ChargeRows(items))
}
