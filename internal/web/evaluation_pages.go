package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// scalePoint is one choice of a 1 to 5 question.
type scalePoint struct{ Value, Label string }

var (
	ratingScale = []scalePoint{{"1", "1 – Poor"}, {"2", "2 – Fair"}, {"3", "3 – Good"},
		{"4", "4 – Very good"}, {"5", "5 – Excellent"}}
	usefulnessScale = []scalePoint{{"1", "1 – Not useful"}, {"2", "2 – A little useful"}, {"3", "3 – Useful"},
		{"4", "4 – Very useful"}, {"5", "5 – Extremely useful"}}
)

var evaluationFields = []string{"rating", "usefulness", "do_differently", "comments"}

type evaluationData struct {
	Entry      booking.Entry
	Closed     string // why the form is not offered; "" shows it
	Releases   bool   // sending it releases the person's certificate
	Ratings    []scalePoint
	Usefulness []scalePoint
}

// evaluationPage loads the person's own booking for the evaluation form; anyone else's
// does not exist.
func (h *Handler) evaluationPage(c *gin.Context) (Page, bool) {
	id, err := httpx.ParamID(c, "booking_id")
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	e, err := h.Bookings.Entry(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	if e.UserID != httpx.CurrentUser(c).ID {
		h.fail(c, booking.ErrBookingNotFound)
		return Page{}, false
	}
	return Page{Title: "Evaluate your training", Form: map[string]string{},
		Data: evaluationData{Entry: e, Ratings: ratingScale, Usefulness: usefulnessScale}}, true
}

// evaluationForm is the short post-course evaluation. It is offered once attendance is
// recorded; sending it twice is refused by the domain.
func (h *Handler) evaluationForm(c *gin.Context) {
	p, ok := h.evaluationPage(c)
	if !ok {
		return
	}
	d := p.Data.(evaluationData)
	done, err := h.Attendance.Completions(c.Request.Context(), d.Entry.UserID)
	if err != nil {
		h.fail(c, err)
		return
	}
	attended := false
	for _, x := range done {
		if x.BookingID == d.Entry.ID {
			attended, d.Releases = true, x.AwaitingEvaluation
			if x.Evaluated {
				d.Closed = attendance.ErrAlreadyEvaluated.Message
			}
		}
	}
	if !attended {
		d.Closed = attendance.ErrNotAttended.Message
	}
	p.Data = d
	h.page(c, http.StatusOK, "evaluation", p)
}

// evaluationSubmit records the evaluation and, when the certificate was waiting for it,
// issues the certificate.
func (h *Handler) evaluationSubmit(c *gin.Context) {
	p, ok := h.evaluationPage(c)
	if !ok {
		return
	}
	d := p.Data.(evaluationData)
	p.Form = formValues(c, evaluationFields...)
	rating, _ := strconv.Atoi(strings.TrimSpace(p.Form["rating"]))
	useful, _ := strconv.Atoi(strings.TrimSpace(p.Form["usefulness"]))
	issued, err := h.Attendance.SubmitEvaluation(c.Request.Context(), d.Entry.ID, d.Entry.UserID, attendance.EvaluationInput{
		Rating: rating, Usefulness: useful, DoDifferently: p.Form["do_differently"], Comments: p.Form["comments"],
	})
	if err != nil {
		pe := h.correctable(c, err)
		if pe == nil {
			return
		}
		if len(pe.Fields) == 0 { // a refusal, not a mistake in the form: nothing to correct
			d.Closed = pe.Message
			p.Data = d
		}
		p.Problem = pe
		h.page(c, pe.Status, "evaluation", p)
		return
	}
	msg := "Thank you for your evaluation"
	if issued {
		msg = "Thank you. Your certificate is ready to download"
	}
	h.redirect(c, "/my/record", msg)
}

// distributionRow is one rating in the bar chart of a summary.
type distributionRow struct {
	Label   string
	Count   int
	Percent int
	Width   int // bar length in pixels, out of evalBarWidth for all responses
}

const evalBarWidth = 240

type evaluationSummaryData struct {
	Course       course.Course
	Summary      attendance.Summary
	Rating       string // "4.3"
	Usefulness   string
	ResponseRate int // percent of the people who attended
	Rows         []distributionRow
	Admin        bool // the admin's view, with links back into the admin pages
}

// adminEvaluations is a course's evaluation summary for admins.
func (h *Handler) adminEvaluations(c *gin.Context) { h.evaluationSummary(c, true) }

// partnerEvaluations is the same summary for the training partner who delivers the
// course; other partners' courses do not exist here.
func (h *Handler) partnerEvaluations(c *gin.Context) { h.evaluationSummary(c, false) }

var errEvaluationCourse = problem.New(http.StatusNotFound, "not_found", "We could not find that course.")

func (h *Handler) evaluationSummary(c *gin.Context, admin bool) {
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
	me := httpx.CurrentUser(c)
	if !me.IsAdmin() && (crs.ProviderID == 0 || crs.ProviderID != me.OrganisationID) {
		h.fail(c, errEvaluationCourse)
		return
	}
	sum, err := h.Attendance.EvaluationSummary(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := evaluationSummaryData{Course: crs, Summary: sum, Admin: admin,
		Rating: attendance.Average(sum.RatingTenths), Usefulness: attendance.Average(sum.UsefulnessTenths)}
	if sum.Attended > 0 {
		d.ResponseRate = (sum.Responses*100 + sum.Attended/2) / sum.Attended
	}
	for i := 5; i >= 1; i-- {
		row := distributionRow{Label: ratingScale[i-1].Label, Count: sum.RatingCounts[i]}
		if sum.Responses > 0 {
			row.Percent = (row.Count*100 + sum.Responses/2) / sum.Responses
			row.Width = row.Count * evalBarWidth / sum.Responses // the bar is the share of all responses
		}
		d.Rows = append(d.Rows, row)
	}
	h.page(c, http.StatusOK, "admin-evaluations", Page{Title: "Evaluations: " + crs.Title, Data: d})
}
