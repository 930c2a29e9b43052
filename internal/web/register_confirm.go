package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/httpx"
	"github.com/traininghub/traininghub/internal/problem"
)

// confirmData is the step between "Submit register" and the register being locked: who
// is still unmarked, and what submitting will change.
type confirmData struct {
	Session  course.Session
	Register attendance.Register
	Refusal  *problem.Error     // why the register cannot be submitted now (cancelled, not started, locked)
	Unmarked []attendance.Entry // people still unmarked: Submit refuses the register until there are none
	Losing   []attendance.Entry // people whose certificate a resubmission withdraws
	Outcome  attendance.Outcome // what Submit would do with the marks as stored
	Keeping  int                // people who already hold their certificate and keep it
	Attended int
	Partial  int
	Absent   int
	Reopened bool // the register was submitted before and reopened
	IsAdmin  bool
	Checked  string // registerFingerprint of what this page shows, sent back with the button
}

// CanSubmit reports whether the "Submit and lock" button is offered: Submit would accept
// the register as it stands.
func (d confirmData) CanSubmit() bool { return d.Refusal == nil && len(d.Unmarked) == 0 }

// registerConfirm shows what submitting the register will do, from the marks as saved,
// before anything is locked. The register form's "Submit register" button saves the
// marks on the page and comes here.
func (h *Handler) registerConfirm(c *gin.Context) {
	s, ok := h.registerSession(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	reg, err := h.Attendance.Load(ctx, s.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := confirmData{Session: s, Register: reg, Attended: reg.Count(attendance.Attended),
		Partial: reg.Count(attendance.Partial), Absent: reg.Count(attendance.Absent),
		IsAdmin: httpx.CurrentUser(c).IsAdmin(), Checked: registerFingerprint(reg)}
	if err := h.registerWritable(s, reg); err != nil {
		d.Refusal, _ = problem.From(err)
	}
	for _, e := range reg.Entries {
		if e.Mark == "" {
			d.Unmarked = append(d.Unmarked, e)
		}
	}
	for _, ev := range reg.History {
		if ev.Action == "reopened" {
			d.Reopened = true
		}
	}
	if d.Refusal == nil {
		p, err := h.Attendance.Preview(ctx, s.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		d.Outcome, d.Keeping = p.Outcome, len(p.Keeping)
		losing := make(map[int64]bool, len(p.Losing))
		for _, id := range p.Losing {
			losing[id] = true
		}
		for _, e := range reg.Entries {
			if losing[e.BookingID] {
				d.Losing = append(d.Losing, e)
			}
		}
	}
	title := "Check and submit the register"
	if !d.CanSubmit() {
		title = "The register cannot be submitted yet"
		if d.Refusal != nil {
			title = "The register cannot be submitted"
		}
	}
	h.page(c, http.StatusOK, "trainer-register-confirm", Page{Title: title, Data: d})
}

// registerFingerprint sums up who is on the register and how each is marked. The
// confirmation page sends it back with its button, so a register someone else changed
// after the page was shown (a co-trainer's marks, a walk-in) is not submitted unseen.
func registerFingerprint(reg attendance.Register) string {
	h := sha256.New()
	for _, e := range reg.Entries {
		h.Write([]byte(strconv.FormatInt(e.BookingID, 10) + "=" + string(e.Mark) + ";"))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
