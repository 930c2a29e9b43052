package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/problem"
)

// whatsOnEntry is one session in the month view.
type whatsOnEntry struct {
	course.Session
	BookingOpen  bool
	ClosedReason string
}

// whatsOnDay is one London day that has sessions.
type whatsOnDay struct {
	Date     time.Time
	Sessions []whatsOnEntry
}

type whatsOnData struct {
	Month      time.Time // noon on the 1st, London
	Prev, Next string    // "2027-01"; Prev is "" for the current month
	Days       []whatsOnDay
}

// errBadMonth is the month view's answer to a month it cannot read.
var errBadMonth = problem.New(http.StatusBadRequest, "bad_month",
	"That is not a month we can show. Choose one with the previous and next month links, or write it like 2027-01.")

// whatsOn lists a month's sessions day by day (Europe/London), with links to the months
// either side. ?month=YYYY-MM; the current month without one.
func (h *Handler) whatsOn(c *gin.Context) {
	now := h.Now().In(clock.London)
	current := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, clock.London)
	month, status := current, http.StatusOK
	var bad *problem.Error
	if raw := c.Query("month"); raw != "" {
		m, err := time.ParseInLocation("2006-01", raw, clock.London)
		if err != nil || m.Year() < 2000 || m.Year() > 2100 {
			bad, status = errBadMonth, errBadMonth.Status
		} else {
			month = m.Add(12 * time.Hour)
		}
	}
	sessions, err := h.Courses.WhatsOn(c.Request.Context(), month.Year(), month.Month())
	if err != nil {
		h.fail(c, err)
		return
	}
	d := whatsOnData{Month: month, Next: month.AddDate(0, 1, 0).Format("2006-01")}
	if month.After(current) {
		d.Prev = month.AddDate(0, -1, 0).Format("2006-01")
	}
	for _, s := range sessions {
		e := whatsOnEntry{Session: s}
		e.BookingOpen, e.ClosedReason = s.BookingState(h.Now())
		day := s.StartsLondon()
		if n := len(d.Days); n == 0 || !sameDay(d.Days[n-1].Date, day) {
			d.Days = append(d.Days, whatsOnDay{Date: day})
		}
		d.Days[len(d.Days)-1].Sessions = append(d.Days[len(d.Days)-1].Sessions, e)
	}
	h.page(c, status, "whats-on", Page{Title: "What's on in " + month.Format("January 2006"), Data: d, Problem: bad})
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}
