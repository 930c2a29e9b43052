package notify

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/traininghub/traininghub/internal/approval"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/calendar"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/outbox"
)

// approvalKinds are the manager approval and substitution messages.
//
// The approval messages carry an approval.Message (outbox.Payload.Data) and never a
// calendar part: nothing goes in anyone's calendar until a manager approves, and then the
// booking engine's own confirmation carries the invite.
//
// The substitution messages are booking messages whose snapshot Reason names the other
// person: substitution_out cancels the giver's invite (same UID, higher SEQUENCE),
// substitution_in invites the colleague (a UID of their own).
var approvalKinds = map[outbox.Kind]kindInfo{
	approval.KindRequested:   {build: approvalView},
	approval.KindApproved:    {build: approvalView},
	approval.KindDeclined:    {build: approvalView},
	approval.KindHoldExpired: {build: approvalView},
	approval.KindClosed:      {build: approvalView},
	booking.SubstitutionOut:  {calendar: calendar.MethodCancel},
	booking.SubstitutionIn:   {calendar: calendar.MethodRequest, joinLink: true},
}

// approvalExtra is view.Extra for the approval messages.
type approvalExtra struct {
	Person       string // who asked
	PersonEmail  string
	JobTitle     string
	Team         string
	Organisation string

	// Links for managers (approval_requested): the decision page, by the request's
	// number, opened at the chosen answer; the page itself asks them to confirm, signed in.
	DecideURL, ApproveURL, DeclineURL, DashboardURL string

	Held      bool   // a place is held meanwhile (or, when declined, was released)
	HoldUntil string // "10am on Monday 30 November 2026"
	Full      bool   // no place was free when asked
	Decider   string
	Reason    string // the manager's note, their reason for declining, or why it closed
	// Waitlisted: approval put the person on the waiting list (Position, 0 unknown).
	Waitlisted bool
	Position   int
}

func approvalView(r *Renderer, e outbox.Envelope) (view, []mail.Attachment, error) {
	if len(e.Payload.Data) == 0 {
		return view{}, nil, fmt.Errorf("notify: %s message has no approval data", e.Kind)
	}
	var m approval.Message
	if err := json.Unmarshal(e.Payload.Data, &m); err != nil {
		return view{}, nil, fmt.Errorf("notify: %s approval data: %w", e.Kind, err)
	}
	if m.StartsAt.IsZero() || m.EndsAt.IsZero() {
		return view{}, nil, fmt.Errorf("notify: %s message has no session times", e.Kind)
	}
	x := approvalExtra{
		Person:       firstNonEmpty(line(m.PersonName), line(m.PersonEmail)),
		PersonEmail:  line(m.PersonEmail),
		JobTitle:     line(m.JobTitle),
		Team:         line(m.Team),
		Organisation: line(m.Organisation),
		Held:         !m.HoldUntil.IsZero(),
		Full:         m.Full,
		Decider:      line(m.Decider),
		Reason:       text(m.Reason),
		Waitlisted:   m.Outcome == string(booking.Waitlisted),
		Position:     m.Position,
		DashboardURL: r.cfg.BaseURL + "/manager/approvals",
	}
	if x.Held {
		x.HoldUntil = holdTime(m.HoldUntil)
	}
	if e.Kind == approval.KindRequested {
		// The page needs a signed-in manager or admin, so the link names the request by
		// number and carries no secret.
		if m.RequestID <= 0 {
			return view{}, nil, fmt.Errorf("notify: %s message has no request", e.Kind)
		}
		x.DecideURL = fmt.Sprintf("%s/manager/approvals/%d", r.cfg.BaseURL, m.RequestID)
		x.ApproveURL = x.DecideURL + "?decision=approve"
		x.DeclineURL = x.DecideURL + "?decision=decline"
	}
	v := view{
		SiteName:  r.cfg.SiteName,
		Name:      line(e.To.Name),
		Course:    line(m.CourseTitle),
		When:      when(m.StartsAt, m.EndsAt),
		Date:      londonDate(m.StartsAt),
		Start:     londonTime(m.StartsAt),
		Online:    m.Online,
		Venue:     line(m.Venue),
		CourseURL: fmt.Sprintf("%s/courses/%d", r.cfg.BaseURL, m.CourseID),
		ManageURL: r.cfg.BaseURL + "/my/training",
		Extra:     x,
	}
	if v.Course == "" {
		v.Course = "the training"
	}
	return v, nil, nil
}

// holdTime is the end of a hold in words: "10am on Monday 30 November 2026".
func holdTime(t time.Time) string { return londonTime(t) + " on " + londonDate(t) }
