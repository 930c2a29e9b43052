package web

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// managerPages serves the manager pages with the compliance service.
type managerPages struct {
	h   *Handler
	svc *compliance.Service
}

// matrixPageSize is how many people one page of the matrix shows; the CSV has them all.
const matrixPageSize = 100

// scopeOrg is the organisation whose staff this request may see: a manager's own, always;
// an admin's choice (?org=ID), else their own.
func scopeOrg(c *gin.Context) (int64, error) {
	me := httpx.CurrentUser(c)
	if !me.IsAdmin() {
		return me.OrganisationID, nil
	}
	raw := strings.TrimSpace(c.Query("org"))
	if raw == "" {
		return me.OrganisationID, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.NotFound
	}
	return id, nil
}

// personScope is the organisation a person page may show people from: a manager's own;
// 0 (any) for admins.
func personScope(c *gin.Context) int64 {
	if me := httpx.CurrentUser(c); !me.IsAdmin() {
		return me.OrganisationID
	}
	return 0
}

// matrixRequest is what the matrix page and its CSV share: the scope, the matrix and the
// filter, with any problem in the filter.
type matrixRequest struct {
	Matrix  *compliance.Matrix
	Filter  compliance.Filter
	People  []compliance.Person // those the filter keeps
	Counts  compliance.Counts
	Problem *problem.Error // a filter value that was not understood (and was ignored)
}

func (m *managerPages) load(c *gin.Context) (*matrixRequest, error) {
	orgID, err := scopeOrg(c)
	if err != nil {
		return nil, err
	}
	req := &matrixRequest{}
	f, ferr := compliance.ParseFilter(c.Query("team"), c.Query("job_title"), c.Query("status"))
	if ferr != nil {
		errors.As(ferr, &req.Problem)
	}
	req.Filter = f
	if req.Matrix, err = m.svc.Matrix(c.Request.Context(), orgID); err != nil {
		return nil, err
	}
	req.People, req.Counts = req.Matrix.Select(f)
	return req, nil
}

// query is the matrix's address for the same organisation (admins) and filter, changed
// by the name, value pairs in set ("" removes a value).
func (r *matrixRequest) query(c *gin.Context, set ...string) string {
	q := url.Values{}
	if httpx.CurrentUser(c).IsAdmin() {
		q.Set("org", strconv.FormatInt(r.Matrix.Organisation.ID, 10))
	}
	for k, v := range map[string]string{"team": r.Filter.Team, "job_title": r.Filter.JobTitle, "status": string(r.Filter.Status)} {
		if v != "" {
			q.Set(k, v)
		}
	}
	for i := 0; i+1 < len(set); i += 2 {
		if set[i+1] == "" {
			q.Del(set[i])
		} else {
			q.Set(set[i], set[i+1])
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}
