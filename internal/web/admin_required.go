package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

type requiredPages struct {
	h   *Handler
	svc *compliance.Service
}

// list shows every rule.
func (a *requiredPages) list(c *gin.Context) {
	rules, err := a.svc.Rules(c.Request.Context())
	if err != nil {
		a.h.fail(c, err)
		return
	}
	a.h.page(c, http.StatusOK, "admin-required", Page{Title: "Required training", Data: rules})
}

type requiredFormData struct {
	Courses  []option
	OrgTypes []option
}

// formPage is the new-rule form, with values to show again.
func (a *requiredPages) formPage(c *gin.Context, values map[string]string) (Page, error) {
	courses, err := a.h.Courses.Courses(c.Request.Context())
	if err != nil {
		return Page{}, err
	}
	d := requiredFormData{}
	for _, crs := range courses {
		if crs.Status == course.Archived {
			continue
		}
		label := crs.Title
		switch {
		case crs.Status != course.Published:
			label += " (draft)"
		case crs.ValidityMonths > 0:
			label += " (expires after " + strconv.Itoa(crs.ValidityMonths) + " months)"
		default:
			label += " (does not expire)"
		}
		v := strconv.FormatInt(crs.ID, 10)
		d.Courses = append(d.Courses, option{Value: v, Label: label, Selected: v == values["course_id"]})
	}
	d.OrgTypes = append(d.OrgTypes, option{Value: "all", Label: "All types of organisation",
		Selected: values["org_type"] == "" || values["org_type"] == "all"})
	for _, t := range account.OrgTypes {
		d.OrgTypes = append(d.OrgTypes, option{Value: string(t), Label: t.Label(), Selected: values["org_type"] == string(t)})
	}
	return Page{Title: "Add required training", Form: values, Data: d}, nil
}

func (a *requiredPages) form(c *gin.Context) {
	p, err := a.formPage(c, map[string]string{})
	if err != nil {
		a.h.fail(c, err)
		return
	}
	a.h.page(c, http.StatusOK, "admin-required-form", p)
}

// create checks the form and adds the rule; every mistake is listed at once.
func (a *requiredPages) create(c *gin.Context) {
	values := formValues(c, "course_id", "org_type", "job_title_keyword", "renew_months")
	p, err := a.formPage(c, values)
	if err != nil {
		a.h.fail(c, err)
		return
	}
	in := compliance.RuleInput{JobTitleKeyword: values["job_title_keyword"]}
	v := problem.Validation{}
	if id, err := strconv.ParseInt(strings.TrimSpace(values["course_id"]), 10, 64); err == nil {
		in.CourseID = id
	}
	if t := strings.TrimSpace(values["org_type"]); t != "" && t != "all" {
		in.OrgType = account.OrgType(t)
	}
	if s := strings.TrimSpace(values["renew_months"]); s != "" {
		n, ok := parseWhole(s)
		switch {
		case !ok:
			v.Add("renew_months", "Enter the number of months as a whole number, like 36, or leave it blank")
		case n < 1:
			v.Add("renew_months", "Renewal must be every 1 month or more, or leave it blank")
		default:
			in.RenewMonths = n
		}
	}
	for k, msg := range in.Check() {
		v.Add(k, msg)
	}
	if err := v.Err(); err != nil {
		a.h.formProblem(c, "admin-required-form", p, err)
		return
	}
	if _, err := a.svc.CreateRule(c.Request.Context(), in); err != nil {
		a.h.formProblem(c, "admin-required-form", p, err)
		return
	}
	a.h.redirect(c, "/admin/required-training", "Required training added")
}

// delete removes a rule.
func (a *requiredPages) delete(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		a.h.fail(c, err)
		return
	}
	rule, err := a.svc.Rule(c.Request.Context(), id)
	if err != nil {
		a.h.fail(c, err)
		return
	}
	if err := a.svc.DeleteRule(c.Request.Context(), id); err != nil {
		a.h.fail(c, err)
		return
	}
	a.h.redirect(c, "/admin/required-training", "Removed: "+rule.CourseTitle+" is no longer required of "+
		strings.ToLower(rule.WhoLabel()[:1])+rule.WhoLabel()[1:])
}
