package home

import (
	"context"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// RegisterDue is a session a trainer delivers that has started and whose register has not
// been submitted.
type RegisterDue struct {
	SessionID   int64
	CourseTitle string
	StartsAt    time.Time
	EndsAt      time.Time
	// Overdue: the session ended more than RegisterGrace ago, as the admin's to-do counts.
	Overdue bool
}

// RegistersWaiting lists the trainer's sessions that have started and are not submitted,
// oldest first: the registers to take or submit. Cancelled sessions need none.
func RegistersWaiting(ctx context.Context, db *store.DB, trainerID int64, now time.Time) ([]RegisterDue, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT s.id, c.title, s.starts_at, s.ends_at
		FROM course_sessions s
		JOIN session_trainers t ON t.session_id = s.id AND t.user_id = ?
		JOIN courses c ON c.id = s.course_id
		WHERE s.status = 'scheduled' AND s.starts_at <= ?
		AND NOT EXISTS (SELECT 1 FROM registers r WHERE r.session_id = s.id AND r.status = 'submitted')
		ORDER BY s.starts_at, s.id`, trainerID, store.FormatTime(now))
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []RegisterDue
	for rows.Next() {
		var r RegisterDue
		var starts, ends store.Time
		if err := rows.Scan(&r.SessionID, &r.CourseTitle, &starts, &ends); err != nil {
			return nil, err
		}
		r.StartsAt, r.EndsAt = starts.T, ends.T
		r.Overdue = r.EndsAt.Before(now.Add(-RegisterGrace))
		out = append(out, r)
	}
	return out, store.Classify(rows.Err())
}
