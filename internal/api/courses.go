package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// listCourses is the published catalogue, soonest next session first. Optional q (words)
// and topic narrow it the way the catalogue page does.
func (h *Handler) listCourses(c *gin.Context) {
	q := course.Search{Words: strings.TrimSpace(c.Query("q")), Topic: strings.TrimSpace(c.Query("topic"))}
	v := problem.Validation{}
	if len(q.Words) > 200 {
		v.Add("q", "Search words must be 200 characters or fewer")
	}
	if len(q.Topic) > 80 {
		v.Add("topic", "Topic must be 80 characters or fewer")
	}
	if err := v.Err(); err != nil {
		h.fail(c, err)
		return
	}
	listings, err := h.Courses.Catalogue(c.Request.Context(), q)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]courseJSON, 0, len(listings))
	for _, l := range listings {
		out = append(out, newCourseJSON(l.Course))
	}
	c.JSON(http.StatusOK, gin.H{"courses": out})
}

// getCourse shows one course with its upcoming scheduled sessions. Courses that are not
// published exist only for admins.
func (h *Handler) getCourse(c *gin.Context) {
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
	u := httpx.CurrentUser(c)
	if !crs.VisibleTo(course.ViewerOf(u)) {
		h.fail(c, course.ErrCourseNotBookable)
		return
	}
	sessions, err := h.Courses.Sessions(ctx, course.SessionFilter{CourseID: id, From: h.Now(), OnlyScheduled: true})
	if err != nil {
		h.fail(c, err)
		return
	}
	links, err := h.linkVisibility(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := courseDetailJSON{courseJSON: newCourseJSON(crs), Sessions: make([]sessionJSON, 0, len(sessions))}
	for _, s := range sessions {
		out.Sessions = append(out.Sessions, newSessionJSON(s, links.show(s)))
	}
	c.JSON(http.StatusOK, out)
}
