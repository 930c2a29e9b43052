package privacy

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// EraseRequest is an erasure to carry out: whose, on whose request, by whom.
type EraseRequest struct {
	UserID int64
	// ActorID is the admin carrying it out; 0 for the retention job.
	ActorID int64
	// Received is the date the person's request arrived, as typed (YYYY-MM-DD, or the
	// day, month and year fields joined by the form).
	Received  string
	Reference string
	Note      string
}

// Erased says what an erasure did, for the admin's confirmation.
type Erased struct {
	Name              string // the person's name before erasure
	BookingsCancelled int
	Ended             account.Ended
	EmailsWithdrawn   int
}

// Refusals.
var (
	ErrEraseSelf = problem.Conflict("erase_self",
		"You cannot erase your own record. Ask another admin to do it.")
	ErrEraseLastAdmin = problem.Conflict("erase_last_admin",
		"This is the only active admin, so their record cannot be erased. Make someone else an admin first.")
	ErrAlreadyErased = problem.Conflict("already_erased", "This person's record has already been erased.")
)

// Form field names.
const (
	FieldReceived  = "received"
	FieldReference = "reference"
	FieldNote      = "note"
)

// validate checks the admin's fields, all at once, and returns the received date.
func (r *EraseRequest) validate(now time.Time) (string, error) {
	v := problem.Validation{}
	r.Reference = strings.TrimSpace(r.Reference)
	r.Note = strings.TrimSpace(r.Note)
	day, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(r.Received), clock.London)
	today := now.In(clock.London).Format("2006-01-02")
	switch {
	case strings.TrimSpace(r.Received) == "":
		v.Add(FieldReceived, "Enter the date the request was received")
	case err != nil:
		v.Add(FieldReceived, "Enter the date the request was received as a real date, like 2026-11-25")
	case day.Year() < 2000:
		v.Add(FieldReceived, "Enter a date from 2000 onwards")
	case day.Format("2006-01-02") > today:
		v.Add(FieldReceived, "The date the request was received must be today or in the past")
	}
	if r.Reference == "" {
		v.Add(FieldReference, "Enter a reference for the request, such as its case number")
	} else {
		v.CheckLine(FieldReference, r.Reference, "Reference", 100)
	}
	if utf8.RuneCountInString(r.Note) > 2000 {
		v.Add(FieldNote, "Note must be 2000 characters or fewer")
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	return day.Format("2006-01-02"), nil
}

// Erase anonymises a person on an admin's instruction, in one write transaction: see
// eraseTx for what goes and what stays.
func (s *Service) Erase(ctx context.Context, r EraseRequest) (Erased, error) {
	now := s.Now()
	received, err := r.validate(now)
	if err != nil {
		return Erased{}, err
	}
	var out Erased
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = eraseTx(ctx, tx, r, received, now)
		return err
	})
	return out, store.Classify(err)
}

// eraseTx removes everything that identifies the person and every way into the account,
// and keeps the facts the partnership's figures rest on: past bookings, attendance and
// charges stay, pointing at the anonymised account. Future places are given up (the
// waiting list moves up), their certificates stop verifying, and the erasure is recorded.
func eraseTx(ctx context.Context, tx *sql.Tx, r EraseRequest, received string, now time.Time) (Erased, error) {
	var out Erased
	var email string
	err := tx.QueryRowContext(ctx, `SELECT name, email FROM users WHERE id = ?`, r.UserID).Scan(&out.Name, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return out, store.ErrNotFound
	}
	if err != nil {
		return out, err
	}
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM erasures WHERE user_id = ?`, r.UserID).Scan(&done); err != nil {
		return out, err
	}
	if done > 0 || IsErased(email) {
		return out, ErrAlreadyErased
	}
	if r.ActorID == r.UserID {
		return out, ErrEraseSelf
	}
	if last, err := lastActiveAdmin(ctx, tx, r.UserID); err != nil {
		return out, err
	} else if last {
		return out, ErrEraseLastAdmin
	}
	stamp := store.FormatTime(now)
	if out.BookingsCancelled, err = booking.CancelFutureForErasureTx(ctx, tx, r.UserID, r.ActorID, now); err != nil {
		return out, err
	}
	if out.Ended, err = account.EndAccessTx(ctx, tx, r.UserID, stamp); err != nil {
		return out, err
	}
	// Changing password_changed_at also voids every remembered-browser cookie (they are
	// signed over it).
	if _, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, email = ?, job_title = '', team = '', password_hash = '',
		active = 0, calendar_token = NULL, password_changed_at = ? WHERE id = ?`,
		ErasedName, ErasedEmail(r.UserID), stamp, r.UserID); err != nil {
		return out, err
	}
	for _, q := range []string{
		`DELETE FROM password_resets WHERE user_id = ?`,
		`DELETE FROM email_confirmations WHERE user_id = ?`,
		`DELETE FROM user_totp WHERE user_id = ?`,
		`DELETE FROM user_recovery_codes WHERE user_id = ?`,
		`DELETE FROM sso_identities WHERE user_id = ?`,
		`DELETE FROM api_tokens WHERE user_id = ?`,
		`UPDATE evaluations SET do_differently = '', comments = ''
			WHERE booking_id IN (SELECT id FROM bookings WHERE user_id = ?)`,
		// The impact answers' words go; the confidence figures stay, as the ratings do.
		`UPDATE impact_answers SET change_made = '', examples = '', share_examples = 0
			WHERE booking_id IN (SELECT id FROM bookings WHERE user_id = ?)`,
	} {
		if _, err := tx.ExecContext(ctx, q, r.UserID); err != nil {
			return out, err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE certificates SET person_name = ?, erased_at = ?,
		revoke_reason = CASE WHEN revoked_at IS NULL THEN 'The holder''s record was erased.' ELSE revoke_reason END,
		revoked_by = CASE WHEN revoked_at IS NULL THEN ? ELSE revoked_by END,
		revoked_at = COALESCE(revoked_at, ?) WHERE user_id = ?`,
		ErasedName, stamp, nullID(r.ActorID), stamp, r.UserID); err != nil {
		return out, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE account_merges SET merged_name = ?, merged_email = ?
		WHERE merged_user_id = ? OR kept_user_id = ?`, ErasedName, ErasedEmail(r.UserID), r.UserID, r.UserID); err != nil {
		return out, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'failed', last_error = 'Withdrawn: the person''s record was erased.',
		updated_at = ? WHERE (user_id = ? OR recipient_email = ?) AND status IN ('queued', 'retrying')`, stamp, r.UserID, email)
	if err != nil {
		return out, err
	}
	n, _ := res.RowsAffected()
	out.EmailsWithdrawn = int(n)
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET recipient_email = '', recipient_name = '', subject = '', body_text = '',
		payload = '{}', content_deleted_at = ?, content_deleted_note = 'Content deleted when the person''s record was erased'
		WHERE (user_id = ? OR recipient_email = ?) AND content_deleted_at IS NULL`, stamp, r.UserID, email); err != nil {
		return out, err
	}
	// Request limits keyed by the address would otherwise keep it until they decay.
	for _, q := range []string{`DELETE FROM signin_limits WHERE instr(key, ?) > 0`, `DELETE FROM rate_limits WHERE instr(key, ?) > 0`} {
		if _, err := tx.ExecContext(ctx, q, email); err != nil {
			return out, err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO erasures (user_id, request_received_on, reference, note, carried_out_by, carried_out_at)
		VALUES (?, ?, ?, ?, ?, ?)`, r.UserID, received, r.Reference, r.Note, nullID(r.ActorID), stamp)
	return out, err
}

// lastActiveAdmin reports whether id is the only active admin left, by the rule the
// people pages use for disabling.
func lastActiveAdmin(ctx context.Context, tx *sql.Tx, id int64) (bool, error) {
	var self, others int
	err := tx.QueryRowContext(ctx, `SELECT
		count(*) FILTER (WHERE u.id = ?), count(*) FILTER (WHERE u.id <> ?)
		FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'admin' WHERE u.active = 1`, id, id).Scan(&self, &others)
	return self > 0 && others == 0, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
