package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

type dashboardData struct {
	RegistrationOpen bool
	AdminTwoFactor   bool // admins must use two-factor sign-in
	Upcoming         int
	Full             int
	WithWaitingList  int
	PlacesBooked     int
	Next             []course.Session
	Organisations    int
	Courses          int
	Todo             []todoItem      // the admin's to-do list, as on their home (home_roles.go)
	SSO              adminSSOSetting // the single sign-on button's label (sso_admin.go)
}

// adminDashboard is the admin's starting point: what is coming up and the settings.
func (h *Handler) adminDashboard(c *gin.Context) {
	h.dashboard(c, http.StatusOK, nil)
}

func (h *Handler) dashboard(c *gin.Context, status int, pe *problem.Error) {
	ctx := c.Request.Context()
	open, err := h.Accounts.RegistrationOpen(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	sessions, err := h.Courses.Sessions(ctx, course.SessionFilter{OnlyScheduled: true})
	if err != nil {
		h.fail(c, err)
		return
	}
	orgs, err := h.Accounts.Organisations(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	courses, err := h.Courses.Courses(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := dashboardData{RegistrationOpen: open, Upcoming: len(sessions), Organisations: len(orgs), Courses: len(courses)}
	if d.AdminTwoFactor, err = h.Accounts.AdminTwoFactorRequired(ctx); err != nil {
		h.fail(c, err)
		return
	}
	todo, err := h.adminTodo(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	d.Todo = adminTodoItems(todo)
	if d.SSO, err = h.adminSSO(c); err != nil {
		h.fail(c, err)
		return
	}
	for _, s := range sessions {
		if s.Full() {
			d.Full++
		}
		if s.Waitlisted > 0 {
			d.WithWaitingList++
		}
		d.PlacesBooked += s.Confirmed
	}
	d.Next = sessions[:min(len(sessions), 10)]
	h.page(c, status, "admin-dashboard", Page{Title: "Admin", Problem: pe, Data: d})
}

// adminSetRegistration switches self-registration on or off.
func (h *Handler) adminSetRegistration(c *gin.Context) {
	var open bool
	switch c.PostForm("registration") {
	case "open":
		open = true
	case "closed":
	default:
		pe := problem.Validation{"registration": "Choose whether people can create their own accounts"}.Err()
		h.dashboard(c, http.StatusUnprocessableEntity, pe.(*problem.Error))
		return
	}
	if err := h.Accounts.SetRegistrationOpen(c.Request.Context(), open); err != nil {
		h.fail(c, err)
		return
	}
	msg := "Registration is closed: people cannot create their own accounts"
	if open {
		msg = "Registration is open: people can create their own accounts"
	}
	h.redirect(c, "/admin", msg)
}

// adminOrganisations lists every organisation.
func (h *Handler) adminOrganisations(c *gin.Context) {
	orgs, err := h.Accounts.Organisations(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	h.page(c, http.StatusOK, "admin-organisations", Page{Title: "Organisations", Data: orgs})
}

type orgFormData struct {
	ID    int64 // 0 for a new organisation
	Types []account.OrgType
}

func orgPage(id int64) Page {
	title := "Add an organisation"
	if id != 0 {
		title = "Change an organisation"
	}
	return Page{Title: title, Form: map[string]string{}, Data: orgFormData{ID: id, Types: account.OrgTypes}}
}

func (h *Handler) adminOrganisationNew(c *gin.Context) {
	h.page(c, http.StatusOK, "admin-organisation-form", orgPage(0))
}

// orgFields are the organisation form's fields.
var orgFields = []string{"name", "type", "domains"}

// orgInput reads the organisation form, reporting every mistake at once.
func orgInput(form map[string]string) (account.Organisation, error) {
	domains, msg := account.ParseDomains(form["domains"])
	o := account.Organisation{Name: form["name"], Type: account.OrgType(form["type"]), Domains: domains}
	if msg != "" {
		return o, problem.Merge(problem.Validation{"domains": msg}.Err(), o.Check())
	}
	return o, nil
}

func (h *Handler) adminOrganisationCreate(c *gin.Context) {
	p := orgPage(0)
	p.Form = formValues(c, orgFields...)
	in, err := orgInput(p.Form)
	if err != nil {
		h.formProblem(c, "admin-organisation-form", p, err)
		return
	}
	o, err := h.Accounts.AddOrganisation(c.Request.Context(), in)
	if err != nil {
		h.formProblem(c, "admin-organisation-form", p, err)
		return
	}
	h.redirect(c, "/admin/organisations", "Organisation added: "+o.Name)
}

func (h *Handler) adminOrganisationEdit(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	o, err := h.Accounts.Organisation(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	p := orgPage(id)
	p.Form = map[string]string{"name": o.Name, "type": string(o.Type), "domains": strings.Join(o.Domains, ", ")}
	h.page(c, http.StatusOK, "admin-organisation-form", p)
}

func (h *Handler) adminOrganisationUpdate(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	p := orgPage(id)
	p.Form = formValues(c, orgFields...)
	o, err := orgInput(p.Form)
	if err != nil {
		h.formProblem(c, "admin-organisation-form", p, err)
		return
	}
	o.ID = id
	if err := h.Accounts.UpdateOrganisation(c.Request.Context(), o); err != nil {
		h.formProblem(c, "admin-organisation-form", p, err)
		return
	}
	h.redirect(c, "/admin/organisations", "Organisation saved")
}
