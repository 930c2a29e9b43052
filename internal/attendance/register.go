package attendance

import (
	"context"
	"database/sql"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// Entry is one person on a register.
type Entry struct {
	BookingID    int64
	UserID       int64
	Name         string
	Email        string
	JobTitle     string
	Organisation string
	WalkIn       bool
	Mark         Mark // "" until marked
}

// Register is a session's attendance list and whether it is locked.
type Register struct {
	SessionID   int64
	Status      string // Open or Submitted
	SubmittedAt time.Time
	SubmittedBy string
	Entries     []Entry
	History     []RegisterEvent
}

// Unmarked counts people not yet marked.
func (r Register) Unmarked() int {
	n := 0
	for _, e := range r.Entries {
		if e.Mark == "" {
			n++
		}
	}
	return n
}

// Count returns how many entries carry mark m.
func (r Register) Count(m Mark) int {
	n := 0
	for _, e := range r.Entries {
		if e.Mark == m {
			n++
		}
	}
	return n
}

// Locked reports whether the register has been submitted.
func (r Register) Locked() bool { return r.Status == Submitted }

// RegisterEvent is one submission or reopening.
type RegisterEvent struct {
	Action string
	Actor  string
	Reason string
	At     time.Time
}

// Load reads a session's register: everyone with a confirmed place, and walk-ins.
func (s *Service) Load(ctx context.Context, sessionID int64) (Register, error) {
	r := Register{SessionID: sessionID, Status: Open}
	var submittedAt sql.NullString
	err := s.DB.R.QueryRowContext(ctx, `SELECT r.status, r.submitted_at, COALESCE(u.name, '')
		FROM registers r LEFT JOIN users u ON u.id = r.submitted_by WHERE r.session_id = ?`, sessionID).
		Scan(&r.Status, &submittedAt, &r.SubmittedBy)
	if err != nil && err != sql.ErrNoRows {
		return r, store.Classify(err)
	}
	if submittedAt.Valid {
		if r.SubmittedAt, err = store.ParseTime(submittedAt.String); err != nil {
			return r, err
		}
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT b.id, u.id, u.name, u.email, u.job_title, o.name, b.walk_in,
		COALESCE(b.attendance, '')
		FROM bookings b JOIN users u ON u.id = b.user_id JOIN organisations o ON o.id = u.organisation_id
		WHERE b.session_id = ? AND b.status = 'confirmed'
		ORDER BY u.name COLLATE NOCASE, b.id`, sessionID)
	if err != nil {
		return r, store.Classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.BookingID, &e.UserID, &e.Name, &e.Email, &e.JobTitle, &e.Organisation, &e.WalkIn, &e.Mark); err != nil {
			return r, err
		}
		r.Entries = append(r.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return r, err
	}
	r.History, err = s.history(ctx, sessionID)
	return r, err
}

func (s *Service) history(ctx context.Context, sessionID int64) ([]RegisterEvent, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT h.action, COALESCE(u.name, 'System'), h.reason, h.at
		FROM register_history h LEFT JOIN users u ON u.id = h.actor_id WHERE h.session_id = ? ORDER BY h.id`, sessionID)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []RegisterEvent
	for rows.Next() {
		var e RegisterEvent
		var at store.Time
		if err := rows.Scan(&e.Action, &e.Actor, &e.Reason, &at); err != nil {
			return nil, err
		}
		e.At = at.T
		out = append(out, e)
	}
	return out, rows.Err()
}

// sessionFacts is what marking needs to know about a session, read inside a transaction.
type sessionFacts struct {
	status   string
	startsAt time.Time
	register string
}

func loadFacts(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, sessionID int64) (sessionFacts, error) {
	var f sessionFacts
	var starts store.Time
	err := q.QueryRowContext(ctx, `SELECT s.status, s.starts_at, COALESCE(r.status, 'open')
		FROM course_sessions s LEFT JOIN registers r ON r.session_id = s.id WHERE s.id = ?`, sessionID).
		Scan(&f.status, &starts, &f.register)
	f.startsAt = starts.T
	return f, err
}

// lockFacts locks the session's row, then reads its facts: every change to a session's
// register, marks, certificates and evaluations starts here, so that a submit and a mark
// made at the same moment (even by two servers) take turns and never cross.
func lockFacts(ctx context.Context, tx *sql.Tx, sessionID int64) (sessionFacts, error) {
	if err := store.LockRow(ctx, tx, "course_sessions", sessionID); err != nil {
		return sessionFacts{}, err
	}
	return loadFacts(ctx, tx, sessionID)
}

// lockBookingSession locks the session a booking is on and says which it is.
func lockBookingSession(ctx context.Context, tx *sql.Tx, bookingID int64) (int64, error) {
	var sessionID int64
	if err := tx.QueryRowContext(ctx, `SELECT session_id FROM bookings WHERE id = ?`, bookingID).Scan(&sessionID); err != nil {
		return 0, err
	}
	return sessionID, store.LockRow(ctx, tx, "course_sessions", sessionID)
}

// writable refuses changes to a register that cannot take them now.
func (f sessionFacts) writable(now time.Time) error {
	switch {
	case f.status == "cancelled":
		return ErrSessionCancelled
	case now.Before(f.startsAt):
		return ErrNotStarted
	case f.register == Submitted:
		return ErrRegisterLocked
	}
	return nil
}
