package checkin

import (
	"context"
	"time"

	"github.com/traininghub/traininghub/internal/attendance"
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
// and is not marked yet, in one transaction (attendance.Service.SetMarks, so its rules
// hold: not before the start, not once submitted, not when cancelled). Everyone else is
// left as they are: the trainer still decides. It returns how many were marked.
//
// Who to mark is read just before the transaction; a mark someone else records in
// between for one of them is overwritten with attended, which the trainer sees on the
// register they are looking at.
func (s *Service) MarkCheckedInAttended(ctx context.Context, sessionID, actorID int64) (int, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT b.id FROM bookings b JOIN checkins k ON k.booking_id = b.id
		WHERE b.session_id = ? AND b.status = 'confirmed' AND b.attendance IS NULL`, sessionID)
	if err != nil {
		return 0, store.Classify(err)
	}
	marks := map[int64]attendance.Mark{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		marks[id] = attendance.Attended
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return s.Attendance.SetMarks(ctx, sessionID, marks, actorID)
}
