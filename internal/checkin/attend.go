package checkin

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/traininghub/traininghub/internal/ratelimit"
	"github.com/traininghub/traininghub/internal/store"
)

// Result is a check-in that was accepted.
type Result struct {
	BookingID int64
	At        time.Time // when they checked in (the first time, if Already)
	Already   bool      // they had checked in before: nothing new was stored
}

// attemptRule is the per-account limit on check-in attempts.
func attemptRule(userID int64) ratelimit.Rule {
	return ratelimit.Rule{Key: "checkin:user:" + strconv.FormatInt(userID, 10), Limit: AttemptsPerAccount, Window: AttemptsWindow}
}

// CheckIn records that userID is at sessionID, given the code they scanned or typed. It
// is accepted only during the session window (from OpensBefore the start to its end),
// for someone holding a confirmed place, with the code of this step or the one before.
// Checking in twice is harmless: the second time says so and changes nothing. Every
// refusal stores nothing (beyond counting the attempt).
func (s *Service) CheckIn(ctx context.Context, sessionID, userID int64, typed string) (Result, error) {
	typed = NormaliseCode(typed)
	if typed == "" {
		return Result{}, ErrCodeShape
	}
	retry, ok, err := s.Limits.Take(ctx, attemptRule(userID))
	if err != nil {
		return Result{}, err
	}
	if !ok {
		return Result{}, tooManyAttempts(retry.Sub(s.Now()))
	}
	var res Result
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		res = Result{}
		now := s.Now()
		if err := store.LockRow(ctx, tx, "course_sessions", sessionID); err != nil {
			return err
		}
		if err := openFor(ctx, tx, sessionID, now); err != nil {
			return err
		}
		var at sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT b.id, k.at FROM bookings b LEFT JOIN checkins k ON k.booking_id = b.id
			WHERE b.session_id = ? AND b.user_id = ? AND b.status = 'confirmed'`, sessionID, userID).Scan(&res.BookingID, &at)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNoPlace
		}
		if err != nil {
			return err
		}
		if at.Valid {
			res.Already = true
			res.At, err = store.ParseTime(at.String)
			return err
		}
		var secret string
		err = tx.QueryRowContext(ctx, `SELECT secret FROM checkin_secrets WHERE session_id = ?`, sessionID).Scan(&secret)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !matches(sessionKey(s.Key, sessionID, secret), typed, now) {
			return ErrWrongCode
		}
		if err != nil {
			return err
		}
		res.At = now.UTC().Truncate(time.Second)
		_, err = tx.ExecContext(ctx, `INSERT INTO checkins (booking_id, at) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			res.BookingID, store.FormatTime(res.At))
		return err
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// openFor refuses a check-in to a session that does not exist, was cancelled, or is
// outside its window now.
func openFor(ctx context.Context, tx *sql.Tx, sessionID int64, now time.Time) error {
	var status string
	var online bool
	var starts, ends store.Time
	err := tx.QueryRowContext(ctx, `SELECT status, online, starts_at, ends_at FROM course_sessions WHERE id = ?`, sessionID).
		Scan(&status, &online, &starts, &ends)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrSessionNotFound
	case err != nil:
		return err
	case status == "cancelled":
		return ErrSessionCancelled
	case online:
		return ErrOnline
	}
	return Window(starts.T, ends.T).refusal(now)
}

// Span is the time in which people may check in to a session.
type Span struct{ Opens, Closes time.Time }

// Window is when check-in is open for a session from starts to ends.
func Window(starts, ends time.Time) Span { return Span{Opens: starts.Add(-OpensBefore), Closes: ends} }

// Open reports whether now is inside the span.
func (w Span) Open(now time.Time) bool { return w.refusal(now) == nil }

func (w Span) refusal(now time.Time) error {
	switch {
	case now.Before(w.Opens):
		return ErrNotOpen
	case !now.Before(w.Closes):
		return ErrClosed
	}
	return nil
}
