package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/httpx"
)

// roleHints say what each role lets a person do, beside its checkbox.
var roleHints = map[account.Role]string{
	account.Practitioner: "Books training and keeps a learning record.",
	account.Trainer:      "Takes the register for the sessions they run.",
	account.Partner:      "Runs courses for a training partner organisation.",
	account.Manager:      "Sees their organisation's staff and approves their bookings.",
	account.Admin:        "Runs the whole service, including people and courses.",
}

type roleOption struct {
	Role    account.Role
	Label   string
	Hint    string
	ID      string // the checkbox id: the first is "roles", so the error summary lands on it
	Checked bool
}

type personFormData struct {
	ID    int64 // 0 for a new person
	Name  string
	Orgs  []option
	Roles []roleOption
}

// personFields are the form's fields, in the order the page shows them.
var personFields = []string{"name", "email", "job_title", "team", "organisation_id"}

// personPage builds the add or edit form around the values in form and the roles chosen.
func (h *Handler) personPage(c *gin.Context, id int64, name string, form map[string]string, roles []account.Role) (Page, error) {
	orgs, err := h.Accounts.Organisations(c.Request.Context())
	if err != nil {
		return Page{}, err
	}
	d := personFormData{ID: id, Name: name}
	d.Orgs = append(d.Orgs, option{Value: "", Label: "Choose an organisation", Selected: form["organisation_id"] == ""})
	for _, o := range orgs {
		v := strconv.FormatInt(o.ID, 10)
		d.Orgs = append(d.Orgs, option{Value: v, Label: o.Name, Selected: v == form["organisation_id"]})
	}
	for i, r := range account.AllRoles {
		o := roleOption{Role: r, Label: strings.ToUpper(string(r[:1])) + string(r[1:]), Hint: roleHints[r],
			ID: "roles-" + string(r), Checked: hasRole(roles, r)}
		if i == 0 {
			o.ID = "roles"
		}
		d.Roles = append(d.Roles, o)
	}
	title := "Add a person"
	if id != 0 {
		title = "Change " + name + "'s details"
	}
	return Page{Title: title, Form: form, Data: d}, nil
}

func hasRole(roles []account.Role, r account.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// readPerson reads the submitted form; a non-number organisation becomes 0, which the
// domain reports as "choose an organisation".
func readPerson(c *gin.Context) (account.Person, map[string]string, []account.Role) {
	form := formValues(c, personFields...)
	var roles []account.Role
	for _, r := range c.PostFormArray("roles") {
		roles = append(roles, account.Role(r))
	}
	org, _ := strconv.ParseInt(strings.TrimSpace(form["organisation_id"]), 10, 64)
	return account.Person{Name: form["name"], Email: form["email"], JobTitle: form["job_title"], Team: form["team"],
		OrganisationID: org, Roles: roles}, form, roles
}

func (h *Handler) adminPersonNew(c *gin.Context) {
	p, err := h.personPage(c, 0, "", map[string]string{}, []account.Role{account.Practitioner})
	if err != nil {
		h.fail(c, err)
		return
	}
	h.page(c, http.StatusOK, "admin-people-form", p)
}

// adminPersonCreate adds a person; they choose their own password from the emailed link.
func (h *Handler) adminPersonCreate(c *gin.Context) {
	in, form, roles := readPerson(c)
	u, err := h.Accounts.AddPerson(c.Request.Context(), in)
	if err != nil {
		p, perr := h.personPage(c, 0, "", form, roles)
		if perr != nil {
			h.fail(c, perr)
			return
		}
		h.formProblem(c, "admin-people-form", p, err)
		return
	}
	h.redirect(c, personURL(u.ID), u.Name+" has been added. We have emailed them a link to set their password.")
}

func (h *Handler) adminPersonEdit(c *gin.Context) {
	u, ok := h.pathPerson(c)
	if !ok {
		return
	}
	form := map[string]string{"name": u.Name, "email": u.Email, "job_title": u.JobTitle, "team": u.Team,
		"organisation_id": strconv.FormatInt(u.OrganisationID, 10)}
	p, err := h.personPage(c, u.ID, u.Name, form, u.Roles)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.page(c, http.StatusOK, "admin-people-form", p)
}

func (h *Handler) adminPersonUpdate(c *gin.Context) {
	u, ok := h.pathPerson(c)
	if !ok {
		return
	}
	in, form, roles := readPerson(c)
	if err := h.Accounts.UpdatePerson(c.Request.Context(), httpx.CurrentUser(c).ID, u.ID, in); err != nil {
		p, perr := h.personPage(c, u.ID, u.Name, form, roles)
		if perr != nil {
			h.fail(c, perr)
			return
		}
		h.formProblem(c, "admin-people-form", p, err)
		return
	}
	h.redirect(c, personURL(u.ID), "Details saved")
}
