package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

const pendingPath = "/admin/courses/pending"

type pendingCoursesData struct {
	Courses  []course.PendingCourse
	AutoLive bool
}

// rejectField names a course's reason box; each course on the page has its own form, so
// ids stay unique and the error summary can link to the right one.
func rejectField(id int64) string { return "reason-" + strconv.FormatInt(id, 10) }

// adminPendingCourses lists partners' courses waiting for approval, with the setting that
// lets partners' courses go live without it.
func (h *Handler) adminPendingCourses(c *gin.Context) {
	h.pendingCourses(c, http.StatusOK, nil, nil)
}

func (h *Handler) pendingCourses(c *gin.Context, status int, pe *problem.Error, form map[string]string) {
	ctx := c.Request.Context()
	list, err := h.Courses.PendingCourses(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	on, err := h.Accounts.PartnerCoursesGoLive(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.page(c, status, "admin-courses-pending", Page{Title: "Partner courses waiting for approval", Problem: pe, Form: form,
		Data: pendingCoursesData{Courses: list, AutoLive: on}})
}

// adminApproveCourse lists a partner's course; its dates can be booked from now on.
func (h *Handler) adminApproveCourse(c *gin.Context) {
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
	if err := h.Courses.ApproveCourse(ctx, id); err != nil {
		if pe := h.correctable(c, err); pe != nil {
			h.pendingCourses(c, pe.Status, pe, nil)
		}
		return
	}
	h.redirect(c, pendingPath, "Approved: "+crs.Title+" is now listed and its dates can be booked")
}

// adminRejectCourse turns a course down with a reason, which the partner sees.
func (h *Handler) adminRejectCourse(c *gin.Context) {
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
	field := rejectField(id)
	form := formValues(c, field)
	if err := h.Courses.RejectCourse(ctx, id, form[field]); err != nil {
		if pe := h.correctable(c, remapFields(err, map[string]string{"reason": field})); pe != nil {
			h.pendingCourses(c, pe.Status, pe, form)
		}
		return
	}
	h.redirect(c, pendingPath, "Not approved: "+crs.ProviderName+" can see your reason and change "+crs.Title)
}

// adminSetPartnerCourses switches approval of partners' new courses on or off.
func (h *Handler) adminSetPartnerCourses(c *gin.Context) {
	var on bool
	switch c.PostForm("partner_courses_go_live") {
	case "yes":
		on = true
	case "":
	default:
		pe := problem.Validation{"partner_courses_go_live": "Tick the box, or leave it empty"}.Err().(*problem.Error)
		h.pendingCourses(c, http.StatusUnprocessableEntity, pe, nil)
		return
	}
	if err := h.Accounts.SetPartnerCoursesGoLive(c.Request.Context(), on); err != nil {
		h.fail(c, err)
		return
	}
	msg := "Partners' new courses now wait for an admin's approval"
	if on {
		msg = "Partners' new courses now go live without approval"
	}
	h.redirect(c, pendingPath, msg)
}
