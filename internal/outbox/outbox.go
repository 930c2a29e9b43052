// Package outbox keeps every email the service owes someone. A message is written in the
// same transaction as the change that causes it (a booking, a cancellation, a moved
// session), as a snapshot of what it must say; a worker renders and sends it later, with
// retries. So a booking never waits for, or fails because of, the mail server, and no
// message is lost if the mail server or the process dies.
package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// Kind says which message to send.
type Kind string

// The kinds of message. Those marked "invite" carry a calendar REQUEST, "cancel" a
// calendar CANCEL; the rest are plain email.
const (
	BookingConfirmed         Kind = "booking_confirmed"          // invite
	WaitlistJoined           Kind = "waitlist_joined"            // position on the list
	Promoted                 Kind = "promoted"                   // invite
	BookingCancelled         Kind = "booking_cancelled"          // cancel
	WaitlistLeft             Kind = "waitlist_left"              // off the list
	SessionChanged           Kind = "session_changed"            // invite, same UID, higher SEQUENCE
	SessionChangedWaitlist   Kind = "session_changed_waitlist"   // told, no invite
	SessionCancelled         Kind = "session_cancelled"          // cancel
	SessionCancelledWaitlist Kind = "session_cancelled_waitlist" // told, no invite
	Reminder                 Kind = "reminder"
	PasswordReset            Kind = "password_reset"
	EvaluationRequested      Kind = "evaluation_requested" // the certificate waits for the evaluation
	CertificateIssued        Kind = "certificate_issued"   // the certificate PDF attached, separate from any invite
)

// Status is where a message stands.
type Status string

// Message statuses, as the admin email log shows them.
const (
	Queued   Status = "queued"
	Retrying Status = "retrying"
	Sent     Status = "sent"
	Failed   Status = "failed"
	NotSent  Status = "not_sent" // no mail server configured: rendered and kept
)

// BookingSnapshot is what a booking message must say, frozen when the change happened so
// that a message sent late still tells the truth of its moment.
type BookingSnapshot struct {
	BookingID        int64     `json:"booking_id"`
	SessionID        int64     `json:"session_id"`
	CourseID         int64     `json:"course_id"`
	UID              string    `json:"uid"`
	Sequence         int       `json:"sequence"`
	PersonName       string    `json:"person_name"`
	PersonEmail      string    `json:"person_email"`
	CourseTitle      string    `json:"course_title"`
	CourseSummary    string    `json:"course_summary"`
	StartsAt         time.Time `json:"starts_at"`
	EndsAt           time.Time `json:"ends_at"`
	Online           bool      `json:"online"`
	Venue            string    `json:"venue"`
	OnlineURL        string    `json:"online_url"`
	WaitlistPosition int       `json:"waitlist_position,omitempty"`
	ByOrganiser      bool      `json:"by_organiser,omitempty"` // someone other than the person made the change
	Reason           string    `json:"reason,omitempty"`       // why a session was cancelled
	Changes          []string  `json:"changes,omitempty"`      // what moved: "time", "venue", "link"
	Lead             string    `json:"lead,omitempty"`         // for reminders: "3 days"
	Stamp            time.Time `json:"stamp"`                  // when the change happened (DTSTAMP)
}

// ResetSnapshot is a password reset link. The queued row holds LinkID, never the secret:
// the worker has Config.Links mint a fresh secret as it sends, and only its hash is
// stored. Token is filled in memory for the renderer.
type ResetSnapshot struct {
	Name      string    `json:"name"`
	LinkID    int64     `json:"link_id,omitempty"`
	Token     string    `json:"token,omitempty"`
	ExpiresAt time.Time `json:"expires_at"`
	// Welcome words the message for a new account an admin has just added: "set your
	// password" rather than "reset" it. The link works the same way.
	Welcome bool `json:"welcome,omitempty"`
}

// CertificateSnapshot is a certificate as issued: everything its PDF prints.
type CertificateSnapshot struct {
	Code            string    `json:"code"`
	PersonName      string    `json:"person_name"`
	Organisation    string    `json:"organisation"`
	CourseTitle     string    `json:"course_title"`
	CompletedOn     time.Time `json:"completed_on"`
	DurationMinutes int       `json:"duration_minutes"`
	Trainer         string    `json:"trainer"`
	ExpiresOn       time.Time `json:"expires_on"`
	IssuedAt        time.Time `json:"issued_at"`
}

// Payload is what the outbox row stores.
type Payload struct {
	Booking     *BookingSnapshot     `json:"booking,omitempty"`
	Reset       *ResetSnapshot       `json:"reset,omitempty"`
	Certificate *CertificateSnapshot `json:"certificate,omitempty"`
	// Data is a kind's own snapshot (a manager's digest, an approval request), encoded
	// by the package that queues it and read by the renderer.
	Data json.RawMessage `json:"data,omitempty"`
	// LinkID names the emailed link of a kind other than a password reset (an email
	// confirmation): as with ResetSnapshot.LinkID, the worker has Config.Links mint its
	// secret as it sends, and the row never holds the secret.
	LinkID int64 `json:"link_id,omitempty"`
	// LinkToken is the secret minted for LinkID, filled in memory for the renderer and
	// never stored.
	LinkToken string `json:"-"`
}

// linkToMint is the id of the link whose secret must be minted before p can be
// rendered, or 0.
func (p *Payload) linkToMint() int64 {
	if r := p.Reset; r != nil && r.LinkID != 0 && r.Token == "" {
		return r.LinkID
	}
	if p.LinkID != 0 && p.LinkToken == "" {
		return p.LinkID
	}
	return 0
}

// setMinted hands the renderer the secret minted for linkToMint.
func (p *Payload) setMinted(token string) {
	if r := p.Reset; r != nil && r.LinkID != 0 && r.Token == "" {
		r.Token = token
		return
	}
	p.LinkToken = token
}

// secretInText is the link secret the rendered email holds, to hide from the admins'
// log: a working link is for its recipient alone.
func (p *Payload) secretInText() string {
	if p.Reset != nil && p.Reset.Token != "" {
		return p.Reset.Token
	}
	return p.LinkToken
}

// Row is a message to enqueue.
type Row struct {
	Kind      Kind
	UserID    int64
	BookingID int64
	SessionID int64
	ToEmail   string
	ToName    string
	Payload   Payload
	ExpiresAt time.Time // zero: never
}

// EnqueueTx adds a message inside the caller's transaction.
func EnqueueTx(ctx context.Context, tx *sql.Tx, r Row, now time.Time) (int64, error) {
	payload, err := json.Marshal(r.Payload)
	if err != nil {
		return 0, fmt.Errorf("outbox payload: %w", err)
	}
	var expires any
	if !r.ExpiresAt.IsZero() {
		expires = store.FormatTime(r.ExpiresAt)
	}
	stamp := store.FormatTime(now)
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO outbox (kind, user_id, booking_id, session_id, recipient_email,
		recipient_name, payload, next_attempt_at, expires_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.Kind, nullID(r.UserID), nullID(r.BookingID), nullID(r.SessionID),
		r.ToEmail, r.ToName, payload, stamp, expires, stamp, stamp).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
