package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
)

// partnerOrg is the training partner the signed-in person acts for, from their account.
// A partner role on an organisation that is not a training partner opens nothing.
func (h *Handler) partnerOrg(c *gin.Context) (account.Organisation, bool) {
	o, ok, err := h.Accounts.PartnerOrganisation(c.Request.Context(), httpx.CurrentUser(c))
	if err != nil {
		h.fail(c, err)
		return o, false
	}
	if !ok {
		h.fail(c, course.ErrNotPartner)
		return o, false
	}
	return o, true
}

// approvalState is how a partner's course stands, in words and a tag colour.
type approvalState struct {
	Label string
	Tag   string
	Note  string // why it was not approved
	// Pending and Rejected say the course is waiting for, or was refused, approval.
	Pending, Rejected bool
}

func courseApprovalState(c course.Course) approvalState {
	switch {
	case c.Approval == course.Pending:
		return approvalState{Label: "Waiting for approval", Tag: "tag--yellow", Pending: true}
	case c.Approval == course.Rejected:
		return approvalState{Label: "Not approved", Tag: "tag--red", Note: c.ApprovalNote, Rejected: true}
	case c.Live():
		return approvalState{Label: "Live", Tag: "tag--green"}
	case c.Status == course.Archived:
		return approvalState{Label: "Archived", Tag: "tag--grey"}
	}
	return approvalState{Label: "Not listed", Tag: "tag--grey"}
}

type partnerCourseRow struct {
	course.Course
	State    approvalState
	Upcoming int
}

type partnerDashboardData struct {
	Org      account.Organisation
	Courses  []partnerCourseRow
	Sessions []course.Session
	// Share is the organisation's listing for its own website; nil until a course is live.
	Share *shareView
}

// partnerDashboard is the partner's starting point: their courses, whether each is live,
// and their coming sessions with how full they are.
func (h *Handler) partnerDashboard(c *gin.Context) {
	org, ok := h.partnerOrg(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	courses, err := h.Courses.PartnerCourses(ctx, org.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	sessions, err := h.Courses.PartnerSessions(ctx, org.ID, 0, false)
	if err != nil {
		h.fail(c, err)
		return
	}
	upcoming := map[int64]int{}
	for _, s := range sessions {
		if !s.IsCancelled() {
			upcoming[s.CourseID]++
		}
	}
	share, err := h.partnerShare(c, org)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := partnerDashboardData{Org: org, Sessions: sessions, Share: share}
	for _, crs := range courses {
		d.Courses = append(d.Courses, partnerCourseRow{Course: crs, State: courseApprovalState(crs), Upcoming: upcoming[crs.ID]})
	}
	h.page(c, http.StatusOK, "partner-dashboard", Page{Title: "Your courses", Data: d})
}
