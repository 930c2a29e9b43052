// Package home gathers what each role's home page leads with. The admin's to-do list is
// counted here with plain SQL on the reader pool, and each figure's rule is written once
// and shared by its count and by the list its link leads to, so the two always agree.
package home

import (
	"context"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// RegisterGrace is how long after a session ends its register may stay open before it
// counts as overdue.
const RegisterGrace = 24 * time.Hour

// UnderSubscribedWithin is how far ahead an under-subscribed session is worth a nudge. It
// is the coming week whatever --minimum-notice says: the list is a glance at what is
// close, while the notice decides when the one email about a session goes.
const UnderSubscribedWithin = 7 * 24 * time.Hour

// overdueWhere picks the sessions (s) whose register is overdue; its one argument is the
// cut-off, RegisterGrace before now. A cancelled session needs no register.
const overdueWhere = `s.status = 'scheduled' AND s.ends_at < ?
	AND NOT EXISTS (SELECT 1 FROM registers r WHERE r.session_id = s.id AND r.status = 'submitted')`

func overdueArgs(now time.Time) []any { return []any{store.FormatTime(now.Add(-RegisterGrace))} }

// thinWhere picks the sessions (s) starting after now and within UnderSubscribedWithin
// that are short of numbers: below their minimum (min_places) when they have one, which
// is the organiser's own word on what the session needs; without one, fewer than half
// their places taken, the old rule of thumb, so sessions nobody gave a minimum are still
// noticed. Its arguments are thinArgs.
const thinWhere = `s.status = 'scheduled' AND s.starts_at > ? AND s.starts_at <= ?
	AND ((s.min_places > 0 AND s.confirmed_count < s.min_places)
	  OR (s.min_places = 0 AND s.confirmed_count * 2 < s.capacity))`

func thinArgs(now time.Time) []any {
	return []any{store.FormatTime(now), store.FormatTime(now.Add(UnderSubscribedWithin))}
}

// approvalsWhere picks the booking requests (a) waiting for a decision that the viewer
// may make: everyone's but their own (no one approves their own place).
const approvalsWhere = `a.status = 'pending' AND a.user_id <> ?`

// Todo is the admin's to-do list: each figure is something waiting for the training team.
type Todo struct {
	// RegistersOverdue: scheduled sessions that ended more than RegisterGrace ago whose
	// register has not been submitted (OverdueRegisters lists them).
	RegistersOverdue int
	// CoursesToApprove: partner courses waiting for approval.
	CoursesToApprove int
	// FailedEmails: messages the outbox gave up on.
	FailedEmails int
	// ApprovalsWaiting: booking requests waiting for a decision, other than the admin's own.
	ApprovalsWaiting int
	// UnderSubscribed: scheduled sessions starting within UnderSubscribedWithin below
	// their minimum, or without one under half full (thinWhere; UnderSubscribedSessions
	// lists them).
	UnderSubscribed int
}

// Total is how many things are waiting altogether.
func (t Todo) Total() int {
	return t.RegistersOverdue + t.CoursesToApprove + t.FailedEmails + t.ApprovalsWaiting + t.UnderSubscribed
}

// AdminTodo counts the to-do list of the admin adminID at now.
func AdminTodo(ctx context.Context, db *store.DB, now time.Time, adminID int64) (Todo, error) {
	var t Todo
	args := append(overdueArgs(now), adminID)
	args = append(args, thinArgs(now)...)
	err := db.R.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM course_sessions s WHERE `+overdueWhere+`),
		(SELECT count(*) FROM courses WHERE approval = 'pending'),
		(SELECT count(*) FROM outbox WHERE status = 'failed'),
		(SELECT count(*) FROM approval_requests a WHERE `+approvalsWhere+`),
		(SELECT count(*) FROM course_sessions s WHERE `+thinWhere+`)`, args...,
	).Scan(&t.RegistersOverdue, &t.CoursesToApprove, &t.FailedEmails, &t.ApprovalsWaiting, &t.UnderSubscribed)
	if err != nil {
		return Todo{}, store.Classify(err)
	}
	return t, nil
}

// OverdueRegister is a session whose register is overdue, with who should take it.
type OverdueRegister struct {
	SessionID   int64
	CourseTitle string
	StartsAt    time.Time
	EndsAt      time.Time
	Trainers    string // names, comma separated; "" when the session has none
	// Overdue is how long ago the register fell due (RegisterGrace after the end).
	Overdue time.Duration
}

// OverdueRegisters lists the registers the to-do list counts as overdue, the oldest first.
func OverdueRegisters(ctx context.Context, db *store.DB, now time.Time) ([]OverdueRegister, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT s.id, c.title, s.starts_at, s.ends_at,
		COALESCE((SELECT group_concat(name, ', ') FROM (SELECT u.name FROM session_trainers t
			JOIN users u ON u.id = t.user_id WHERE t.session_id = s.id ORDER BY u.name) AS names), '')
		FROM course_sessions s JOIN courses c ON c.id = s.course_id
		WHERE `+overdueWhere+` ORDER BY s.ends_at, s.id`, overdueArgs(now)...)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []OverdueRegister
	for rows.Next() {
		var r OverdueRegister
		var starts, ends store.Time
		if err := rows.Scan(&r.SessionID, &r.CourseTitle, &starts, &ends, &r.Trainers); err != nil {
			return nil, err
		}
		r.StartsAt, r.EndsAt = starts.T, ends.T
		r.Overdue = now.Sub(r.EndsAt.Add(RegisterGrace))
		out = append(out, r)
	}
	return out, store.Classify(rows.Err())
}

// ThinSession is a session the to-do list counts as under-subscribed.
type ThinSession struct {
	SessionID   int64
	CourseTitle string
	StartsAt    time.Time
	Confirmed   int
	Capacity    int
	MinPlaces   int // 0: no minimum, so it counts for being under half full
}

// UnderSubscribedSessions lists the sessions the to-do list counts as short of numbers,
// the soonest first.
func UnderSubscribedSessions(ctx context.Context, db *store.DB, now time.Time) ([]ThinSession, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT s.id, c.title, s.starts_at, s.confirmed_count, s.capacity, s.min_places
		FROM course_sessions s JOIN courses c ON c.id = s.course_id
		WHERE `+thinWhere+` ORDER BY s.starts_at, s.id`, thinArgs(now)...)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []ThinSession
	for rows.Next() {
		var s ThinSession
		var starts store.Time
		if err := rows.Scan(&s.SessionID, &s.CourseTitle, &starts, &s.Confirmed, &s.Capacity, &s.MinPlaces); err != nil {
			return nil, err
		}
		s.StartsAt = starts.T
		out = append(out, s)
	}
	return out, store.Classify(rows.Err())
}
