package approval

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/traininghub/traininghub/internal/outbox"
)

// The approval messages; package notify words them from Message.
const (
	// KindRequested asks a manager to decide, with links to the request's page by its
	// number: the page needs a signed-in manager or admin anyway, so the link holds no
	// secret.
	KindRequested outbox.Kind = "approval_requested"
	// KindApproved tells the person; the booking engine's own email (with the calendar
	// invite, or the waiting-list note) follows separately.
	KindApproved outbox.Kind = "approval_approved"
	// KindDeclined tells the person why.
	KindDeclined outbox.Kind = "approval_declined"
	// KindHoldExpired tells the person their held place was released while the request
	// stays with the manager.
	KindHoldExpired outbox.Kind = "approval_hold_expired"
	// KindClosed tells the person their request lapsed: the session was cancelled or its
	// booking closed before anyone decided.
	KindClosed outbox.Kind = "approval_closed"
)

// Kinds lists every approval message kind.
var Kinds = []outbox.Kind{KindRequested, KindApproved, KindDeclined, KindHoldExpired, KindClosed}

// Message is the snapshot an approval email is written from (outbox.Payload.Data), frozen
// when the change happened.
type Message struct {
	RequestID    int64     `json:"request_id"`
	PersonName   string    `json:"person_name"`
	PersonEmail  string    `json:"person_email"`
	JobTitle     string    `json:"job_title,omitempty"`
	Team         string    `json:"team,omitempty"`
	Organisation string    `json:"organisation"`
	CourseID     int64     `json:"course_id"`
	CourseTitle  string    `json:"course_title"`
	SessionID    int64     `json:"session_id"`
	StartsAt     time.Time `json:"starts_at"`
	EndsAt       time.Time `json:"ends_at"`
	Online       bool      `json:"online"`
	Venue        string    `json:"venue,omitempty"`
	// HoldUntil is when a held place is released; zero when no place is held.
	HoldUntil time.Time `json:"hold_until,omitzero"`
	// Full: no place was free when asked, so approval would join the waiting list.
	Full bool `json:"full,omitempty"`
	// Decider is who approved or declined; Reason their note, or why the request closed.
	Decider string `json:"decider,omitempty"`
	Reason  string `json:"reason,omitempty"`
	// Outcome of an approval: "confirmed" or "waitlisted" (with Position).
	Outcome  string `json:"outcome,omitempty"`
	Position int    `json:"position,omitempty"`
}

// message snapshots r for a message.
func message(r Request) Message {
	m := Message{RequestID: r.ID, PersonName: r.PersonName, PersonEmail: r.PersonEmail, JobTitle: r.JobTitle,
		Team: r.Team, Organisation: r.OrganisationName, CourseID: r.CourseID, CourseTitle: r.CourseTitle,
		SessionID: r.SessionID, StartsAt: r.StartsAt, EndsAt: r.EndsAt, Online: r.Online, Venue: r.Venue}
	if r.Held {
		m.HoldUntil = r.HoldUntil
	}
	return m
}

// enqueue queues one approval message to one person inside the caller's transaction. It
// expires when the session starts, as session mail does.
func enqueue(ctx context.Context, tx *sql.Tx, kind outbox.Kind, toID int64, toEmail, toName string, m Message, now time.Time) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = outbox.EnqueueTx(ctx, tx, outbox.Row{Kind: kind, UserID: toID, SessionID: m.SessionID,
		ToEmail: toEmail, ToName: toName, Payload: outbox.Payload{Data: data}, ExpiresAt: m.StartsAt}, now)
	return err
}

// toPerson queues a message to the person who asked.
func toPerson(ctx context.Context, tx *sql.Tx, kind outbox.Kind, r Request, m Message, now time.Time) error {
	return enqueue(ctx, tx, kind, r.UserID, r.PersonEmail, r.PersonName, m, now)
}
