package web

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/audit"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
)

// onlineRuleData is the course whose online attendance rule is being set.
type onlineRuleData struct {
	Course  course.Course
	Default attendance.OnlineRule
}

// adminOnlineRule shows a course's rule for turning time in an online session into a
// proposed mark.
func (h *Handler) adminOnlineRule(c *gin.Context) {
	crs, ok := h.ruleCourse(c)
	if !ok {
		return
	}
	rule, err := h.Attendance.OnlineRule(c.Request.Context(), crs.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.page(c, http.StatusOK, "admin-online-rule", Page{Title: "Online attendance rule: " + crs.Title,
		Data: onlineRuleData{Course: crs, Default: attendance.DefaultOnlineRule},
		Form: map[string]string{"attended_percent": strconv.Itoa(rule.AttendedPercent), "partial_percent": strconv.Itoa(rule.PartialPercent)}})
}

// adminOnlineRuleSave keeps the course's rule.
func (h *Handler) adminOnlineRuleSave(c *gin.Context) {
	crs, ok := h.ruleCourse(c)
	if !ok {
		return
	}
	p := Page{Title: "Online attendance rule: " + crs.Title, Data: onlineRuleData{Course: crs, Default: attendance.DefaultOnlineRule},
		Form: formValues(c, "attended_percent", "partial_percent")}
	rule, err := attendance.ParseOnlineRule(p.Form["attended_percent"], p.Form["partial_percent"])
	if err == nil {
		before, _ := h.Attendance.OnlineRule(c.Request.Context(), crs.ID)
		audit.Note(c.Request.Context(), before, func(ctx context.Context, tx *sql.Tx) (any, error) { return attendance.OnlineRuleTx(ctx, tx, crs.ID) })
		err = h.Attendance.SetOnlineRule(c.Request.Context(), crs.ID, rule, httpx.CurrentUser(c).ID)
	}
	if err != nil {
		h.formProblem(c, "admin-online-rule", p, err)
		return
	}
	h.redirect(c, "/admin/courses/"+strconv.FormatInt(crs.ID, 10), "Online attendance rule saved. "+rule.Describe())
}

func (h *Handler) ruleCourse(c *gin.Context) (course.Course, bool) {
	id, err := httpx.ParamID(c, "id")
	if err == nil {
		var crs course.Course
		if crs, err = h.Courses.Course(c.Request.Context(), id); err == nil {
			return crs, true
		}
	}
	h.fail(c, err)
	return course.Course{}, false
}
