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
	// UnderWay: the session has started and not ended, so its register is to take now.
	UnderWay bool
	// Overdue: the admin's to-do list counts its register as overdue (OverdueRegisters).
	Overdue bool
}

// RegistersWaiting lists the trainer's sessions that have started and are not submitted,
// oldest first: the registers to take or submit. Cancelled sessions need none.
func RegistersWaiting(ctx context.Context, db *store.DB, trainerID int64, now time.Time) ([]RegisterDue, error) {
	at := store.FormatTime(now)
	args := append([]any{at}, overdueArgs(now)...)
	args = append(args, trainerID, at)
	rows, err := db.R.QueryContext(ctx, `SELECT s.id, c.title, s.starts_at, s.ends_at, s.ends_at > ?, (`+overdueWhere+`)
		FROM course_sessions s
		JOIN session_trainers t ON t.session_id = s.id AND t.user_id = ?
		JOIN courses c ON c.id = s.course_id
		WHERE s.status = 'scheduled' AND s.starts_at <= ?
		AND NOT EXISTS (SELECT 1 FROM registers r WHERE r.session_id = s.id AND r.status = 'submitted')
		ORDER BY s.starts_at, s.id`, args...)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []RegisterDue
	for rows.Next() {
		var r RegisterDue
		var starts, ends store.Time
		if err := rows.Scan(&r.SessionID, &r.CourseTitle, &starts, &ends, &r.UnderWay, &r.Overdue); err != nil {
			return nil, err
		}
		r.StartsAt, r.EndsAt = starts.T, ends.T
		out = append(out, r)
	}
	return out, store.Classify(rows.Err())
}
