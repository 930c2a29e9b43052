package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// monthOption is one choice in the catalogue's month filter.
type monthOption struct {
	Value string // 2026-03
	Label string // March 2026
}

type catalogueData struct {
	Search   course.Search
	Listings []course.Listing
	Topics   []string
	Months   []monthOption
	Month    string
}

// catalogue lists published courses with filters; bad filter values are explained, not
// fatal.
func (h *Handler) catalogue(c *gin.Context) {
	q := course.Search{
		Words:     strings.TrimSpace(c.Query("q")),
		Topic:     c.Query("topic"),
		Mode:      c.Query("mode"),
		HasPlaces: c.Query("places") == "yes",
	}
	v := problem.Validation{}
	if len(q.Words) > 200 {
		v.Add("q", "Search words must be 200 characters or fewer")
		q.Words = ""
	}
	if q.Mode != course.ModeAny && q.Mode != course.ModeOnline && q.Mode != course.ModeInPerson {
		v.Add("mode", "Choose online, in person or either")
		q.Mode = course.ModeAny
	}
	month := c.Query("month")
	if month != "" {
		m, err := time.ParseInLocation("2006-01", month, clock.London)
		if err != nil {
			v.Add("month", "Choose a month from the list")
			month = ""
		} else {
			q.Month = m
		}
	}
	listings, err := h.Courses.Catalogue(c.Request.Context(), q)
	if err != nil {
		h.fail(c, err)
		return
	}
	topics, err := h.Courses.Topics(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	p := Page{Title: "Find training", Data: catalogueData{
		Search: q, Listings: listings, Topics: topics, Months: nextMonths(h.Now(), 6), Month: month,
	}}
	status := http.StatusOK
	if err := v.Err(); err != nil {
		p.Problem = err.(*problem.Error)
		status = http.StatusUnprocessableEntity
	}
	h.page(c, status, "catalogue", p)
}

func nextMonths(now time.Time, n int) []monthOption {
	l := now.In(clock.London)
	first := time.Date(l.Year(), l.Month(), 1, 12, 0, 0, 0, clock.London)
	out := make([]monthOption, n)
	for i := range out {
		m := first.AddDate(0, i, 0)
		out[i] = monthOption{Value: m.Format("2006-01"), Label: m.Format("January 2006")}
	}
	return out
}

// sessionView is a session with what this visitor may see and do on it.
type sessionView struct {
	course.Session
	BookingOpen  bool
	ClosedReason string
	Mine         *booking.Entry // the visitor's live booking, if any
	ShowJoinLink bool
}

type courseData struct {
	Course   course.Course
	Sessions []sessionView
}

// courseDetail shows a course and its upcoming sessions. Drafts are visible to admins only.
func (h *Handler) courseDetail(c *gin.Context) {
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
	u := httpx.CurrentUser(c)
	if crs.Status != course.Published && !u.IsAdmin() {
		h.fail(c, course.ErrCourseNotBookable)
		return
	}
	sessions, err := h.Courses.Sessions(ctx, course.SessionFilter{CourseID: id, OnlyScheduled: true})
	if err != nil {
		h.fail(c, err)
		return
	}
	now := h.Now()
	views := make([]sessionView, 0, len(sessions))
	for _, s := range sessions {
		sv := sessionView{Session: s}
		sv.BookingOpen, sv.ClosedReason = s.BookingState(now)
		if u != nil {
			e, ok, err := h.Bookings.LiveBookingFor(ctx, s.ID, u.ID)
			if err != nil {
				h.fail(c, err)
				return
			}
			if ok {
				sv.Mine = &e
				sv.ShowJoinLink = e.Status == booking.Confirmed && s.Online
			}
		}
		views = append(views, sv)
	}
	h.page(c, http.StatusOK, "course", Page{Title: crs.Title, Data: courseData{Course: crs, Sessions: views}})
}
