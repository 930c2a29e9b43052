package privacy

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// Erasure is the record kept of one erasure: enough to show the request was handled,
// nothing that identifies the person beyond their account number.
type Erasure struct {
	UserID     int64
	ReceivedOn string // London date, YYYY-MM-DD
	Reference  string
	Note       string
	ByID       int64  // 0: the retention job
	ByName     string // the admin's name now
	At         time.Time
}

// ByRetention reports whether the retention job carried it out.
func (e Erasure) ByRetention() bool { return e.ByID == 0 }

// Received is the request's date as a time, for the pages' date formats.
func (e Erasure) Received() time.Time {
	t, _ := time.Parse("2006-01-02", e.ReceivedOn)
	return t.Add(12 * time.Hour) // midday UTC is the same date in London
}

const erasureColumns = `e.user_id, e.request_received_on, e.reference, e.note, COALESCE(e.carried_out_by, 0),
	COALESCE(a.name, ''), e.carried_out_at`

const erasureFrom = ` FROM erasures e LEFT JOIN users a ON a.id = e.carried_out_by`

func scanErasure(row interface{ Scan(...any) error }) (Erasure, error) {
	var e Erasure
	var at store.Time
	err := row.Scan(&e.UserID, &e.ReceivedOn, &e.Reference, &e.Note, &e.ByID, &e.ByName, &at)
	e.At = at.T
	return e, err
}

// Erasures lists erasures, newest first, up to limit.
func (s *Service) Erasures(ctx context.Context, limit int) ([]Erasure, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+erasureColumns+erasureFrom+` ORDER BY e.carried_out_at DESC, e.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []Erasure
	for rows.Next() {
		e, err := scanErasure(rows)
		if err != nil {
			return nil, store.Classify(err)
		}
		out = append(out, e)
	}
	return out, store.Classify(rows.Err())
}

// ErasureOf returns the erasure of userID, and false when the person was not erased.
func (s *Service) ErasureOf(ctx context.Context, userID int64) (Erasure, bool, error) {
	e, err := scanErasure(s.DB.R.QueryRowContext(ctx, `SELECT `+erasureColumns+erasureFrom+` WHERE e.user_id = ?`, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return e, false, nil
	}
	return e, err == nil, store.Classify(err)
}
