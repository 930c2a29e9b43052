package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// scope is whose sessions the caller may schedule and change: an admin's are anyone's; a
// training partner's are those of courses their organisation delivers (orgID from their
// account; 0, which matches no course, when their organisation is not a training partner).
type scope struct {
	partner bool
	orgID   int64
}

func (h *Handler) sessionScope(c *gin.Context) (scope, error) {
	u := httpx.CurrentUser(c)
	if u.IsAdmin() {
		return scope{}, nil
	}
	org, ok, err := h.Accounts.PartnerOrganisation(c.Request.Context(), u)
	if err != nil || !ok {
		return scope{partner: true}, err
	}
	return scope{partner: true, orgID: org.ID}, nil
}

// checkSession refuses a partner a session of a course that is not their organisation's,
// with the same 404 as for a session that does not exist. It runs before the body is
// read, so nothing about another partner's session shows through validation errors.
// scopedSession reads the :id of a session the caller may change, answering the request
// itself (not found, forbidden) when they may not.
func (h *Handler) scopedSession(c *gin.Context) (int64, scope, bool) {
	id, err := httpx.ParamID(c, "id")
	var sc scope
	if err == nil {
		sc, err = h.sessionScope(c)
	}
	if err == nil {
		err = h.checkSession(c, sc, id)
	}
	if err != nil {
		h.fail(c, err)
		return 0, sc, false
	}
	return id, sc, true
}

func (h *Handler) checkSession(c *gin.Context, sc scope, id int64) error {
	if !sc.partner {
		return nil
	}
	_, err := h.Courses.PartnerSession(c.Request.Context(), sc.orgID, id)
	return err
}

// errNotYourCourse answers a partner's course_id that is not one of their organisation's
// courses, whether it exists or not, so other partners' course ids are not confirmed.
var errNotYourCourse = problem.Validation{"course_id": "Choose one of your organisation's courses"}.Err()

// sessionFields are the settable parts of a session. Pointers tell "not sent" from a
// zero value, which PATCH needs.
type sessionFields struct {
	StartsAt        *string  `json:"starts_at"`
	EndsAt          *string  `json:"ends_at"`
	Online          *bool    `json:"online"`
	Venue           *string  `json:"venue"`
	OnlineURL       *string  `json:"online_url"`
	Capacity        *int     `json:"capacity"`
	MinPlaces       *int     `json:"min_places"` // 0 removes the minimum
	BookingClosesAt *string  `json:"booking_closes_at"`
	CancelCutoffAt  *string  `json:"cancel_cutoff_at"`
	TrainerIDs      *[]int64 `json:"trainer_ids"`
}

type createSessionBody struct {
	CourseID *int64 `json:"course_id"`
	sessionFields
}

type parsedTimes struct {
	starts, ends, closes, cutoff time.Time
}

func (f sessionFields) times(v problem.Validation) parsedTimes {
	return parsedTimes{
		starts: parseBodyTime(v, "starts_at", f.StartsAt),
		ends:   parseBodyTime(v, "ends_at", f.EndsAt),
		closes: parseBodyTime(v, "booking_closes_at", f.BookingClosesAt),
		cutoff: parseBodyTime(v, "cancel_cutoff_at", f.CancelCutoffAt),
	}
}

// createSession schedules a session; the domain validates and answers 422 with fields. A
// partner may schedule sessions of their organisation's courses only (any other course_id
// is a 422 on course_id, the same as one that does not exist).
func (h *Handler) createSession(c *gin.Context) {
	sc, err := h.sessionScope(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var body createSessionBody
	if err := decodeJSON(c, &body, false); err != nil {
		h.fail(c, err)
		return
	}
	v := problem.Validation{}
	t := body.times(v)
	if err := v.Err(); err != nil {
		h.fail(c, err)
		return
	}
	in := course.SessionInput{StartsAt: t.starts, EndsAt: t.ends, BookingClosesAt: t.closes, CancelCutoffAt: t.cutoff}
	if body.CourseID != nil {
		in.CourseID = *body.CourseID
	}
	if body.Online != nil {
		in.Online = *body.Online
	}
	if body.Venue != nil {
		in.Venue = *body.Venue
	}
	if body.OnlineURL != nil {
		in.OnlineURL = *body.OnlineURL
	}
	if body.Capacity != nil {
		in.Capacity = *body.Capacity
	}
	if body.MinPlaces != nil {
		in.MinPlaces = *body.MinPlaces
	}
	if body.TrainerIDs != nil {
		in.TrainerIDs = *body.TrainerIDs
	}
	if err := checkRange(in); err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	var id int64
	if sc.partner {
		id, err = h.Courses.CreatePartnerSession(ctx, sc.orgID, in)
		if errors.Is(err, store.ErrNotFound) {
			err = errNotYourCourse
		}
	} else {
		id, err = h.Courses.CreateSession(ctx, in)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	s, err := h.Courses.Session(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/api/v1/sessions/%d", id))
	c.JSON(http.StatusCreated, newSessionJSON(s, true))
}

// updateSession changes only the fields sent. Moving starts_at moves ends_at,
// booking_closes_at and cancel_cutoff_at by the same amount unless they are sent too, so
// a rescheduled session keeps its length and its deadlines relative to the start. Raising
// capacity promotes from the waiting list (in the domain's transaction). A partner may
// change only their organisation's sessions (others are 404) and not their trainers.
func (h *Handler) updateSession(c *gin.Context) {
	id, sc, ok := h.scopedSession(c)
	if !ok {
		return
	}
	var body sessionFields
	if err := decodeJSON(c, &body, false); err != nil {
		h.fail(c, err)
		return
	}
	v := problem.Validation{}
	t := body.times(v)
	if err := v.Err(); err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	cur, err := h.Courses.Session(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	in := course.SessionInput{
		CourseID: cur.CourseID, StartsAt: cur.StartsAt, EndsAt: cur.EndsAt, Online: cur.Online,
		Venue: cur.Venue, OnlineURL: cur.OnlineURL, Capacity: cur.Capacity, MinPlaces: cur.MinPlaces,
		BookingClosesAt: cur.BookingClosesAt, CancelCutoffAt: cur.CancelCutoffAt,
	}
	if body.StartsAt != nil {
		shift := t.starts.Sub(cur.StartsAt)
		in.StartsAt = t.starts
		in.EndsAt = in.EndsAt.Add(shift)
		in.BookingClosesAt = in.BookingClosesAt.Add(shift)
		in.CancelCutoffAt = in.CancelCutoffAt.Add(shift)
	}
	if body.EndsAt != nil {
		in.EndsAt = t.ends
	}
	if body.BookingClosesAt != nil {
		in.BookingClosesAt = t.closes
	}
	if body.CancelCutoffAt != nil {
		in.CancelCutoffAt = t.cutoff
	}
	if body.Online != nil {
		in.Online = *body.Online
	}
	if body.Venue != nil {
		in.Venue = *body.Venue
	}
	if body.OnlineURL != nil {
		in.OnlineURL = *body.OnlineURL
	}
	if body.Capacity != nil {
		in.Capacity = *body.Capacity
	}
	if body.MinPlaces != nil {
		in.MinPlaces = *body.MinPlaces
	}
	if body.TrainerIDs != nil {
		in.TrainerIDs = append([]int64{}, *body.TrainerIDs...) // non-nil: replace, even with none
	}
	if err := checkRange(in); err != nil {
		h.fail(c, err)
		return
	}
	actor := httpx.CurrentUser(c).ID
	if sc.partner {
		err = h.Courses.UpdatePartnerSession(ctx, sc.orgID, id, in, actor)
	} else {
		err = h.Courses.UpdateSession(ctx, id, in, actor)
	}
	h.answerChangedSession(c, id, err)
}

// Stored times are four-digit-year text; an offset such as 9999-12-31T23:00:00-05:00 is
// year 10000 in UTC and could never be read back. Nothing real is planned outside this.
var earliest, latest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)

func checkRange(in course.SessionInput) error {
	v := problem.Validation{}
	for _, f := range []struct {
		name string
		t    time.Time
	}{{"starts_at", in.StartsAt}, {"ends_at", in.EndsAt}, {"booking_closes_at", in.BookingClosesAt}, {"cancel_cutoff_at", in.CancelCutoffAt}} {
		if !f.t.IsZero() && (f.t.Before(earliest) || !f.t.Before(latest)) {
			v.Add(f.name, "Enter a time between the years 2000 and 2999")
		}
	}
	return v.Err()
}

type cancelSessionBody struct {
	Reason *string `json:"reason"`
}

// cancelSession cancels a session and every live booking on it. A partner may cancel only
// their organisation's sessions (others are 404), and must give a reason.
func (h *Handler) cancelSession(c *gin.Context) {
	id, sc, ok := h.scopedSession(c)
	if !ok {
		return
	}
	var body cancelSessionBody
	if err := decodeJSON(c, &body, true); err != nil {
		h.fail(c, err)
		return
	}
	reason := ""
	if body.Reason != nil {
		reason = *body.Reason
	}
	ctx := c.Request.Context()
	actor := httpx.CurrentUser(c).ID
	var err error
	if sc.partner {
		err = h.Courses.CancelPartnerSession(ctx, sc.orgID, id, reason, actor)
	} else {
		err = h.Courses.CancelSession(ctx, id, reason, actor)
	}
	h.answerChangedSession(c, id, err)
}

// answerChangedSession answers a change to session id: the error, or the session as it
// now stands.
func (h *Handler) answerChangedSession(c *gin.Context, id int64, err error) {
	if err == nil {
		var s course.Session
		if s, err = h.Courses.Session(c.Request.Context(), id); err == nil {
			c.JSON(http.StatusOK, newSessionJSON(s, true))
			return
		}
	}
	h.fail(c, err)
}
