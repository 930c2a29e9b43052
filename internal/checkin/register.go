package checkin

import (
	"context"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// CheckedIn says when each person with a confirmed place on the session checked in, by
// booking id; people who have not are absent from the map.
func (s *Service) CheckedIn(ctx context.Context, sessionID int64) (map[int64]time.Time, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT k.booking_id, k.at FROM checkins k JOIN bookings b ON b.id = k.booking_id
		WHERE b.session_id = ? AND b.status = 'confirmed'`, sessionID)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var id int64
		var at store.Time
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		out[id] = at.T
	}
	return out, rows.Err()
}

// MarkCheckedInAttended marks as attended everyone with a confirmed place who checked in
// and is not marked yet (attendance.Service.MarkCheckedInAttended: one transaction, the
// register's rules, and who to mark read under the session's lock). It returns how many
// were marked.
func (s *Service) MarkCheckedInAttended(ctx context.Context, sessionID, actorID int64) (int, error) {
	return s.Attendance.MarkCheckedInAttended(ctx, sessionID, actorID)
}
