package approval

import (
	"context"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// Recipient is a manager who was emailed a request, as the email was addressed.
type Recipient struct {
	Name  string
	Email string
}

// Asked lists the managers emailed about r when it was made, in the order they were
// emailed, so the person can be told who has it. It reads the queued emails themselves
// (never their decision links), which stay right even if managers change later. None:
// nobody manages the person's organisation, and the training team decides.
func (s *Service) Asked(ctx context.Context, r Request) ([]Recipient, error) {
	// The emails are queued in the request's own transaction, so they share its
	// created_at: the indexed range keeps this off a scan of every email ever sent.
	from := store.FormatTime(r.CreatedAt)
	to := store.FormatTime(r.CreatedAt.Add(time.Minute))
	rows, err := s.DB.R.QueryContext(ctx, `SELECT recipient_name, recipient_email FROM outbox
		WHERE created_at BETWEEN ? AND ? AND kind = ? AND CAST(json_extract(payload, '$.data.request_id') AS INTEGER) = ?
		ORDER BY id`, from, to, string(KindRequested), r.ID)
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
