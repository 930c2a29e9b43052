package booking

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strings"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// The substitution messages. Each carries a booking snapshot whose Reason names the other
// person: SubstitutionOut is a calendar CANCEL (same UID, higher SEQUENCE) to the person
// who gave the place up, naming the colleague; SubstitutionIn is a calendar REQUEST with
// a new UID to the colleague, naming who handed it on.
const (
	SubstitutionOut outbox.Kind = "substitution_out"
	SubstitutionIn  outbox.Kind = "substitution_in"
)

// SubstituteRequest hands the confirmed place BookingID to a colleague of its holder.
// Unless AnyBooking is set (admins), the booking must belong to ActorID.
type SubstituteRequest struct {
	BookingID      int64
	ColleagueEmail string
	ActorID        int64
	AnyBooking     bool
}

// Substitution is what a hand-over did.
type Substitution struct {
	Original      Booking // now cancelled
	Colleague     Booking // the colleague's new confirmed place
	ColleagueName string
}

// Refusals of a substitution. Unknown addresses and people from other organisations get
// the same words, so the form cannot be used to find out who has an account elsewhere.
var (
	errColleagueNotFound = problem.Validation{"user_email": "Enter the email address of a colleague in the same organisation who has an account"}
	errColleagueIsHolder = problem.Validation{"user_email": "Enter a colleague's email address, not the address of the person who has the place"}

	ErrColleagueBooked = &problem.Error{Status: http.StatusConflict, Code: "colleague_booked",
		Message: "That colleague already has a place on this session, or is on its waiting list.",
		Fields:  map[string]string{"user_email": "That colleague already has a place on this session, or is on its waiting list"}}
	ErrColleagueAwaitingApproval = &problem.Error{Status: http.StatusConflict, Code: "colleague_awaiting_approval",
		Message: "That colleague has asked for a place on this session and is waiting for a manager's approval.",
		Fields:  map[string]string{"user_email": "That colleague has asked for a place on this session and is waiting for a manager's approval"}}
	ErrSubstituteNotConfirmed = problem.Unprocessable("not_confirmed", "Only a booked place can be handed to a colleague, not a waiting-list position.")
	ErrSubstituteHeld         = problem.Unprocessable("awaiting_approval", "This place is held while a manager decides, so it cannot be handed on yet.")
	ErrSubstituteApproval     = problem.Unprocessable("approval_required", "Places on this course need a manager's approval for each person, so they cannot be handed on. Your colleague can ask for a place, and you can cancel yours.")
	ErrSubstituteTooLate      = problem.Unprocessable("session_started", "This session has already started, so the place can no longer be handed on.")
)

// Substitute gives the holder's confirmed place to a colleague from the same organisation,
// as partnership terms allow, in one transaction: the holder's booking is cancelled
// (reason "substituted": never late, and nobody is promoted because the place is not
// freed) and the colleague gets a new confirmed booking, so capacity is unchanged. The
// holder gets a calendar cancellation of their invite; the colleague an invite of their
// own. Before the session starts only.
func (s *Service) Substitute(ctx context.Context, req SubstituteRequest) (Substitution, error) {
	email := strings.ToLower(strings.TrimSpace(req.ColleagueEmail))
	switch {
	case email == "":
		return Substitution{}, problem.Validation{"user_email": "Enter your colleague's email address"}.Err()
	case len(email) > 254 || !strings.Contains(email, "@") || strings.ContainsAny(email, " \t\r\n<>,;\""):
		return Substitution{}, problem.Validation{"user_email": "Enter an email address in the correct format, like name@example.org"}.Err()
	}
	var out Substitution
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.substituteTx(ctx, tx, req, email)
		return err
	})
	return out, err
}

func (s *Service) substituteTx(ctx context.Context, tx *sql.Tx, req SubstituteRequest, email string) (Substitution, error) {
	b, err := lockedBooking(ctx, tx, req.BookingID)
	if err != nil {
		return Substitution{}, err
	}
	if !req.AnyBooking && b.UserID != req.ActorID {
		return Substitution{}, ErrNotYours
	}
	switch b.Status {
	case Waitlisted:
		return Substitution{}, ErrSubstituteNotConfirmed
	case Cancelled, LateCancelled:
		return Substitution{}, ErrAlreadyCancelled
	}
	now := s.Now()
	st, err := lockSession(ctx, tx, b.SessionID)
	if err != nil {
		return Substitution{}, err
	}
	if st.started(now) {
		return Substitution{}, ErrSubstituteTooLate
	}
	var needsApproval, held bool
	if err := tx.QueryRowContext(ctx, `SELECT c.manager_approval, `+heldSQL+`
		FROM bookings b JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id
		WHERE b.id = ?`, b.ID).Scan(&needsApproval, &held); err != nil {
		return Substitution{}, err
	}
	if held {
		return Substitution{}, ErrSubstituteHeld
	}
	if needsApproval {
		return Substitution{}, ErrSubstituteApproval
	}

	var colleagueID int64
	var colleagueName string
	err = tx.QueryRowContext(ctx, `SELECT c.id, c.name FROM users c JOIN users h ON h.id = ?
		WHERE c.email = ? AND c.active = 1 AND c.organisation_id = h.organisation_id AND `+account.CountsAsStaff("c"), b.UserID, email).
		Scan(&colleagueID, &colleagueName)
	if errors.Is(err, sql.ErrNoRows) {
		return Substitution{}, errColleagueNotFound.Err()
	}
	if err != nil {
		return Substitution{}, err
	}
	if colleagueID == b.UserID {
		return Substitution{}, errColleagueIsHolder.Err()
	}
	var live, pending int
	if err := tx.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM bookings WHERE session_id = ? AND user_id = ? AND status IN ('confirmed', 'waitlisted')),
		(SELECT count(*) FROM approval_requests WHERE session_id = ? AND user_id = ? AND status = 'pending')`,
		b.SessionID, colleagueID, b.SessionID, colleagueID).Scan(&live, &pending); err != nil {
		return Substitution{}, err
	}
	if live > 0 {
		return Substitution{}, ErrColleagueBooked
	}
	if pending > 0 {
		return Substitution{}, ErrColleagueAwaitingApproval
	}
	var holderName string
	if err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, b.UserID).Scan(&holderName); err != nil {
		return Substitution{}, err
	}

	// The holder's place goes first, so confirmed never passes capacity even for a moment.
	stamp := store.FormatTime(now)
	if _, err := tx.ExecContext(ctx, `UPDATE bookings SET status = 'cancelled', updated_at = ? WHERE id = ?`, stamp, b.ID); err != nil {
		return Substitution{}, err
	}
	if err := writeHistory(ctx, tx, b.ID, Confirmed, Cancelled, req.ActorID, ReasonSubstituted, stamp); err != nil {
		return Substitution{}, err
	}
	byOrganiser := req.ActorID != b.UserID
	if err := outbox.EnqueueBookingTx(ctx, tx, SubstitutionOut, b.ID,
		outbox.Options{BumpSequence: true, ByOrganiser: byOrganiser, Reason: colleagueName}, now); err != nil {
		return Substitution{}, err
	}
	var newID int64
	err = tx.QueryRowContext(ctx, `INSERT INTO bookings (session_id, user_id, status, created_at, updated_at, ical_uid)
		VALUES (?, ?, 'confirmed', ?, ?, ?) RETURNING id`, b.SessionID, colleagueID, stamp, stamp, newUID()).Scan(&newID)
	if store.IsConstraint(err) {
		return Substitution{}, ErrColleagueBooked
	}
	if err != nil {
		return Substitution{}, err
	}
	if err := writeHistory(ctx, tx, newID, "", Confirmed, req.ActorID, ReasonSubstitute, stamp); err != nil {
		return Substitution{}, err
	}
	if err := outbox.EnqueueBookingTx(ctx, tx, SubstitutionIn, newID,
		outbox.Options{ByOrganiser: byOrganiser, Reason: holderName}, now); err != nil {
		return Substitution{}, err
	}
	b.Status, b.UpdatedAt = Cancelled, now
	return Substitution{
		Original:      b,
		Colleague:     Booking{ID: newID, SessionID: b.SessionID, UserID: colleagueID, Status: Confirmed, CreatedAt: now, UpdatedAt: now},
		ColleagueName: colleagueName,
	}, nil
}
