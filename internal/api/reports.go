package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

type reportAPI struct {
	h   *Handler
	svc *compliance.Service
}

type completionReportJSON struct {
	Organisation orgRefJSON             `json:"organisation"`
	Courses      []courseRefJSON        `json:"courses"`
	People       []completionPersonJSON `json:"people"`
}

type orgRefJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type courseRefJSON struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

type completionPersonJSON struct {
	ID       int64                `json:"id"`
	Name     string               `json:"name"`
	JobTitle string               `json:"job_title"`
	Team     string               `json:"team"`
	Status   string               `json:"status"`
	Cells    []completionCellJSON `json:"cells"`
}

type completionCellJSON struct {
	CourseID    int64   `json:"course_id"`
	State       string  `json:"state"`
	CompletedOn *string `json:"completed_on"`
	ExpiresOn   *string `json:"expires_on"`
}

// errOrganisationID asks an admin which organisation they mean.
var errOrganisationID = problem.Validation{"organisation_id": "Give the organisation's id as a whole number, like ?organisation_id=3"}

// completion is the completion matrix of one organisation. A manager gets their own
// organisation's; naming another is 404, never the data. An admin must name one.
func (a *reportAPI) completion(c *gin.Context) {
	me := httpx.CurrentUser(c)
	raw, given := c.GetQuery("organisation_id")
	raw = strings.TrimSpace(raw)
	var orgID int64
	if given && raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			a.h.fail(c, errOrganisationID.Err())
			return
		}
		orgID = id
	}
	switch {
	case me.IsAdmin() && orgID == 0:
		a.h.fail(c, errOrganisationID.Err())
		return
	case !me.IsAdmin() && orgID != 0 && orgID != me.OrganisationID:
		a.h.fail(c, problem.NotFound)
		return
	case !me.IsAdmin():
		orgID = me.OrganisationID
	}
	f, err := compliance.ParseFilter(c.Query("team"), c.Query("job_title"), c.Query("status"))
	if err != nil {
		a.h.fail(c, err)
		return
	}
	m, err := a.svc.Matrix(c.Request.Context(), orgID)
	if err != nil {
		a.h.fail(c, err)
		return
	}
	people, _ := m.Select(f)
	out := completionReportJSON{Organisation: orgRefJSON{ID: m.Organisation.ID, Name: m.Organisation.Name},
		Courses: make([]courseRefJSON, len(m.Courses)), People: make([]completionPersonJSON, 0, len(people))}
	for i, course := range m.Courses {
		out.Courses[i] = courseRefJSON{ID: course.ID, Title: course.Title}
	}
	for _, p := range people {
		j := completionPersonJSON{ID: p.ID, Name: p.Name, JobTitle: p.JobTitle, Team: p.Team, Status: string(p.Status),
			Cells: make([]completionCellJSON, 0, len(p.Cells))}
		for i, cell := range p.Cells {
			if cell.Required {
				j.Cells = append(j.Cells, completionCellJSON{CourseID: m.Courses[i].ID, State: string(cell.State),
					CompletedOn: londonDay(cell.CompletedOn), ExpiresOn: londonDay(cell.ExpiresOn)})
			}
		}
		out.People = append(out.People, j)
	}
	c.JSON(http.StatusOK, out)
}
