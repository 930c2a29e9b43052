package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/certificate"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/httpx"
)

// personPageData is one member of staff's learning record as their manager sees it.
type personPageData struct {
	Person      compliance.Person
	Org         account.Organisation
	Status      string
	StatusTag   string
	Required    []requiredRow
	Completions []personCompletion
	Upcoming    []booking.Entry
	Earlier     []booking.Entry
	BackURL     string
}

// requiredRow is a course required of the person, and where they stand on it.
type requiredRow struct {
	CourseID int64
	Course   string
	Renewal  string // "Every 36 months", "Once is enough"
	matrixCell
}

// personCompletion is a completed course. Certificates download for admins only (as on
// the record pages); a manager gets the code, which anyone may check on /verify.
type personCompletion struct {
	CourseID    int64
	Course      string
	Completed   string
	Expires     string
	StatusLabel string
	StatusTag   string
	Code        string
	Download    bool
}

// person is one member of staff's record: the training required of them, what they have
// completed (with certificate codes) and their bookings. Someone outside the manager's
// organisation is "not found".
func (m *managerPages) person(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		m.h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	mx, err := m.svc.Person(ctx, personScope(c), id)
	if err != nil {
		m.h.fail(c, err)
		return
	}
	p := mx.People[0]
	d := personPageData{Person: p, Org: mx.Organisation, Status: p.Status.StatusLabel(), StatusTag: p.Status.Tag(),
		BackURL: "/manager"}
	me := httpx.CurrentUser(c)
	if me.IsAdmin() && mx.Organisation.ID != me.OrganisationID {
		d.BackURL += "?org=" + strconv.FormatInt(mx.Organisation.ID, 10)
	}
	for j, cell := range p.Cells {
		if cell.Required {
			d.Required = append(d.Required, requiredRow{CourseID: mx.Courses[j].ID, Course: mx.Courses[j].Title,
				Renewal: compliance.MonthsLabel(cell.RenewMonths), matrixCell: newMatrixCell(cell, mx.At)})
		}
	}
	done, err := m.h.Attendance.Completions(ctx, id)
	if err != nil {
		m.h.fail(c, err)
		return
	}
	for _, k := range done {
		pc := personCompletion{CourseID: k.CourseID, Course: k.CourseTitle, Completed: certificate.LongDate(k.CompletedOn),
			Code: k.CertificateCode, Download: me.IsAdmin() && k.CertificateCode != ""}
		if !k.ExpiresOn.IsZero() {
			pc.Expires = certificate.LongDate(k.ExpiresOn)
		}
		pc.StatusLabel, pc.StatusTag = expiryWords(k.Status)
		d.Completions = append(d.Completions, pc)
	}
	entries, err := m.h.Bookings.ForUser(ctx, id)
	if err != nil {
		m.h.fail(c, err)
		return
	}
	now := m.h.Now()
	for _, e := range entries {
		if e.Status.Live() && now.Before(e.EndsAt) && e.SessionStatus != "cancelled" {
			d.Upcoming = append(d.Upcoming, e)
		} else {
			d.Earlier = append([]booking.Entry{e}, d.Earlier...) // newest first
		}
	}
	m.h.page(c, http.StatusOK, "manager-person", Page{Title: p.Name, Data: d})
}
