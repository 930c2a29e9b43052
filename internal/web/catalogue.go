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

// option is one choice in a select list.
type option struct {
	Value, Label string
	Selected     bool
}

// catalogueCard is a course in the results, formatted in Go: the catalogue is the busiest
// page, and plain string fields are the cheapest thing for a template to print.
type catalogueCard struct {
	ID       int64
	Title    string
	Summary  string
	Meta     string // duration · provider · topics
	Next     string // "Monday 30 November 2026, 9:30am", or "" with no dates
	Dates    string // "3 dates"
	Places   string // "48 places left", or "" when full
	HasDates bool
}

type catalogueData struct {
	Search  course.Search
	Count   string
	Cards   []catalogueCard
	Topics  []option
	Months  []option
	ModeAny bool
}

func newCards(listings []course.Listing) []catalogueCard {
	cards := make([]catalogueCard, len(listings))
	for i, l := range listings {
		meta := []string{l.Duration()}
		if l.ProviderName != "" {
			meta = append(meta, "Delivered by "+l.ProviderName)
		}
		if len(l.Topics) > 0 {
			meta = append(meta, strings.Join(l.Topics, ", "))
		}
		card := catalogueCard{ID: l.ID, Title: l.Title, Summary: l.Summary, Meta: strings.Join(meta, " · "),
			HasDates: l.Sessions > 0}
		if card.HasDates {
			card.Next = longDate(l.NextStartsAt) + ", " + clockTime(l.NextStartsAt)
			card.Dates = plural(l.Sessions, "date", "dates")
			if l.PlacesLeft > 0 {
				card.Places = plural(l.PlacesLeft, "place", "places") + " left"
			}
		}
		cards[i] = card
	}
	return cards
}

func topicOptions(topics []string, chosen string) []option {
	out := make([]option, len(topics))
	for i, t := range topics {
		out[i] = option{Value: t, Label: t, Selected: t == chosen}
	}
	return out
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
		Search: q, Count: plural(len(listings), "course", "courses"), Cards: newCards(listings),
		Topics: topicOptions(topics, q.Topic), Months: nextMonths(h.Now(), 6, month),
	}}
	status := http.StatusOK
	if err := v.Err(); err != nil {
		p.Problem = err.(*problem.Error)
		status = http.StatusUnprocessableEntity
	}
	h.page(c, status, "catalogue", p)
}

func nextMonths(now time.Time, n int, chosen string) []option {
	l := now.In(clock.London)
	first := time.Date(l.Year(), l.Month(), 1, 12, 0, 0, 0, clock.London)
	out := make([]option, n)
	for i := range out {
		m := first.AddDate(0, i, 0)
		v := m.Format("2006-01")
		out[i] = option{Value: v, Label: m.Format("January 2006"), Selected: v == chosen}
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
