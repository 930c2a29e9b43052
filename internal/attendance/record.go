package attendance

import (
	"context"
	"database/sql"
	"time"

	"github.com/traininghub/traininghub/internal/certificate"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Completion is a course a person attended, as their learning record shows it.
type Completion struct {
	BookingID          int64
	CourseID           int64
	CourseTitle        string
	SessionID          int64
	CompletedOn        time.Time // the session's start
	DurationMinutes    int
	ExpiresOn          time.Time // zero: never
	Status             certificate.Status
	CertificateCode    string // "" when none is issued (yet)
	AwaitingEvaluation bool   // the certificate waits for the person's evaluation
	Evaluated          bool   // the person has sent their evaluation
}

// CompletedLondon is the completion date as shown.
func (c Completion) CompletedLondon() time.Time { return c.CompletedOn.In(clock.London) }

// Completions lists what a person has completed, newest first: sessions where they were
// recorded as attending on a submitted register.
func (s *Service) Completions(ctx context.Context, userID int64) ([]Completion, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT b.id, c.id, c.title, s.id, s.starts_at, c.duration_minutes,
		COALESCE(c.validity_months, 0), c.requires_evaluation,
		EXISTS (SELECT 1 FROM evaluations e WHERE e.booking_id = b.id),
		COALESCE((SELECT k.code FROM certificates k WHERE k.booking_id = b.id AND k.revoked_at IS NULL), ''),
		(SELECT k.expires_on FROM certificates k WHERE k.booking_id = b.id AND k.revoked_at IS NULL)
		FROM bookings b JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id
		JOIN registers r ON r.session_id = s.id AND r.status = 'submitted'
		WHERE b.user_id = ? AND b.status = 'confirmed' AND b.attendance = 'attended'
		ORDER BY s.starts_at DESC, b.id DESC`, userID)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	now := s.Now()
	var out []Completion
	for rows.Next() {
		var c Completion
		var starts store.Time
		var validity int
		var needsEval, evaluated bool
		var certExpires sql.NullString
		if err := rows.Scan(&c.BookingID, &c.CourseID, &c.CourseTitle, &c.SessionID, &starts, &c.DurationMinutes,
			&validity, &needsEval, &evaluated, &c.CertificateCode, &certExpires); err != nil {
			return nil, err
		}
		c.CompletedOn = starts.T
		switch {
		case c.CertificateCode != "":
			// The certificate's own date stands, even if the course's validity changed since.
			if certExpires.Valid {
				if c.ExpiresOn, err = parseDay(certExpires.String); err != nil {
					return nil, err
				}
			}
		case validity > 0:
			c.ExpiresOn = certificate.AddMonths(starts.T, validity)
		}
		c.Status = certificate.ExpiryStatus(c.ExpiresOn, now)
		c.AwaitingEvaluation = needsEval && !evaluated && c.CertificateCode == ""
		c.Evaluated = evaluated
		out = append(out, c)
	}
	return out, rows.Err()
}
