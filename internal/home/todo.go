// Package home gathers what each role's home page leads with. The admin's to-do list is
// counted here with plain SQL on the reader pool, so the page and its test agree on what
// each figure means.
package home

import (
	"context"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// RegisterGrace is how long after a session ends its register may stay open before it
// counts as overdue.
const RegisterGrace = 24 * time.Hour

// UnderSubscribedWithin is how far ahead an under-subscribed session is worth a nudge.
const UnderSubscribedWithin = 7 * 24 * time.Hour

// Todo is the admin's to-do list: each figure is something waiting for the training team.
type Todo struct {
	// RegistersOverdue: scheduled sessions that ended more than RegisterGrace ago whose
	// register has not been submitted.
	RegistersOverdue int
	// CoursesToApprove: partner courses waiting for approval.
	CoursesToApprove int
	// FailedEmails: messages the outbox gave up on.
	FailedEmails int
	// ApprovalsWaiting: booking requests waiting for a manager's decision.
	ApprovalsWaiting int
	// UnderSubscribed: scheduled sessions starting within UnderSubscribedWithin with
	// fewer than half their places taken.
	UnderSubscribed int
}

// Total is how many things are waiting altogether.
func (t Todo) Total() int {
	return t.RegistersOverdue + t.CoursesToApprove + t.FailedEmails + t.ApprovalsWaiting + t.UnderSubscribed
}

// AdminTodo counts the admin's to-do list at now.
func AdminTodo(ctx context.Context, db *store.DB, now time.Time) (Todo, error) {
	var t Todo
	err := db.R.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM course_sessions s WHERE s.status = 'scheduled' AND s.ends_at < ?
			AND NOT EXISTS (SELECT 1 FROM registers r WHERE r.session_id = s.id AND r.status = 'submitted')),
		(SELECT count(*) FROM courses WHERE approval = 'pending'),
		(SELECT count(*) FROM outbox WHERE status = 'failed'),
		(SELECT count(*) FROM approval_requests WHERE status = 'pending'),
		(SELECT count(*) FROM course_sessions s WHERE s.status = 'scheduled' AND s.starts_at > ? AND s.starts_at <= ?
			AND s.confirmed_count * 2 < s.capacity)`,
		store.FormatTime(now.Add(-RegisterGrace)),
		store.FormatTime(now), store.FormatTime(now.Add(UnderSubscribedWithin)),
	).Scan(&t.RegistersOverdue, &t.CoursesToApprove, &t.FailedEmails, &t.ApprovalsWaiting, &t.UnderSubscribed)
	if err != nil {
		return Todo{}, store.Classify(err)
	}
	return t, nil
}

// IsUnderSubscribed is the to-do list's test for one session: fewer than half its places
// taken. (AdminTodo counts the same in SQL.)
func IsUnderSubscribed(confirmed, capacity int) bool { return confirmed*2 < capacity }
