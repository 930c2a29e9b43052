package attendance

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// EvaluationInput is the short post-course form.
type EvaluationInput struct {
	Rating        int // overall, 1 to 5
	Usefulness    int // how useful for practice, 1 to 5
	DoDifferently string
	Comments      string
}

func (in *EvaluationInput) validate() error {
	v := problem.Validation{}
	in.DoDifferently, in.Comments = strings.TrimSpace(in.DoDifferently), strings.TrimSpace(in.Comments)
	if in.Rating < 1 || in.Rating > 5 {
		v.Add("rating", "Choose an overall rating from 1 to 5")
	}
	if in.Usefulness < 1 || in.Usefulness > 5 {
		v.Add("usefulness", "Choose how useful the training is for your practice, from 1 to 5")
	}
	if len([]rune(in.DoDifferently)) > 2000 {
		v.Add("do_differently", "Keep this to 2,000 characters or fewer")
	}
	if len([]rune(in.Comments)) > 2000 {
		v.Add("comments", "Keep comments to 2,000 characters or fewer")
	}
	return v.Err()
}

// SubmitEvaluation records a person's evaluation of a session they attended and, when the
// certificate was waiting for it, issues the certificate. It returns whether one was
// issued now.
func (s *Service) SubmitEvaluation(ctx context.Context, bookingID, userID int64, in EvaluationInput) (bool, error) {
	if err := in.validate(); err != nil {
		return false, err
	}
	issued := false
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		issued = false
		if _, err := lockBookingSession(ctx, tx, bookingID); errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return err
		}
		var owner int64
		var mark, register string
		var evaluated, certified bool
		err := tx.QueryRowContext(ctx, `SELECT b.user_id, COALESCE(b.attendance, ''), COALESCE(r.status, 'open'),
			EXISTS (SELECT 1 FROM evaluations e WHERE e.booking_id = b.id),
			EXISTS (SELECT 1 FROM certificates c WHERE c.booking_id = b.id AND c.revoked_at IS NULL)
			FROM bookings b LEFT JOIN registers r ON r.session_id = b.session_id WHERE b.id = ?`, bookingID).
			Scan(&owner, &mark, &register, &evaluated, &certified)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != userID) {
			return store.ErrNotFound
		}
		switch {
		case err != nil:
			return err
		case mark != string(Attended) || register != Submitted:
			return ErrNotAttended
		case evaluated:
			return ErrAlreadyEvaluated
		}
		now := s.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO evaluations (booking_id, rating, usefulness, do_differently, comments, submitted_at)
			VALUES (?, ?, ?, ?, ?, ?)`, bookingID, in.Rating, in.Usefulness, in.DoDifferently, in.Comments, store.FormatTime(now)); err != nil {
			return err
		}
		if certified {
			return nil
		}
		issued = true
		return issueTx(ctx, tx, bookingID, now)
	})
	return issued, err
}

// Summary is what a course's evaluations add up to. Averages are in tenths (43 = 4.3) so
// no floating point is stored or compared.
type Summary struct {
	CourseID         int64
	Responses        int
	Attended         int
	RatingTenths     int
	UsefulnessTenths int
	RatingCounts     [6]int // index 1..5
	Comments         []Comment
}

// Comment is one free-text answer, without the person's name.
type Comment struct {
	DoDifferently string
	Comments      string
	At            time.Time
}

// Average renders tenths as "4.3".
func Average(tenths int) string {
	return itoa(tenths/10) + "." + itoa(tenths%10)
}

// EvaluationSummary adds up a course's evaluations, anonymised; at most the 50 newest
// comments are returned.
func (s *Service) EvaluationSummary(ctx context.Context, courseID int64) (Summary, error) {
	sum := Summary{CourseID: courseID}
	var ratingTotal, usefulTotal int
	err := s.DB.R.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(e.rating), 0), COALESCE(sum(e.usefulness), 0)
		FROM evaluations e JOIN bookings b ON b.id = e.booking_id JOIN course_sessions s ON s.id = b.session_id
		WHERE s.course_id = ?`, courseID).Scan(&sum.Responses, &ratingTotal, &usefulTotal)
	if err != nil {
		return sum, store.Classify(err)
	}
	if err := s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM bookings b JOIN course_sessions s ON s.id = b.session_id
		JOIN registers r ON r.session_id = s.id AND r.status = 'submitted'
		WHERE s.course_id = ? AND b.attendance = 'attended'`, courseID).Scan(&sum.Attended); err != nil {
		return sum, store.Classify(err)
	}
	if sum.Responses > 0 {
		sum.RatingTenths = roundTenths(ratingTotal, sum.Responses)
		sum.UsefulnessTenths = roundTenths(usefulTotal, sum.Responses)
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT e.rating, count(*) FROM evaluations e JOIN bookings b ON b.id = e.booking_id
		JOIN course_sessions s ON s.id = b.session_id WHERE s.course_id = ? GROUP BY e.rating`, courseID)
	if err != nil {
		return sum, store.Classify(err)
	}
	for rows.Next() {
		var rating, n int
		if err := rows.Scan(&rating, &n); err != nil {
			rows.Close()
			return sum, err
		}
		if rating >= 1 && rating <= 5 {
			sum.RatingCounts[rating] = n
		}
	}
	rows.Close()
	rows, err = s.DB.R.QueryContext(ctx, `SELECT e.do_differently, e.comments, e.submitted_at FROM evaluations e
		JOIN bookings b ON b.id = e.booking_id JOIN course_sessions s ON s.id = b.session_id
		WHERE s.course_id = ? AND (e.do_differently <> '' OR e.comments <> '') ORDER BY e.submitted_at DESC LIMIT 50`, courseID)
	if err != nil {
		return sum, store.Classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Comment
		var at store.Time
		if err := rows.Scan(&c.DoDifferently, &c.Comments, &at); err != nil {
			return sum, err
		}
		c.At = at.T
		sum.Comments = append(sum.Comments, c)
	}
	return sum, rows.Err()
}

// roundTenths is total/n to one decimal place, rounded half up, in tenths.
func roundTenths(total, n int) int { return (total*100/n + 5) / 10 }
