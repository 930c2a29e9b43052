package impact

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// Form field names, and the longest answers.
const (
	FieldBefore   = "confidence_before"
	FieldAfter    = "confidence_after"
	FieldChange   = "change_made"
	FieldExamples = "examples"
	FieldShare    = "share_examples"

	MaxChange   = 1000
	MaxExamples = 2000
)

// Input is the short impact form.
type Input struct {
	Before   int // confidence before the training, 1 to 5
	After    int // confidence now, 1 to 5
	Change   string
	Examples string
	// Share agrees to the examples being quoted, without the person's name, in the
	// board's report. The change made is always reported that way (the form says so).
	Share bool
}

// Check applies the rules without saving, reporting every mistake at once.
func (in Input) Check() error { return in.validate() }

func (in *Input) validate() error {
	v := problem.Validation{}
	in.Change, in.Examples = strings.TrimSpace(in.Change), strings.TrimSpace(in.Examples)
	if in.Before < 1 || in.Before > 5 {
		v.Add(FieldBefore, "Choose how confident you felt before the training, from 1 to 5")
	}
	if in.After < 1 || in.After > 5 {
		v.Add(FieldAfter, "Choose how confident you feel now, from 1 to 5")
	}
	switch {
	case in.Change == "":
		v.Add(FieldChange, "Enter one change you have made to your practice, or say that nothing has changed")
	case utf8.RuneCountInString(in.Change) > MaxChange:
		v.Add(FieldChange, "The change you made must be 1,000 characters or fewer")
	}
	if utf8.RuneCountInString(in.Examples) > MaxExamples {
		v.Add(FieldExamples, "Examples must be 2,000 characters or fewer")
	}
	if in.Examples == "" {
		in.Share = false // nothing to share
	}
	return v.Err()
}

// FollowUp is one booking's follow-up as its attendee sees it.
type FollowUp struct {
	BookingID   int64
	UserID      int64
	CourseID    int64
	CourseTitle string
	StartsAt    time.Time
	EndsAt      time.Time
	AskedAt     time.Time
	Closes      time.Time
	Answered    bool
}

// Open reports whether the form takes an answer at now.
func (f FollowUp) Open(now time.Time) bool { return !f.Answered && now.Before(f.Closes) }

const followUpColumns = `b.id, b.user_id, c.id, c.title, s.starts_at, s.ends_at, k.asked_at,
	EXISTS (SELECT 1 FROM impact_answers a WHERE a.booking_id = b.id)`

const followUpFrom = ` FROM impact_followups k JOIN bookings b ON b.id = k.booking_id
	JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id`

func scanFollowUp(row interface{ Scan(...any) error }) (FollowUp, error) {
	var f FollowUp
	var starts, ends, asked store.Time
	err := row.Scan(&f.BookingID, &f.UserID, &f.CourseID, &f.CourseTitle, &starts, &ends, &asked, &f.Answered)
	f.StartsAt, f.EndsAt, f.AskedAt, f.Closes = starts.T, ends.T, asked.T, asked.T.Add(OpenFor)
	return f, err
}

// ForBooking is the follow-up of userID's booking. Anyone else's booking, or one that
// was never followed up, is ErrNotFound.
func (s *Service) ForBooking(ctx context.Context, bookingID, userID int64) (FollowUp, error) {
	f, err := scanFollowUp(s.DB.R.QueryRowContext(ctx, `SELECT `+followUpColumns+followUpFrom+` WHERE b.id = ?`, bookingID))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && f.UserID != userID) {
		return FollowUp{}, ErrNotFound
	}
	return f, store.Classify(err)
}

// OpenForUser lists userID's follow-ups that take an answer now, soonest to close first,
// for their learning record.
func (s *Service) OpenForUser(ctx context.Context, userID int64) ([]FollowUp, error) {
	now := s.Now()
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+followUpColumns+followUpFrom+`
		WHERE b.user_id = ? AND k.asked_at > ? ORDER BY k.asked_at, b.id`, userID, store.FormatTime(now.Add(-OpenFor)))
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []FollowUp
	for rows.Next() {
		f, err := scanFollowUp(rows)
		if err != nil {
			return nil, err
		}
		if f.Open(now) {
			out = append(out, f)
		}
	}
	return out, rows.Err()
}

// Submit records userID's answer for their booking's follow-up: only theirs, only while
// it is open, only once.
func (s *Service) Submit(ctx context.Context, bookingID, userID int64, in Input) error {
	if err := in.validate(); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		if err := store.LockRow(ctx, tx, "bookings", bookingID); err != nil {
			return err
		}
		f, err := scanFollowUp(tx.QueryRowContext(ctx, `SELECT `+followUpColumns+followUpFrom+` WHERE b.id = ?`, bookingID))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && f.UserID != userID) {
			return ErrNotFound
		}
		now := s.Now()
		switch {
		case err != nil:
			return err
		case f.Answered:
			return ErrAlreadyAnswered
		case !f.Open(now):
			return ErrNotOpen
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO impact_answers (booking_id, confidence_before, confidence_after,
			change_made, examples, share_examples, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			bookingID, in.Before, in.After, in.Change, in.Examples, in.Share, store.FormatTime(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrAlreadyAnswered
		}
		return nil
	})
}
