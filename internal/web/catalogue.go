package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/approval"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/feed"
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
	Where    string // "Bath, Keynsham, Online": the areas of the dates
	Places   string // the next date's: "4 places left", or "" when it is full
	HasDates bool
	// For the signed-in visitor: a place (Booked) or a waiting-list position (Waiting) on
	// an upcoming date, and whether their organisation's rules require the course.
	Booked, Waiting, Required bool
}

type catalogueData struct {
	Search  course.Search
	Count   string
	Cards   []catalogueCard
	Topics  []option
	Months  []option
	Areas   []option
	ByTitle bool
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
			card.Where = strings.Join(l.Areas, ", ")
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
		Area:      strings.TrimSpace(c.Query("area")),
		Sort:      c.Query("sort"),
	}
	v := problem.Validation{}
	if len(q.Words) > 200 {
		v.Add("q", "Search words must be 200 characters or fewer")
		q.Words = ""
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
	if len(q.Area) > 100 {
		v.Add("area", "Choose an area from the list")
		q.Area = ""
	}
	if q.Mode != course.ModeAny && q.Mode != course.ModeOnline && q.Mode != course.ModeInPerson {
		v.Add("mode", "Choose online, in person or either")
		q.Mode = course.ModeAny
	}
	switch q.Sort {
	case course.SortDate, "date":
		q.Sort = course.SortDate
	case course.SortTitle:
	default:
		v.Add("sort", "Choose to sort by date or by title")
		q.Sort = course.SortDate
	}
	h.cachedOrRender(c, func() (int, string, Page, error) {
		ctx := c.Request.Context()
		listings, err := h.Courses.Catalogue(ctx, q)
		if err != nil {
			return 0, "", Page{}, err
		}
		topics, err := h.Courses.Topics(ctx)
		if err != nil {
			return 0, "", Page{}, err
		}
		areas, err := h.catalogueAreas(c, q.Area)
		if err != nil {
			return 0, "", Page{}, err
		}
		cards := newCards(listings)
		if err := h.markCards(c, cards); err != nil {
			return 0, "", Page{}, err
		}
		p := Page{Title: "Find training", Data: catalogueData{
			Search: q, Count: plural(len(listings), "course", "courses"), Cards: cards,
			Topics: topicOptions(topics, q.Topic), Months: nextMonths(h.Now(), 6, month), Areas: areas,
			ByTitle: q.Sort == course.SortTitle,
		}}
		status := http.StatusOK
		if err := v.Err(); err != nil {
			p.Problem = err.(*problem.Error)
			status = http.StatusUnprocessableEntity
		}
		return status, "catalogue", p, nil
	})
}

// catalogueAreas lists the areas with dates open for booking, by name with Online last.
// It reads the unfiltered catalogue, which is cached.
func (h *Handler) catalogueAreas(c *gin.Context, chosen string) ([]option, error) {
	all, err := h.Courses.Catalogue(c.Request.Context(), course.Search{})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var names []string
	online := false
	for _, l := range all {
		for _, a := range l.Areas {
			key := strings.ToLower(a)
			switch {
			case a == course.AreaOnline:
				online = true
			case !seen[key]:
				seen[key] = true
				names = append(names, a)
			}
		}
	}
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	if online {
		names = append(names, course.AreaOnline)
	}
	out := make([]option, 0, len(names)+1)
	found := false
	for _, n := range names {
		sel := strings.EqualFold(n, chosen)
		found = found || sel
		out = append(out, option{Value: n, Label: n, Selected: sel})
	}
	if chosen != "" && !found {
		// An area with no dates left (an old link): keep it chosen, so the empty result
		// makes sense.
		out = append(out, option{Value: chosen, Label: chosen, Selected: true})
	}
	return out, nil
}

// markCards tags the courses the signed-in visitor has booked, and those their
// organisation's required-training rules ask of them (as the manager's matrix has it).
func (h *Handler) markCards(c *gin.Context, cards []catalogueCard) error {
	u := httpx.CurrentUser(c)
	if u == nil || len(cards) == 0 {
		return nil
	}
	ctx := c.Request.Context()
	entries, err := h.Bookings.ForUser(ctx, u.ID)
	if err != nil {
		return err
	}
	now := h.Now()
	booked, waiting := map[int64]bool{}, map[int64]bool{}
	for _, e := range entries {
		if e.Held || e.SessionStatus != course.Scheduled || !now.Before(e.EndsAt) {
			continue
		}
		switch e.Status {
		case booking.Confirmed:
			booked[e.CourseID] = true
		case booking.Waitlisted:
			waiting[e.CourseID] = true
		}
	}
	required := map[int64]bool{}
	m, err := h.Compliance.Person(ctx, 0, u.ID)
	switch {
	case err == nil && len(m.People) == 1:
		for i, cell := range m.People[0].Cells {
			if cell.Required {
				required[m.Courses[i].ID] = true
			}
		}
	case err != nil && !isNotFound(err):
		return err
	}
	for i := range cards {
		id := cards[i].ID
		cards[i].Booked, cards[i].Required = booked[id], required[id]
		cards[i].Waiting = waiting[id] && !booked[id]
	}
	return nil
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
	// Request is the visitor's request awaiting a manager's approval (a place held for it
	// is not a booking yet).
	Request *approval.Request
}

type courseData struct {
	Course   course.Course
	Sessions []sessionView
	// SearchData is the course as schema.org data for search engines; nil when the public
	// cannot see the course.
	SearchData *feed.CourseLD
	// Feed is the address of the course's calendar feed.
	Feed string
}

// courseDetail shows a course and its upcoming sessions. Drafts are visible to admins only.
func (h *Handler) courseDetail(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	h.cachedOrRender(c, func() (int, string, Page, error) {
		views, crs, err := h.courseSessions(c, id)
		if err != nil {
			return 0, "", Page{}, err
		}
		d := courseData{Course: crs, Sessions: views}
		sessions := make([]course.Session, len(views))
		for i, v := range views {
			sessions[i] = v.Session
		}
		if ld, ok := feed.CourseData(crs, sessions, h.Now(), h.feedLinks(c), h.Partnership); ok {
			d.SearchData = &ld
			d.Feed = "/feeds/courses/" + strconv.FormatInt(crs.ID, 10) + "/sessions.ics"
		}
		return http.StatusOK, "course", Page{Title: crs.Title, Data: d}, nil
	})
}

// courseSessions reads a course and its dates as the visitor may see them, with their
// own place or approval request on each date when they are signed in.
func (h *Handler) courseSessions(c *gin.Context, id int64) ([]sessionView, course.Course, error) {
	ctx := c.Request.Context()
	crs, err := h.Courses.Course(ctx, id)
	if err != nil {
		return nil, course.Course{}, err
	}
	u := httpx.CurrentUser(c)
	if !crs.VisibleTo(course.ViewerOf(u)) {
		return nil, course.Course{}, course.ErrCourseNotBookable
	}
	sessions, err := h.Courses.Sessions(ctx, course.SessionFilter{CourseID: id, OnlyScheduled: true})
	if err != nil {
		return nil, course.Course{}, err
	}
	var pending []approval.Request
	if u != nil && crs.ManagerApproval {
		if pending, err = h.approvals().PendingForUser(ctx, u.ID); err != nil {
			return nil, course.Course{}, err
		}
	}
	now := h.Now()
	views := make([]sessionView, 0, len(sessions))
	for _, s := range sessions {
		sv := sessionView{Session: s}
		sv.BookingOpen, sv.ClosedReason = s.BookingState(now)
		for i := range pending {
			if pending[i].SessionID == s.ID {
				sv.Request = &pending[i]
			}
		}
		if u != nil {
			e, ok, err := h.Bookings.LiveBookingFor(ctx, s.ID, u.ID)
			if err != nil {
				return nil, course.Course{}, err
			}
			if ok && !e.Held {
				sv.Mine = &e
				sv.ShowJoinLink = e.Status == booking.Confirmed && s.Online
			}
		}
		views = append(views, sv)
	}
	return views, crs, nil
}
