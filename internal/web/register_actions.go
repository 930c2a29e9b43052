package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

var errBadForm = problem.New(http.StatusBadRequest, "bad_request", "The form could not be read. Reload the page and try again.")

// registerProblem re-renders the register with err in the error summary when the trainer
// can act on it; anything else becomes the error page.
func (h *Handler) registerProblem(c *gin.Context, s course.Session, err error, form map[string]string, chosen map[int64]string) {
	if pe := h.correctable(c, err); pe != nil {
		h.attendanceView(c, s, pe.Status, pe, form, chosen)
	}
}

// registerWritable refuses, before anything is written, a change the register cannot
// take now. The domain checks again inside its transaction; checking here too means a
// walk-in's account is not created for a change that would then be refused, and a form
// of several marks is not half saved.
func (h *Handler) registerWritable(s course.Session, reg attendance.Register) error {
	switch {
	case s.IsCancelled():
		return attendance.ErrSessionCancelled
	case h.Now().Before(s.StartsAt):
		return attendance.ErrNotStarted
	case reg.Locked():
		return attendance.ErrRegisterLocked
	}
	return nil
}

// markChoices reads the mark-{booking id} radios. A blank value means "not given"; a
// booking that is not on this register, or a value that is not a mark, is an error.
func markChoices(c *gin.Context, reg attendance.Register) (map[int64]string, error) {
	if err := c.Request.ParseForm(); err != nil {
		return nil, errBadForm
	}
	names := make(map[int64]string, len(reg.Entries))
	for _, e := range reg.Entries {
		names[e.BookingID] = e.Name
	}
	chosen := map[int64]string{}
	v := problem.Validation{}
	for key, values := range c.Request.PostForm {
		rest, ok := strings.CutPrefix(key, "mark-")
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(rest, 10, 64)
		name, onRegister := names[id]
		if err != nil || !onRegister {
			v.Add("marks", "Someone in the form is not on this register. Reload the page and try again")
			continue
		}
		value := values[len(values)-1]
		switch m := attendance.Mark(value); {
		case value == "":
		case len(values) > 1 || !m.Valid():
			v.Add(key, "Choose attended, partly attended or did not attend for "+name)
		default:
			chosen[id] = value
		}
	}
	return chosen, v.Err()
}

// Register form actions: the marks form has one button for each, all saving the marks
// on the page first, so nothing the trainer marked is lost whichever they press.
const (
	actionSave    = "save"
	actionSubmit  = "submit"  // save, then show what submitting will do before it is locked
	actionMarkAll = "all"     // save, then mark everyone still unmarked as attended
	actionWalkIn  = "walk-in" // save, then go to the page for adding someone who came without booking
	// save, then mark everyone who checked in at the venue and is still unmarked as attended
	actionCheckedIn = "checked-in"
)

// registerSave saves the marks on the page, then does what the button pressed asks:
// nothing more (Save attendance), the confirmation step (Submit register), marking
// everyone still unmarked as attended, marking everyone who checked in at the venue as
// attended, or the walk-in page (Add someone who came without booking).
func (h *Handler) registerSave(c *gin.Context) {
	h.registerMarks(c, c.PostForm("action"))
}

// registerMarkAll marks everyone not yet marked as attended, after saving any marks sent
// with it (older forms send none).
func (h *Handler) registerMarkAll(c *gin.Context) {
	h.registerMarks(c, actionMarkAll)
}

func (h *Handler) registerMarks(c *gin.Context, action string) {
	s, ok := h.registerSession(c)
	if !ok {
		return
	}
	changed, ok := h.saveMarks(c, s)
	if !ok {
		return
	}
	saved := ""
	if changed > 0 {
		saved = "Attendance saved for " + plural(changed, "person", "people")
	}
	switch action {
	case actionSubmit:
		h.redirect(c, registerPath(s.ID)+"/confirm", saved)
	case actionWalkIn:
		h.redirect(c, registerPath(s.ID)+"/walk-ins/new", saved)
	case actionCheckedIn:
		n, err := h.CheckIn.MarkCheckedInAttended(c.Request.Context(), s.ID, httpx.CurrentUser(c).ID)
		if err != nil {
			h.registerProblem(c, s, err, nil, nil)
			return
		}
		h.redirect(c, registerPath(s.ID), checkedInMarkedMessage(saved, n))
	case actionMarkAll:
		n, err := h.Attendance.MarkEveryoneAttended(c.Request.Context(), s.ID, httpx.CurrentUser(c).ID)
		if err != nil {
			h.registerProblem(c, s, err, nil, nil)
			return
		}
		var parts []string
		if saved != "" {
			parts = append(parts, saved)
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%s marked as attended. Change anyone who did not attend, then submit the register",
				plural(n, "person", "people")))
		} else {
			parts = append(parts, "Everyone was already marked")
		}
		h.redirect(c, registerPath(s.ID), strings.Join(parts, ". "))
	default:
		if saved == "" {
			saved = "There were no changes to save"
		}
		h.redirect(c, registerPath(s.ID), saved)
	}
}

// checkedInMarkedMessage says what "Mark everyone checked in as attended" did.
func checkedInMarkedMessage(saved string, n int) string {
	var parts []string
	if saved != "" {
		parts = append(parts, saved)
	}
	if n > 0 {
		parts = append(parts, plural(n, "person", "people")+" who checked in marked as attended. Change anyone who left early, then submit the register")
	} else {
		parts = append(parts, "Everyone who checked in was already marked")
	}
	return strings.Join(parts, ". ")
}

// saveMarks records every mark in the form that differs from the stored one. When the
// form is refused it re-renders the register with the marks that were sent, so nothing
// the trainer chose is lost, and reports false.
func (h *Handler) saveMarks(c *gin.Context, s course.Session) (int, bool) {
	ctx := c.Request.Context()
	reg, err := h.Attendance.Load(ctx, s.ID)
	if err != nil {
		h.fail(c, err)
		return 0, false
	}
	chosen, err := markChoices(c, reg)
	if err == nil {
		err = h.registerWritable(s, reg)
	}
	if err != nil {
		h.registerProblem(c, s, err, nil, chosen)
		return 0, false
	}
	if len(chosen) == 0 {
		return 0, true
	}
	marks := make(map[int64]attendance.Mark, len(chosen))
	for id, m := range chosen {
		marks[id] = attendance.Mark(m)
	}
	changed, err := h.Attendance.SetMarks(ctx, s.ID, marks, httpx.CurrentUser(c).ID)
	if err != nil {
		h.registerProblem(c, s, err, nil, chosen)
		return 0, false
	}
	return changed, true
}

// registerSubmit locks the register and issues certificates to those who attended. The
// confirmation page's button sends it, after the marks were saved.
func (h *Handler) registerSubmit(c *gin.Context) {
	s, ok := h.registerSession(c)
	if !ok {
		return
	}
	if checked := c.PostForm("checked"); checked != "" {
		reg, err := h.Attendance.Load(c.Request.Context(), s.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		if checked != registerFingerprint(reg) && !reg.Locked() {
			h.redirect(c, registerPath(s.ID)+"/confirm", "The register changed after you opened this page, "+
				"perhaps because someone else marked it. Check it again, then submit it")
			return
		}
	}
	out, err := h.Attendance.Submit(c.Request.Context(), s.ID, httpx.CurrentUser(c).ID)
	if err != nil {
		h.registerProblem(c, s, err, nil, nil)
		return
	}
	h.redirect(c, registerPath(s.ID), submittedMessage(out))
}

func submittedMessage(out attendance.Outcome) string {
	parts := []string{"Register submitted and locked"}
	if out.Issued > 0 {
		parts = append(parts, plural(out.Issued, "certificate", "certificates")+" issued by email")
	}
	if out.Awaiting > 0 {
		parts = append(parts, plural(out.Awaiting, "person has", "people have")+
			" been asked for their evaluation first: their certificates follow when they send it")
	}
	if out.Withdrawn > 0 {
		parts = append(parts, plural(out.Withdrawn, "certificate", "certificates")+
			" withdrawn because attendance was corrected")
	}
	return strings.Join(parts, ". ")
}

// registerReopen unlocks a submitted register (admins only) so it can be corrected.
func (h *Handler) registerReopen(c *gin.Context) {
	s, ok := h.registerSession(c)
	if !ok {
		return
	}
	form := formValues(c, "reason")
	if err := h.Attendance.Reopen(c.Request.Context(), s.ID, httpx.CurrentUser(c).ID, form["reason"]); err != nil {
		h.registerProblem(c, s, err, form, nil)
		return
	}
	h.redirect(c, registerPath(s.ID), "Register reopened. Correct it, then submit it again")
}
