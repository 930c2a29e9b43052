package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// partnerDateInputs is how many date boxes the "add dates" form offers: a year of
// monthly sessions in one go.
const partnerDateInputs = 12

// dateInputName names the i-th (from 0) date box: "date", then "date_2", "date_3"...
func dateInputName(i int) string {
	if i == 0 {
		return "date"
	}
	return "date_" + strconv.Itoa(i+1)
}

// dateInput is one date box on the form.
type dateInput struct {
	Name  string
	Label string
}

var partnerDateBoxes = func() []dateInput {
	out := make([]dateInput, 0, partnerDateInputs-1)
	for i := 1; i < partnerDateInputs; i++ {
		out = append(out, dateInput{Name: dateInputName(i), Label: "Date " + strconv.Itoa(i+1)})
	}
	return out
}()

var partnerSharedFields = []string{"start_time", "end_time", "capacity", "min_places", "delivery", "venue", "online_url"}

func partnerSessionPath(id int64) string { return "/partner/sessions/" + strconv.FormatInt(id, 10) }

type partnerDatesData struct {
	Course   course.Course
	State    approvalState
	More     []dateInput // the boxes after the first
	MoreOpen bool        // show them: one has a date or an error
}

func partnerDatesPage(crs course.Course) Page {
	return Page{Title: "Add dates", Form: map[string]string{"delivery": "in_person"},
		Data: partnerDatesData{Course: crs, State: courseApprovalState(crs), More: partnerDateBoxes}}
}

func (h *Handler) partnerDatesNew(c *gin.Context) {
	_, crs, ok := h.partnerScopedCourse(c)
	if !ok {
		return
	}
	h.page(c, http.StatusOK, "partner-session-new", partnerDatesPage(crs))
}

// partnerDatesCreate posts every date on the form as sessions sharing times, place and
// number of places: all of them or, if any date is wrong, none.
func (h *Handler) partnerDatesCreate(c *gin.Context) {
	org, crs, ok := h.partnerScopedCourse(c)
	if !ok {
		return
	}
	p := partnerDatesPage(crs)
	names := append([]string{}, partnerSharedFields...)
	for i := range partnerDateInputs {
		names = append(names, dateInputName(i))
	}
	p.Form = formValues(c, names...)
	d := p.Data.(partnerDatesData)
	for i := 1; i < partnerDateInputs; i++ {
		d.MoreOpen = d.MoreOpen || strings.TrimSpace(p.Form[dateInputName(i)]) != ""
	}
	p.Data = d
	ctx := c.Request.Context()
	ins, boxes, err := partnerDates(p.Form)
	switch {
	case err == nil:
		_, err = h.Courses.CreatePartnerSessions(ctx, org.ID, crs.ID, ins)
		err = remapDateFields(err, boxes)
	case onlyDateErrors(err) && len(ins) > 0:
		// Some dates could not be read: check the others too, so every wrong date is
		// reported at once.
		err = problem.Merge(err, remapDateFields(h.Courses.CheckPartnerSessions(ctx, org.ID, crs.ID, ins), boxes))
	}
	if err != nil {
		var pe *problem.Error
		if errors.As(err, &pe) {
			for name := range pe.Fields {
				d.MoreOpen = d.MoreOpen || (strings.HasPrefix(name, "date_"))
			}
			p.Data = d
		}
		h.formProblem(c, "partner-session-new", p, err)
		return
	}
	msg := "Session added"
	if len(ins) > 1 {
		msg = plural(len(ins), "date", "dates") + " added"
	}
	if !crs.Live() {
		msg += ". They will be listed when the partnership approves the course"
	}
	h.redirect(c, partnerCoursePath(crs.ID), msg)
}

// partnerDates reads the "add dates" form: the date boxes that were filled in, each made
// into a session with the shared times (Europe/London), place and places. boxes holds the
// box (from 0) each session came from, for error messages.
func partnerDates(form map[string]string) (ins []course.SessionInput, boxes []int, err error) {
	v := problem.Validation{}
	sh, sm, startOK := readClock(form, v, "start_time", "start")
	eh, em, endOK := readClock(form, v, "end_time", "end")
	var shared course.SessionInput
	if s := strings.TrimSpace(form["capacity"]); s == "" {
		v.Add("capacity", "Enter the number of places")
	} else if n, ok := parseWhole(s); ok {
		shared.Capacity = n
	} else {
		v.Add("capacity", "Enter the number of places as a whole number, like 20")
	}
	shared.MinPlaces = readMinPlaces(form, v)
	switch form["delivery"] {
	case "in_person":
		shared.Venue = form["venue"]
	case "online":
		shared.Online, shared.OnlineURL, shared.Venue = true, form["online_url"], form["venue"]
	default:
		v.Add("delivery", "Choose in person or online")
	}
	const forward = "That time does not exist on this date because the clocks go forward: choose a time after 2am"
	filled := 0
	for i := range partnerDateInputs {
		name := dateInputName(i)
		raw := strings.TrimSpace(form[name])
		if raw == "" {
			continue
		}
		filled++
		y, mo, d, ok := parseDate(raw)
		if !ok {
			v.Add(name, dateLabel(i)+"Enter a real date, like 14/03/2027")
			continue
		}
		in := shared
		if startOK {
			if in.StartsAt, ok = londonTime(y, mo, d, sh, sm); !ok {
				v.Add(name, dateLabel(i)+forward)
			}
		}
		if endOK {
			if in.EndsAt, ok = londonTime(y, mo, d, eh, em); !ok {
				v.Add(name, dateLabel(i)+forward)
			}
		}
		ins, boxes = append(ins, in), append(boxes, i)
	}
	if filled == 0 {
		v.Add("date", "Enter the date of the session")
	}
	return ins, boxes, v.Err()
}

// onlyDateErrors reports whether every problem in err is with a date box, so the shared
// fields could be read and the other dates are worth checking.
func onlyDateErrors(err error) bool {
	var pe *problem.Error
	ok := errors.As(err, &pe)
	if !ok || len(pe.Fields) == 0 {
		return false
	}
	for k := range pe.Fields {
		if k != "date" && !strings.HasPrefix(k, "date_") {
			return false
		}
	}
	return true
}

// dateLabel starts an error about the i-th date box (from 0), so the summary says which
// date; the first box is just "Date".
func dateLabel(i int) string {
	if i == 0 {
		return ""
	}
	return "Date " + strconv.Itoa(i+1) + ": "
}

// remapDateFields turns the domain's per-date fields ("dates[2].starts_at") into this
// form's boxes: a date's own problems go to its date box, shared ones (end time, places,
// venue, link) to the shared field, once.
func remapDateFields(err error, boxes []int) error {
	var pe *problem.Error
	ok := errors.As(err, &pe)
	if !ok || len(pe.Fields) == 0 {
		return err
	}
	out := *pe
	out.Fields = map[string]string{}
	for _, k := range pe.SortedFields() {
		name, msg := k, pe.Fields[k]
		var i int
		var field string
		if n, _ := fmt.Sscanf(strings.Replace(k, "].", "] ", 1), "dates[%d] %s", &i, &field); n == 2 && i >= 0 && i < len(boxes) {
			switch field {
			case "starts_at", "course_id":
				name, msg = dateInputName(boxes[i]), dateLabel(boxes[i])+msg
			case "ends_at":
				name = "end_time"
			default:
				name = field
			}
		} else if k == "dates" {
			name = "date"
		}
		if _, dup := out.Fields[name]; !dup {
			out.Fields[name] = msg
		}
	}
	return &out
}

// partnerScopedSession loads the session in the path when it belongs to one of the
// partner's courses; any other is "not found".
func (h *Handler) partnerScopedSession(c *gin.Context) (account.Organisation, course.Session, bool) {
	org, ok := h.partnerOrg(c)
	if !ok {
		return org, course.Session{}, false
	}
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return org, course.Session{}, false
	}
	s, err := h.Courses.PartnerSession(c.Request.Context(), org.ID, id)
	if err != nil {
		h.fail(c, err)
		return org, s, false
	}
	return org, s, true
}

type partnerSessionData struct {
	Session  course.Session
	Entries  []booking.Entry
	Started  bool
	Editable bool
	Register *attendance.Register // once the session has started
	Attended int
	Partial  int
	Absent   int
	Unmarked int
}

// partnerSession shows a session of the partner's: who has a place and who is waiting,
// and, once it has started, a read-only summary of its register. Email addresses are left
// out: the service writes to the people booked, so the partner does not need them.
func (h *Handler) partnerSession(c *gin.Context) {
	_, s, ok := h.partnerScopedSession(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	entries, err := h.Bookings.ForSession(ctx, s.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	now := h.Now()
	d := partnerSessionData{Session: s, Entries: entries, Started: !now.Before(s.StartsAt),
		Editable: !s.IsCancelled() && now.Before(s.EndsAt)}
	if d.Started && !s.IsCancelled() {
		reg, err := h.Attendance.Load(ctx, s.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		d.Register = &reg
		d.Attended, d.Partial, d.Absent = reg.Count(attendance.Attended), reg.Count(attendance.Partial), reg.Count(attendance.Absent)
		d.Unmarked = reg.Unmarked()
	}
	h.page(c, http.StatusOK, "partner-session", Page{Title: s.CourseTitle + ", " + longDate(s.StartsAt), Data: d})
}

// partnerEditableSession is partnerScopedSession for the change and cancel pages:
// cancelled and finished sessions cannot be changed.
func (h *Handler) partnerEditableSession(c *gin.Context) (account.Organisation, course.Session, bool) {
	org, s, ok := h.partnerScopedSession(c)
	if !ok {
		return org, s, false
	}
	switch {
	case s.IsCancelled():
		h.fail(c, course.ErrSessionCancelled)
		return org, s, false
	case !h.Now().Before(s.EndsAt):
		h.fail(c, course.ErrSessionOver)
		return org, s, false
	}
	return org, s, true
}

var partnerEditFields = []string{"date", "start_time", "end_time", "capacity", "min_places", "delivery", "venue", "online_url"}

func partnerSessionEditPage(s course.Session) Page {
	return Page{Title: "Change session details", Form: map[string]string{}, Data: s}
}

func (h *Handler) partnerSessionEdit(c *gin.Context) {
	_, s, ok := h.partnerEditableSession(c)
	if !ok {
		return
	}
	p := partnerSessionEditPage(s)
	start, end := s.StartsLondon(), s.EndsLondon()
	p.Form = map[string]string{
		"date": start.Format("2006-01-02"), "start_time": start.Format("15:04"), "end_time": end.Format("15:04"),
		"capacity": strconv.Itoa(s.Capacity), "min_places": minPlacesValue(s), "delivery": "in_person", "venue": s.Venue,
		"online_url": s.OnlineURL,
	}
	if s.Online {
		p.Form["delivery"] = "online"
	}
	h.page(c, http.StatusOK, "partner-session-edit", p)
}

// partnerSessionUpdate moves a session or changes its place or places. Everyone booked
// gets an updated invitation (the domain's UpdateSession); booking and cancellation
// deadlines move with the start.
func (h *Handler) partnerSessionUpdate(c *gin.Context) {
	org, s, ok := h.partnerEditableSession(c)
	if !ok {
		return
	}
	p := partnerSessionEditPage(s)
	p.Form = formValues(c, partnerEditFields...)
	in, _, err := sessionInput(c, p.Form)
	if err != nil {
		h.formProblem(c, "partner-session-edit", p, err)
		return
	}
	in.TrainerIDs = nil // the partnership assigns trainers; keep them
	shift := in.StartsAt.Sub(s.StartsAt)
	in.BookingClosesAt, in.CancelCutoffAt = s.BookingClosesAt.Add(shift), s.CancelCutoffAt.Add(shift)
	if err := h.Courses.UpdatePartnerSession(c.Request.Context(), org.ID, s.ID, in, httpx.CurrentUser(c).ID); err != nil {
		h.formProblem(c, "partner-session-edit", p, remapFields(err, sessionFieldNames))
		return
	}
	msg := "Session details saved"
	if n := s.Confirmed + s.Waitlisted; n > 0 && (!in.StartsAt.Equal(s.StartsAt) || !in.EndsAt.Equal(s.EndsAt) ||
		in.Online != s.Online || in.Venue != s.Venue || in.OnlineURL != s.OnlineURL) {
		msg += ". We are telling " + plural(n, "person", "people") + " booked or waiting"
	}
	h.redirect(c, partnerSessionPath(s.ID), msg)
}

func (h *Handler) partnerSessionCancelForm(c *gin.Context) {
	_, s, ok := h.partnerEditableSession(c)
	if !ok {
		return
	}
	h.page(c, http.StatusOK, "partner-session-cancel", Page{Title: "Cancel this session", Form: map[string]string{}, Data: s})
}

// partnerSessionCancel cancels the session and every booking on it; everyone booked is
// sent a cancellation with the reason.
func (h *Handler) partnerSessionCancel(c *gin.Context) {
	org, s, ok := h.partnerEditableSession(c)
	if !ok {
		return
	}
	p := Page{Title: "Cancel this session", Form: formValues(c, "reason"), Data: s}
	if err := h.Courses.CancelPartnerSession(c.Request.Context(), org.ID, s.ID, p.Form["reason"], httpx.CurrentUser(c).ID); err != nil {
		h.formProblem(c, "partner-session-cancel", p, err)
		return
	}
	msg := "The session is cancelled"
	if n := s.Confirmed + s.Waitlisted; n > 0 {
		msg += ". " + plural(n, "booking was", "bookings were") + " cancelled and everyone has been told"
	}
	h.redirect(c, partnerSessionPath(s.ID), msg)
}
