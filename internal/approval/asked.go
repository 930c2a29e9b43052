package approval

import (
	"context"

	"github.com/traininghub/traininghub/internal/store"
)

// Recipient is a manager who was emailed a request, as the email was addressed.
type Recipient struct {
	Name  string
	Email string
}

// Asked lists the managers emailed about request id when it was made, in the order they
// were emailed, so the person can be told who has it. It reads the queued emails
// themselves (never their decision links), which stay right even if managers change
// later. None: nobody manages the person's organisation, and the training team decides.
func (s *Service) Asked(ctx context.Context, id int64) ([]Recipient, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT recipient_name, recipient_email FROM outbox
		WHERE kind = ? AND json_extract(payload, '$.data.request_id') = ? ORDER BY id`, string(KindRequested), id)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		var r Recipient
		if err := rows.Scan(&r.Name, &r.Email); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
