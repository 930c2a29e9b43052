// Package approval is manager approval of bookings: on a course that asks for it, booking
// a place sends a request to the managers of the person's organisation instead of booking,
// optionally holding a place for a set number of days meanwhile. A manager (or an admin)
// approves, which books the place, or declines, which releases any held place; the
// practitioner is told either way. Every change runs in one BEGIN IMMEDIATE transaction
// with the booking engine's own helpers, so capacity, the waiting list, the booking
// history and the outbox stay as the engine keeps them.
package approval

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// Status is where a request stands.
type Status string

// Request statuses. Only pending requests can be decided or withdrawn; expired means the
// session was cancelled or its booking closed before anyone decided.
const (
	Pending   Status = "pending"
	Approved  Status = "approved"
	Declined  Status = "declined"
	Withdrawn Status = "withdrawn"
	Expired   Status = "expired"
)

// Label is the status in plain English.
func (s Status) Label() string {
	switch s {
	case Pending:
		return "Awaiting approval"
	case Approved:
		return "Approved"
	case Declined:
		return "Declined"
	case Withdrawn:
		return "Withdrawn"
	case Expired:
		return "Closed"
	}
	return string(s)
}

// Request is one person's request for a place, with what the pages and emails show.
type Request struct {
	ID        int64
	SessionID int64
	UserID    int64
	BookingID int64 // the held place, or the booking made on approval; 0 for none
	Status    Status
	// HoldUntil is when a held place is released if nobody has decided; zero when no
	// place was held. Held says whether the place is still held now.
	HoldUntil time.Time
	Held      bool
	DecidedBy int64
	Decider   string // the name of who decided (or withdrew)
	DecidedAt time.Time
	Reason    string // the manager's note or reason for declining
	CreatedAt time.Time

	PersonName       string
	PersonEmail      string
	JobTitle         string
	Team             string
	OrganisationID   int64
	OrganisationName string

	CourseID        int64
	CourseTitle     string
	StartsAt        time.Time
	EndsAt          time.Time
	Online          bool
	Venue           string
	SessionStatus   string
	BookingClosesAt time.Time
	Capacity        int
	Confirmed       int
	Waitlisted      int
}

// StartsLondon is the session start as shown to people.
func (r Request) StartsLondon() time.Time { return r.StartsAt.In(clock.London) }

// EndsLondon is the session end as shown to people.
func (r Request) EndsLondon() time.Time { return r.EndsAt.In(clock.London) }

// HoldUntilLondon is the end of the hold as shown to people.
func (r Request) HoldUntilLondon() time.Time { return r.HoldUntil.In(clock.London) }

// IsPending is a template-friendly Status == Pending.
func (r Request) IsPending() bool { return r.Status == Pending }

// PlacesLeft is how many places are free on the session now.
func (r Request) PlacesLeft() int { return max(0, r.Capacity-r.Confirmed) }

// Service runs approval requests.
type Service struct {
	DB       *store.DB
	Bookings *booking.Service
	Now      clock.Clock
}

// New builds the service on the booking engine's database and clock.
func New(b *booking.Service) *Service { return &Service{DB: b.DB, Bookings: b, Now: b.Now} }

// Refusals, each saying why.
var (
	ErrNotFound         = problem.New(http.StatusNotFound, "not_found", "We could not find that approval request.")
	ErrNotRequired      = problem.Unprocessable("approval_not_required", "This course does not need a manager's approval: book a place instead.")
	ErrAlreadyRequested = problem.Conflict("approval_pending", "You have already asked for a place on this session. It is waiting for a manager's approval.")
	ErrOwnRequest       = problem.New(http.StatusForbidden, "own_request", "You cannot decide your own request. Another manager, or the training team, must decide it.")
	ErrDecided          = problem.Conflict("already_decided", "This request has already been decided or withdrawn, so nothing was changed.")
	errReasonRequired   = problem.Validation{"reason": "Enter the reason for declining, so that your colleague knows why"}
	errReasonTooLong    = problem.Validation{"reason": "The reason must be 1,000 characters or fewer"}
)

// MaxReasonLength bounds a manager's note, in characters.
const MaxReasonLength = 1000

// newToken is 256 random bits and its SHA-256. Decision links emailed before links named
// requests by number carried such a token, and ByToken still finds their requests; a new
// request stores the hash of a token nobody is told, so token_hash stays unique.
func newToken() (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// validToken reports whether s could be a token at all, so junk never reaches the query.
func validToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// MayDecide says whether u may approve or decline r: admins, and managers of the person's
// own organisation, but never the person who asked. Everyone else is told the request does
// not exist.
func MayDecide(u *account.User, r Request) error {
	switch {
	case u == nil || !u.Active:
		return ErrNotFound
	case u.ID == r.UserID:
		return ErrOwnRequest
	case u.IsAdmin():
		return nil
	case u.Has(account.Manager) && u.OrganisationID == r.OrganisationID:
		return nil
	}
	return ErrNotFound
}

// MaySee says whether u may look at r: whoever may decide it, and the person who asked.
func MaySee(u *account.User, r Request) bool {
	err := MayDecide(u, r)
	return err == nil || errors.Is(err, ErrOwnRequest)
}

const requestColumns = `a.id, a.session_id, a.user_id, COALESCE(a.booking_id, 0), a.status, a.hold_until,
	(a.status = 'pending' AND EXISTS (SELECT 1 FROM bookings hb WHERE hb.id = a.booking_id AND hb.status = 'confirmed')),
	COALESCE(a.decided_by, 0), COALESCE(d.name, ''), a.decided_at, a.reason, a.created_at,
	u.name, u.email, u.job_title, u.team, u.organisation_id, o.name,
	c.id, c.title, s.starts_at, s.ends_at, s.online, s.venue, s.status, s.booking_closes_at,
	s.capacity, s.confirmed_count,
	(SELECT count(*) FROM bookings w WHERE w.session_id = s.id AND w.status = 'waitlisted')
	FROM approval_requests a
	JOIN users u ON u.id = a.user_id
	JOIN organisations o ON o.id = u.organisation_id
	JOIN course_sessions s ON s.id = a.session_id
	JOIN courses c ON c.id = s.course_id
	LEFT JOIN users d ON d.id = a.decided_by `

type scanner interface {
	Scan(dest ...any) error
}

func scanRequest(row scanner) (Request, error) {
	var r Request
	var hold, decided, created, starts, ends, closes store.Time
	err := row.Scan(&r.ID, &r.SessionID, &r.UserID, &r.BookingID, &r.Status, &hold, &r.Held,
		&r.DecidedBy, &r.Decider, &decided, &r.Reason, &created,
		&r.PersonName, &r.PersonEmail, &r.JobTitle, &r.Team, &r.OrganisationID, &r.OrganisationName,
		&r.CourseID, &r.CourseTitle, &starts, &ends, &r.Online, &r.Venue, &r.SessionStatus, &closes,
		&r.Capacity, &r.Confirmed, &r.Waitlisted)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	r.HoldUntil, r.DecidedAt, r.CreatedAt = hold.T, decided.T, created.T
	r.StartsAt, r.EndsAt, r.BookingClosesAt = starts.T, ends.T, closes.T
	return r, err
}

type rowQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func loadRequest(ctx context.Context, q rowQueryer, id int64) (Request, error) {
	return scanRequest(q.QueryRowContext(ctx, `SELECT `+requestColumns+`WHERE a.id = ?`, id))
}

func listRequests(ctx context.Context, q rowQueryer, where string, args ...any) ([]Request, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+requestColumns+where, args...)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
