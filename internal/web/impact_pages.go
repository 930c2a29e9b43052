package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/impact"
)

// The "did it change practice?" form (internal/impact): the person who attended, signed
// in, answers once, while the follow-up is open. Anyone else's booking is "not found".

var (
	impactFields    = []string{impact.FieldBefore, impact.FieldAfter, impact.FieldChange, impact.FieldExamples, impact.FieldShare}
	confidenceScale = []scalePoint{{"1", "1 – Not at all confident"}, {"2", "2 – Slightly confident"}, {"3", "3 – Fairly confident"}, {"4", "4 – Confident"}, {"5", "5 – Very confident"}}
)

type impactData struct {
	FollowUp   impact.FollowUp
	When       string // the session, in London time
	Closes     string // the form's last day
	Closed     string // why the form is not offered; "" shows it
	Scale      []scalePoint
	MaxChange  int
	MaxExample int
}

// impactPage loads the signed-in person's follow-up for the form.
func (h *Handler) impactPage(c *gin.Context) (Page, bool) {
	id, err := httpx.ParamID(c, "booking_id")
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	f, err := h.Impact.ForBooking(c.Request.Context(), id, httpx.CurrentUser(c).ID)
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	starts, ends := f.StartsAt.In(clock.London), f.EndsAt.In(clock.London)
	d := impactData{FollowUp: f, Scale: confidenceScale, MaxChange: impact.MaxChange, MaxExample: impact.MaxExamples,
		When:   starts.Format("Monday 2 January 2006, 3:04pm") + " to " + ends.Format("3:04pm"),
		Closes: f.Closes.In(clock.London).Format("Monday 2 January 2006")}
	switch {
	case f.Answered:
		d.Closed = impact.ErrAlreadyAnswered.Message
	case !f.Open(h.Now()):
		d.Closed = impact.ErrNotOpen.Message
	}
	return Page{Title: "Did the training change your practice?", Form: map[string]string{}, Data: d}, true
}

// impactForm is the short form the follow-up email links to.
func (h *Handler) impactForm(c *gin.Context) {
	if p, ok := h.impactPage(c); ok {
		h.page(c, http.StatusOK, "impact", p)
	}
}

// impactSubmit records the answer; mistakes come back beside their fields.
func (h *Handler) impactSubmit(c *gin.Context) {
	p, ok := h.impactPage(c)
	if !ok {
		return
	}
	d := p.Data.(impactData)
	p.Form = formValues(c, impactFields...)
	before, _ := strconv.Atoi(strings.TrimSpace(p.Form[impact.FieldBefore]))
	after, _ := strconv.Atoi(strings.TrimSpace(p.Form[impact.FieldAfter]))
	err := h.Impact.Submit(c.Request.Context(), d.FollowUp.BookingID, httpx.CurrentUser(c).ID, impact.Input{
		Before: before, After: after, Change: p.Form[impact.FieldChange], Examples: p.Form[impact.FieldExamples],
		Share: p.Form[impact.FieldShare] == "yes"})
	if err != nil {
		pe := h.correctable(c, err)
		if pe == nil {
			return
		}
		if len(pe.Fields) == 0 { // a refusal, not a mistake in the form
			d.Closed = pe.Message
			p.Data = d
		}
		p.Problem = pe
		h.page(c, pe.Status, "impact", p)
		return
	}
	h.redirect(c, "/my/record", "Thank you for telling us how the training changed your practice")
}
