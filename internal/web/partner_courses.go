package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
)

// partnerCourseFields are what a partner says about a course. Who delivers it is their
// organisation; whether it is listed, manager approval and charges are the partnership's.
var partnerCourseFields = []string{"title", "summary", "description", "audience", "duration_minutes",
	"validity_months", "topics", "requires_evaluation"}

func partnerCoursePath(id int64) string { return "/partner/courses/" + strconv.FormatInt(id, 10) }

type partnerCourseFormData struct {
	Org      account.Organisation
	ID       int64  // 0 for a new course
	Stored   string // the course's title as saved, for the breadcrumbs
	State    approvalState
	AutoLive bool // a new course goes live without approval
}

// partnerScopedCourse loads the course in the path when it is the partner's own; any
// other course is "not found", like one that does not exist.
func (h *Handler) partnerScopedCourse(c *gin.Context) (account.Organisation, course.Course, bool) {
	org, ok := h.partnerOrg(c)
	if !ok {
		return org, course.Course{}, false
	}
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return org, course.Course{}, false
	}
	crs, err := h.Courses.PartnerCourse(c.Request.Context(), org.ID, id)
	if err != nil {
		h.fail(c, err)
		return org, crs, false
	}
	return org, crs, true
}

func (h *Handler) partnerCourseFormPage(c *gin.Context, org account.Organisation, crs course.Course) (Page, bool) {
	d := partnerCourseFormData{Org: org, ID: crs.ID, Stored: crs.Title, State: courseApprovalState(crs)}
	title := "Change course details"
	if crs.ID == 0 {
		title = "Add a course"
		on, err := h.Accounts.PartnerCoursesGoLive(c.Request.Context())
		if err != nil {
			h.fail(c, err)
			return Page{}, false
		}
		d.AutoLive = on
	}
	return Page{Title: title, Form: map[string]string{}, Data: d}, true
}

func (h *Handler) partnerCourseNew(c *gin.Context) {
	org, ok := h.partnerOrg(c)
	if !ok {
		return
	}
	p, ok := h.partnerCourseFormPage(c, org, course.Course{})
	if !ok {
		return
	}
	h.page(c, http.StatusOK, "partner-course-form", p)
}

// partnerCourseCreate adds a course for the partner's organisation. It waits for an
// admin's approval unless the partnership has switched that off.
func (h *Handler) partnerCourseCreate(c *gin.Context) {
	org, ok := h.partnerOrg(c)
	if !ok {
		return
	}
	p, ok := h.partnerCourseFormPage(c, org, course.Course{})
	if !ok {
		return
	}
	p.Form = formValues(c, partnerCourseFields...)
	in, err := courseInput(p.Form)
	if err != nil {
		h.formProblem(c, "partner-course-form", p, err)
		return
	}
	autoLive := p.Data.(partnerCourseFormData).AutoLive
	id, err := h.Courses.CreatePartnerCourse(c.Request.Context(), org.ID, in, autoLive)
	if err != nil {
		h.formProblem(c, "partner-course-form", p, err)
		return
	}
	msg := "Course added. The partnership will check it before it is listed: you can add its dates now"
	if autoLive {
		msg = "Course added and listed. Add its dates below"
	}
	h.redirect(c, partnerCoursePath(id), msg)
}

func (h *Handler) partnerCourseEdit(c *gin.Context) {
	org, crs, ok := h.partnerScopedCourse(c)
	if !ok {
		return
	}
	p, ok := h.partnerCourseFormPage(c, org, crs)
	if !ok {
		return
	}
	p.Form = map[string]string{
		"title": crs.Title, "summary": crs.Summary, "description": crs.Description, "audience": crs.Audience,
		"duration_minutes": strconv.Itoa(crs.DurationMinutes), "topics": strings.Join(crs.Topics, ", "),
	}
	if crs.ValidityMonths != 0 {
		p.Form["validity_months"] = strconv.Itoa(crs.ValidityMonths)
	}
	if crs.RequiresEvaluation {
		p.Form["requires_evaluation"] = "yes"
	}
	h.page(c, http.StatusOK, "partner-course-form", p)
}

// partnerCourseUpdate saves a partner's changes; a course that was not approved goes back
// to the partnership for approval.
func (h *Handler) partnerCourseUpdate(c *gin.Context) {
	org, crs, ok := h.partnerScopedCourse(c)
	if !ok {
		return
	}
	p, ok := h.partnerCourseFormPage(c, org, crs)
	if !ok {
		return
	}
	p.Form = formValues(c, partnerCourseFields...)
	in, err := courseInput(p.Form)
	if err != nil {
		h.formProblem(c, "partner-course-form", p, err)
		return
	}
	if err := h.Courses.UpdatePartnerCourse(c.Request.Context(), org.ID, crs.ID, in); err != nil {
		h.formProblem(c, "partner-course-form", p, err)
		return
	}
	msg := "Course details saved"
	if crs.Approval == course.Rejected {
		msg = "Course details saved and sent to the partnership for approval"
	}
	h.redirect(c, partnerCoursePath(crs.ID), msg)
}

type partnerCourseData struct {
	Course   course.Course
	State    approvalState
	Sessions []course.Session
}

// partnerCourse shows one of the partner's courses with all its sessions, past and future.
func (h *Handler) partnerCourse(c *gin.Context) {
	org, crs, ok := h.partnerScopedCourse(c)
	if !ok {
		return
	}
	sessions, err := h.Courses.PartnerSessions(c.Request.Context(), org.ID, crs.ID, true)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.page(c, http.StatusOK, "partner-course", Page{Title: crs.Title,
		Data: partnerCourseData{Course: crs, State: courseApprovalState(crs), Sessions: sessions}})
}
