package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/audit"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

var sessionFields = []string{"date", "start_time", "end_time", "capacity", "min_places", "delivery", "venue",
	"online_url", "booking_closes_at", "cancel_cutoff_at"}

// sessionFieldNames maps the course package's field names to this form's inputs.
var sessionFieldNames = map[string]string{"starts_at": "date", "ends_at": "end_time", "course_id": "date"}

type sessionFormData struct {
	Course    course.Course
	SessionID int64 // 0 for a new session
	Trainers  []*account.User
	Selected  map[int64]bool
}

func (h *Handler) sessionFormPage(c *gin.Context, crs course.Course, sessionID int64) (Page, bool) {
	users, err := h.Accounts.Users(c.Request.Context(), "", 5000)
	if err != nil {
		h.fail(c, err)
		return Page{}, false
	}
	var trainers []*account.User
	for _, u := range users {
		if u.Has(account.Trainer) && u.Active {
			trainers = append(trainers, u)
		}
	}
	title := "Add a session"
	if sessionID != 0 {
		title = "Change session details"
	}
	return Page{Title: title, Form: map[string]string{"delivery": "in_person"},
		Data: sessionFormData{Course: crs, SessionID: sessionID, Trainers: trainers, Selected: map[int64]bool{}}}, true
}

// sessionInput reads the session form: a date and two clock times in Europe/London, so an
// admin types what the invitation will say. A time that the clocks skip is refused; one
// they repeat means its first occurrence.
func sessionInput(c *gin.Context, form map[string]string) (course.SessionInput, map[int64]bool, error) {
	v := problem.Validation{}
	var in course.SessionInput
	selected := map[int64]bool{}

	y, mo, d, dateOK := parseDate(form["date"])
	switch {
	case strings.TrimSpace(form["date"]) == "":
		v.Add("date", "Enter the date of the session")
	case !dateOK:
		v.Add("date", "Enter a real date, like 14/03/2027")
	}
	sh, sm, startOK := readClock(form, v, "start_time", "start")
	eh, em, endOK := readClock(form, v, "end_time", "end")
	if dateOK && startOK {
		if t, ok := londonTime(y, mo, d, sh, sm); ok {
			in.StartsAt = t
		} else {
			v.Add("start_time", "That time does not exist on this date because the clocks go forward: choose a time after 2am")
		}
	}
	if dateOK && endOK {
		if t, ok := londonTime(y, mo, d, eh, em); ok {
			in.EndsAt = t
		} else {
			v.Add("end_time", "That time does not exist on this date because the clocks go forward: choose a time after 2am")
		}
	}
	if s := strings.TrimSpace(form["capacity"]); s == "" {
		v.Add("capacity", "Enter the number of places")
	} else if n, ok := parseWhole(s); ok {
		in.Capacity = n
	} else {
		v.Add("capacity", "Enter the number of places as a whole number, like 20")
	}
	in.MinPlaces = readMinPlaces(form, v)
	switch form["delivery"] {
	case "in_person":
		in.Venue = form["venue"]
	case "online":
		in.Online = true
		in.OnlineURL = form["online_url"]
		in.Venue = form["venue"] // kept for the record; the domain checks its length
	default:
		v.Add("delivery", "Choose in person or online")
	}
	var msg string
	if in.BookingClosesAt, msg = parseLocalDateTime(form["booking_closes_at"]); msg != "" {
		v.Add("booking_closes_at", msg)
	}
	if in.CancelCutoffAt, msg = parseLocalDateTime(form["cancel_cutoff_at"]); msg != "" {
		v.Add("cancel_cutoff_at", msg)
	}
	in.TrainerIDs = []int64{}
	for _, s := range c.PostFormArray("trainer_ids") {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			v.Add("trainer_ids", "Choose trainers from the list")
			continue
		}
		if !selected[id] {
			selected[id] = true
			in.TrainerIDs = append(in.TrainerIDs, id)
		}
	}
	if len(in.TrainerIDs) > 20 {
		v.Add("trainer_ids", "Choose at most 20 trainers")
	}
	if err := v.Err(); err != nil {
		return in, selected, problem.Merge(err, remapFields(in.CheckFields(), sessionFieldNames))
	}
	return in, selected, nil
}

// sessionCourse loads the course named in the path of "add a session".
func (h *Handler) sessionCourse(c *gin.Context) (course.Course, bool) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
		return course.Course{}, false
	}
	crs, err := h.Courses.Course(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return crs, false
	}
	return crs, true
}

func (h *Handler) adminSessionNew(c *gin.Context) {
	crs, ok := h.sessionCourse(c)
	if !ok {
		return
	}
	p, ok := h.sessionFormPage(c, crs, 0)
	if !ok {
		return
	}
	h.page(c, http.StatusOK, "admin-session-form", p)
}

func (h *Handler) adminSessionCreate(c *gin.Context) {
	crs, ok := h.sessionCourse(c)
	if !ok {
		return
	}
	p, ok := h.sessionFormPage(c, crs, 0)
	if !ok {
		return
	}
	p.Form = formValues(c, sessionFields...)
	in, selected, err := sessionInput(c, p.Form)
	p.Data.(sessionFormData).setSelected(selected)
	if err != nil {
		h.formProblem(c, "admin-session-form", p, err)
		return
	}
	in.CourseID = crs.ID
	id, err := h.Courses.CreateSession(c.Request.Context(), in)
	if err != nil {
		h.formProblem(c, "admin-session-form", p, remapFields(err, sessionFieldNames))
		return
	}
	h.redirect(c, sessionPath(id), "Session added")
}

func (d sessionFormData) setSelected(ids map[int64]bool) {
	for id := range ids {
		d.Selected[id] = true
	}
}

func sessionPath(id int64) string { return "/admin/sessions/" + strconv.FormatInt(id, 10) }

// editableSession loads a session for the edit and cancel pages; cancelled and finished
// sessions cannot be changed.
func (h *Handler) editableSession(c *gin.Context) (course.Session, bool) {
	s, ok := h.pathSession(c)
	if !ok {
		return s, false
	}
	switch {
	case s.IsCancelled():
		h.fail(c, course.ErrSessionCancelled)
		return s, false
	case !h.Now().Before(s.EndsAt):
		h.fail(c, course.ErrSessionOver)
		return s, false
	}
	return s, true
}

func (h *Handler) adminSessionEdit(c *gin.Context) {
	s, ok := h.editableSession(c)
	if !ok {
		return
	}
	crs, err := h.Courses.Course(c.Request.Context(), s.CourseID)
	if err != nil {
		h.fail(c, err)
		return
	}
	p, ok := h.sessionFormPage(c, crs, s.ID)
	if !ok {
		return
	}
	start, end := s.StartsLondon(), s.EndsLondon()
	p.Form = map[string]string{
		"date": start.Format("2006-01-02"), "start_time": start.Format("15:04"), "end_time": end.Format("15:04"),
		"capacity": strconv.Itoa(s.Capacity), "min_places": minPlacesValue(s), "delivery": "in_person", "venue": s.Venue,
		"online_url": s.OnlineURL,
	}
	if s.Online {
		p.Form["delivery"] = "online"
	}
	// Defaults are left blank so they follow the start if it moves.
	if !s.BookingClosesAt.Equal(s.StartsAt) {
		p.Form["booking_closes_at"] = s.BookingClosesLondon().Format("2006-01-02T15:04")
	}
	if !s.CancelCutoffAt.Equal(s.StartsAt.Add(-course.DefaultCancelNotice)) {
		p.Form["cancel_cutoff_at"] = s.CancelCutoffLondon().Format("2006-01-02T15:04")
	}
	for _, t := range s.Trainers {
		p.Data.(sessionFormData).Selected[t.ID] = true
	}
	h.page(c, http.StatusOK, "admin-session-form", p)
}

func (h *Handler) adminSessionUpdate(c *gin.Context) {
	s, ok := h.editableSession(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	crs, err := h.Courses.Course(ctx, s.CourseID)
	if err != nil {
		h.fail(c, err)
		return
	}
	p, ok := h.sessionFormPage(c, crs, s.ID)
	if !ok {
		return
	}
	p.Form = formValues(c, sessionFields...)
	in, selected, err := sessionInput(c, p.Form)
	p.Data.(sessionFormData).setSelected(selected)
	if err != nil {
		h.formProblem(c, "admin-session-form", p, err)
		return
	}
	audit.Note(ctx, s, func(ctx context.Context, tx *sql.Tx) (any, error) { return course.SessionTx(ctx, tx, s.ID) })
	if err := h.Courses.UpdateSession(ctx, s.ID, in, httpx.CurrentUser(c).ID); err != nil {
		h.formProblem(c, "admin-session-form", p, remapFields(err, sessionFieldNames))
		return
	}
	after, err := h.Courses.Session(ctx, s.ID)
	msg := "Session details saved"
	if err == nil && after.Waitlisted < s.Waitlisted && after.Confirmed > s.Confirmed {
		msg += fmt.Sprintf(". %s from the waiting list now %s a place",
			plural(after.Confirmed-s.Confirmed, "person", "people"), hasHave(after.Confirmed-s.Confirmed))
	}
	h.redirect(c, sessionPath(s.ID), msg)
}

func hasHave(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}
