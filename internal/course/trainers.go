package course

import (
	"context"
	"database/sql"
	"strings"

	"github.com/traininghub/traininghub/internal/store"
)

// sessionReader is a reading pool or a write transaction.
type sessionReader interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// oneSession reads session id with its trainers.
func oneSession(ctx context.Context, q sessionReader, id int64) (Session, error) {
	s, err := scanSession(q.QueryRowContext(ctx, `SELECT `+sessionColumns+`
		FROM course_sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = ?`, id))
	if err != nil {
		return s, err
	}
	one := []Session{s}
	err = withTrainers(ctx, q, one)
	return one[0], err
}

// trainerBatch bounds the ids in one IN list.
const trainerBatch = 500

// withTrainers fills in each session's trainers, in the order of their accounts, with
// one query per batch of sessions: names are read as they are, never joined into a
// string and split again.
func withTrainers(ctx context.Context, q sessionReader, sessions []Session) error {
	index := make(map[int64]int, len(sessions))
	for start := 0; start < len(sessions); start += trainerBatch {
		part := sessions[start:min(start+trainerBatch, len(sessions))]
		args := make([]any, len(part))
		for i, s := range part {
			index[s.ID] = start + i
			args[i] = s.ID
		}
		rows, err := q.QueryContext(ctx, `SELECT t.session_id, u.id, u.name FROM session_trainers t
			JOIN users u ON u.id = t.user_id WHERE t.session_id IN (?`+strings.Repeat(", ?", len(part)-1)+`)
			ORDER BY t.session_id, u.id`, args...)
		if err != nil {
			return store.Classify(err)
		}
		for rows.Next() {
			var sessionID int64
			var t Trainer
			if err := rows.Scan(&sessionID, &t.ID, &t.Name); err != nil {
				rows.Close()
				return err
			}
			s := &sessions[index[sessionID]]
			s.Trainers = append(s.Trainers, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
