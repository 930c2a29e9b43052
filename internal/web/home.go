package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/httpx"
)

// homeData is the signed-in person's home: one section for each role they hold, in the
// order their work comes (the admin's to-do first, then trainer, partner and manager), and
// their own training last. A section is nil when the person does not hold the role.
type homeData struct {
	Admin    *homeAdmin
	Trainer  *homeTrainer
	Partner  *homePartner
	Manager  *homeManager
	Own      *homeOwn
	Sections []homeSection // "On this page", when there is more than one section
}

// homeSection is a link to one section of the home page.
type homeSection struct {
	ID, Label string
}

// homeListLimit keeps each section short; a link leads to the full page.
const homeListLimit = 5

// home is "/": anonymous people go to the course list; a signed-in person sees their own
// home, stacking the sections of every role they hold.
func (h *Handler) home(c *gin.Context) {
	me := httpx.CurrentUser(c)
	if me == nil {
		c.Redirect(http.StatusSeeOther, "/courses")
		return
	}
	svc := h.Compliance
	var d homeData
	var err error
	if me.IsAdmin() {
		if d.Admin, err = h.homeAdmin(c); err != nil {
			h.fail(c, err)
			return
		}
		d.Sections = append(d.Sections, homeSection{"todo", "To do"})
	}
	if me.IsTrainer() {
		if d.Trainer, err = h.homeTrainer(c); err != nil {
			h.fail(c, err)
			return
		}
		d.Sections = append(d.Sections, homeSection{"teaching", "Your sessions"})
	}
	if me.IsPartner() {
		if d.Partner, err = h.homePartner(c); err != nil {
			h.fail(c, err)
			return
		}
		if d.Partner != nil {
			d.Sections = append(d.Sections, homeSection{"partner", "Your organisation's courses"})
		}
	}
	if me.IsManager() {
		if d.Manager, err = h.homeManager(c, svc); err != nil {
			h.fail(c, err)
			return
		}
		d.Sections = append(d.Sections, homeSection{"staff", "Your staff"})
	}
	if d.Own, err = h.homeOwn(c, svc); err != nil {
		h.fail(c, err)
		return
	}
	d.Sections = append(d.Sections, homeSection{"training", "Your training"})
	if len(d.Sections) < 2 {
		d.Sections = nil
	}
	h.page(c, http.StatusOK, "home", Page{Title: "Home", Data: d})
}
