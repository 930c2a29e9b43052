package web

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/audit"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// adminCourses lists every course, whatever its status.
func (h *Handler) adminCourses(c *gin.Context) {
	courses, err := h.Courses.Courses(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	h.page(c, http.StatusOK, "admin-courses", Page{Title: "Courses", Data: courses})
}

type adminCourseData struct {
	Course   course.Course
	Sessions []course.Session
}

// adminCourse shows one course with all its sessions, past and future.
func (h *Handler) adminCourse(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	crs, err := h.Courses.Course(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	sessions, err := h.Courses.Sessions(ctx, course.SessionFilter{CourseID: id, IncludePast: true})
	if err != nil {
		h.fail(c, err)
		return
	}
	h.page(c, http.StatusOK, "admin-course", Page{Title: crs.Title, Data: adminCourseData{Course: crs, Sessions: sessions}})
}

var courseFields = []string{"title", "summary", "description", "audience", "duration_minutes",
	"provider_id", "validity_months", "status", "topics", "requires_evaluation", "charge_dna", "charge_late",
	"manager_approval", "approval_hold_days", // manager approval: approval_course_form.go
	"followup_days"} // impact follow-up: admin_course_followup.go

type courseFormData struct {
	ID            int64  // 0 for a new course
	Stored        string // the course's title as saved, for the breadcrumbs
	Organisations []account.Organisation
	Statuses      []course.Status
}

func (h *Handler) coursePage(c *gin.Context, crs course.Course) (Page, bool) {
	id := crs.ID
	orgs, err := h.Accounts.Organisations(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	title := "Add a course"
	if id != 0 {
		title = "Change course details"
	}
	return Page{Title: title, Form: map[string]string{"status": string(course.Draft),
		"followup_days": followUpFormValue(course.DefaultFollowUpDays)},
		Data: courseFormData{ID: id, Stored: crs.Title, Organisations: orgs, Statuses: []course.Status{course.Draft, course.Published, course.Archived}}}, true
}

// courseInput reads the course form. Numbers that are not numbers are reported here,
// together with every broken course rule (the course package's), so the form shows all
// its mistakes at once.
func courseInput(form map[string]string) (course.CourseInput, error) {
	v := problem.Validation{}
	in := course.CourseInput{
		Title: form["title"], Summary: form["summary"], Description: form["description"],
		Audience: strings.TrimSpace(form["audience"]), Status: course.Status(form["status"]),
		RequiresEvaluation: form["requires_evaluation"] == "yes",
	}
	if s := strings.TrimSpace(form["duration_minutes"]); s == "" {
		v.Add("duration_minutes", "Enter how long the course lasts, in minutes")
	} else if n, ok := parseWhole(s); !ok {
		v.Add("duration_minutes", "Enter the length as a whole number of minutes, like 90")
	} else {
		in.DurationMinutes = n
	}
	if s := strings.TrimSpace(form["validity_months"]); s != "" {
		if n, ok := parseWhole(s); ok {
			in.ValidityMonths = n
		} else {
			v.Add("validity_months", "Enter the number of months as a whole number, like 36, or leave it blank")
		}
	}
	if s := form["provider_id"]; s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			in.ProviderID = n
		} else {
			v.Add("provider_id", "Choose an organisation from the list")
		}
	}
	if len(form["audience"]) > 500 {
		v.Add("audience", "Who it is for must be 500 characters or fewer")
	}
	if len(form["topics"]) > 2000 {
		v.Add("topics", "Topics must be 2,000 characters or fewer")
	}
	in.Topics = strings.Split(form["topics"], ",")
	readCharges(form, &in, v)
	readApprovalFields(form, &in, v) // manager approval: approval_course_form.go
	readFollowUpField(form, &in, v)
	if err := v.Err(); err != nil {
		return in, problem.Merge(err, in.Check())
	}
	return in, nil
}

func (h *Handler) adminCourseNew(c *gin.Context) {
	p, ok := h.coursePage(c, course.Course{})
	if !ok {
		return
	}
	h.page(c, http.StatusOK, "admin-course-form", p)
}

func (h *Handler) adminCourseCreate(c *gin.Context) {
	p, ok := h.coursePage(c, course.Course{})
	if !ok {
		return
	}
	p.Form = formValues(c, courseFields...)
	in, err := courseInput(p.Form)
	if err != nil {
		h.formProblem(c, "admin-course-form", p, err)
		return
	}
	id, err := h.Courses.CreateCourse(c.Request.Context(), in)
	if err != nil {
		h.formProblem(c, "admin-course-form", p, err)
		return
	}
	h.redirect(c, "/admin/courses/"+strconv.FormatInt(id, 10), "Course added. Add its sessions below")
}

func (h *Handler) adminCourseEdit(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	crs, err := h.Courses.Course(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	p, ok := h.coursePage(c, crs)
	if !ok {
		return
	}
	p.Form = map[string]string{
		"title": crs.Title, "summary": crs.Summary, "description": crs.Description, "audience": crs.Audience,
		"duration_minutes": strconv.Itoa(crs.DurationMinutes), "status": string(crs.Status),
		"topics": strings.Join(crs.Topics, ", "), "followup_days": followUpFormValue(crs.FollowUpDays),
	}
	if crs.ProviderID != 0 {
		p.Form["provider_id"] = strconv.FormatInt(crs.ProviderID, 10)
	}
	if crs.ValidityMonths != 0 {
		p.Form["validity_months"] = strconv.Itoa(crs.ValidityMonths)
	}
	if crs.RequiresEvaluation {
		p.Form["requires_evaluation"] = "yes"
	}
	chargeFormValues(crs, p.Form)
	approvalFormValues(crs, p.Form) // manager approval: approval_course_form.go
	h.page(c, http.StatusOK, "admin-course-form", p)
}

func (h *Handler) adminCourseUpdate(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	crs, err := h.Courses.Course(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	p, ok := h.coursePage(c, crs)
	if !ok {
		return
	}
	p.Form = formValues(c, courseFields...)
	in, err := courseInput(p.Form)
	if err != nil {
		h.formProblem(c, "admin-course-form", p, err)
		return
	}
	audit.Note(c.Request.Context(), crs, func(ctx context.Context, tx *sql.Tx) (any, error) { return course.CourseTx(ctx, tx, id) })
	if err := h.Courses.UpdateCourse(c.Request.Context(), id, in); err != nil {
		h.formProblem(c, "admin-course-form", p, err)
		return
	}
	h.redirect(c, "/admin/courses/"+strconv.FormatInt(id, 10), "Course details saved")
}
