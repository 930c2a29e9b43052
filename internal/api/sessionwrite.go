package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// sessionFields are the settable parts of a session. Pointers tell "not sent" from a
// zero value, which PATCH needs.
type sessionFields struct {
	StartsAt        *string  `json:"starts_at"`
	EndsAt          *string  `json:"ends_at"`
	Online          *bool    `json:"online"`
	Venue           *string  `json:"venue"`
	OnlineURL       *string  `json:"online_url"`
	Capacity        *int     `json:"capacity"`
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

// createSession schedules a session; the domain validates and answers 422 with fields.
func (h *Handler) createSession(c *gin.Context) {
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
	if body.TrainerIDs != nil {
		in.TrainerIDs = *body.TrainerIDs
	}
	if err := checkRange(in); err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	id, err := h.Courses.CreateSession(ctx, in)
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
// capacity promotes from the waiting list (in the domain's transaction).
func (h *Handler) updateSession(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
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
		Venue: cur.Venue, OnlineURL: cur.OnlineURL, Capacity: cur.Capacity,
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
	if body.TrainerIDs != nil {
		in.TrainerIDs = append([]int64{}, *body.TrainerIDs...) // non-nil: replace, even with none
	}
	if err := checkRange(in); err != nil {
		h.fail(c, err)
		return
	}
	if err := h.Courses.UpdateSession(ctx, id, in, httpx.CurrentUser(c).ID); err != nil {
		h.fail(c, err)
		return
	}
	s, err := h.Courses.Session(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newSessionJSON(s, true))
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

// cancelSession cancels a session and every live booking on it.
func (h *Handler) cancelSession(c *gin.Context) {
	id, err := httpx.ParamID(c, "id")
	if err != nil {
		h.fail(c, err)
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
	if err := h.Courses.CancelSession(ctx, id, reason, httpx.CurrentUser(c).ID); err != nil {
		h.fail(c, err)
		return
	}
	s, err := h.Courses.Session(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newSessionJSON(s, true))
}
