package attendance

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/certificate"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// Certificate is an issued certificate as stored.
type Certificate struct {
	ID              int64
	Code            string
	BookingID       int64
	UserID          int64
	CourseID        int64
	SessionID       int64
	PersonName      string
	Organisation    string
	CourseTitle     string
	CompletedOn     time.Time // London midnight of the session date
	DurationMinutes int
	Trainer         string
	ExpiresOn       time.Time // zero: does not expire
	IssuedAt        time.Time
	RevokedAt       time.Time
	RevokeReason    string
	// ErasedAt is when the holder's record was erased (internal/privacy); such a
	// certificate no longer verifies and says why.
	ErasedAt time.Time
}

// Revoked reports whether an admin withdrew the certificate.
func (c Certificate) Revoked() bool { return !c.RevokedAt.IsZero() }

// State is what the public verification page says: valid, expired, revoked or erased.
func (c Certificate) State(now time.Time) string {
	switch {
	case !c.ErasedAt.IsZero():
		return "erased"
	case c.Revoked():
		return "revoked"
	case !c.ExpiresOn.IsZero() && !now.Before(c.ExpiresOn):
		return "expired"
	}
	return "valid"
}

// Printable is the certificate as its PDF prints it.
func (c Certificate) Printable(partnership, verifyURL string) certificate.Certificate {
	return certificate.Certificate{Code: c.Code, PersonName: c.PersonName, Organisation: c.Organisation,
		CourseTitle: c.CourseTitle, CompletedOn: c.CompletedOn, DurationMinutes: c.DurationMinutes, Trainer: c.Trainer,
		Partnership: partnership, ExpiresOn: c.ExpiresOn, VerifyURL: verifyURL, IssuedAt: c.IssuedAt}
}

const certificateColumns = `id, code, booking_id, user_id, course_id, session_id, person_name, organisation,
	course_title, completed_on, duration_minutes, trainer, COALESCE(expires_on, ''), issued_at,
	COALESCE(revoked_at, ''), revoke_reason, COALESCE(erased_at, '')`

func scanCertificate(row interface{ Scan(...any) error }) (Certificate, error) {
	var c Certificate
	var completed, expires, revoked, erased string
	var issued store.Time
	err := row.Scan(&c.ID, &c.Code, &c.BookingID, &c.UserID, &c.CourseID, &c.SessionID, &c.PersonName, &c.Organisation,
		&c.CourseTitle, &completed, &c.DurationMinutes, &c.Trainer, &expires, &issued, &revoked, &c.RevokeReason, &erased)
	if err != nil {
		return c, store.Classify(err)
	}
	c.IssuedAt = issued.T
	if c.CompletedOn, err = parseDay(completed); err != nil {
		return c, err
	}
	if expires != "" {
		if c.ExpiresOn, err = parseDay(expires); err != nil {
			return c, err
		}
	}
	if revoked != "" {
		if c.RevokedAt, err = store.ParseTime(revoked); err != nil {
			return c, err
		}
	}
	if erased != "" {
		c.ErasedAt, err = store.ParseTime(erased)
	}
	return c, err
}

// ByCode finds a certificate by its public code, in any of the ways people type it.
func (s *Service) ByCode(ctx context.Context, code string) (Certificate, error) {
	canonical := certificate.NormaliseCode(code)
	if canonical == "" {
		return Certificate{}, ErrCertificateNotFound
	}
	c, err := scanCertificate(s.DB.R.QueryRowContext(ctx, `SELECT `+certificateColumns+` FROM certificates WHERE code = ?`, canonical))
	if errors.Is(err, store.ErrNotFound) {
		return c, ErrCertificateNotFound
	}
	return c, err
}

// ForUser lists a person's certificates, newest first, revoked ones included.
func (s *Service) ForUser(ctx context.Context, userID int64) ([]Certificate, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+certificateColumns+` FROM certificates WHERE user_id = ?
		ORDER BY completed_on DESC, id DESC`, userID)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []Certificate
	for rows.Next() {
		c, err := scanCertificate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Revoke withdraws a certificate, with a reason the verification page does not show.
func (s *Service) Revoke(ctx context.Context, code, reason string, actorID int64) error {
	reason = strings.TrimSpace(reason)
	v := problem.Validation{}
	if reason == "" {
		v.Add("reason", "Say why the certificate is being revoked")
	}
	v.CheckLine("reason", reason, "Reason", 500)
	if err := v.Err(); err != nil {
		return err
	}
	c, err := s.ByCode(ctx, code)
	if err != nil {
		return err
	}
	if c.Revoked() {
		return ErrAlreadyRevoked
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		return revokeTx(ctx, tx, `id = ? AND revoked_at IS NULL`, c.ID, reason, actorID, s.Now())
	})
}

func revokeTx(ctx context.Context, tx *sql.Tx, where string, arg any, reason string, actorID int64, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE certificates SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE `+where,
		store.FormatTime(now), nullID(actorID), reason, arg)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrAlreadyRevoked
	}
	return nil
}
