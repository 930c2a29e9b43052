package account

import (
	"context"
	"database/sql"

	"github.com/traininghub/traininghub/internal/store"
)

// SweepUnconfirmed removes self-registered accounts whose address was not confirmed
// within UnconfirmedLifetime, and accounts whose join request was declined that long
// ago. Their emails stay in the log, no longer linked to an account. An account that
// something else refers to (a booking made before this rule, a register entry) is kept,
// since removing it would rewrite history; it still cannot book. It returns how many
// accounts went.
func (s *Service) SweepUnconfirmed(ctx context.Context) (int, error) {
	cutoff := store.FormatTime(s.Now().Add(-UnconfirmedLifetime))
	removed := 0
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		ids, err := store.QueryIDs(ctx, tx, `SELECT id FROM users WHERE email_confirmed = 0 AND created_at < ?
			UNION SELECT u.id FROM users u JOIN join_requests j ON j.user_id = u.id
			WHERE u.membership = 'declined' AND j.decision = 'declined' AND j.decided_at < ?`, cutoff, cutoff)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT sweep_user`); err != nil {
				return err
			}
			err := deleteUnusedAccountTx(ctx, tx, id)
			if store.IsConstraint(err) {
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO sweep_user`); err != nil {
					return err
				}
			} else if err != nil {
				return err
			} else {
				removed++
			}
			if _, err := tx.ExecContext(ctx, `RELEASE sweep_user`); err != nil {
				return err
			}
		}
		return nil
	})
	return removed, err
}

// deleteUnusedAccountTx deletes an account that has never been used; a foreign key
// (bookings, registers, audit rows) stops it with a constraint error.
func deleteUnusedAccountTx(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET user_id = NULL WHERE user_id = ?`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE join_requests SET decided_by = NULL WHERE decided_by = ?`, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, id)
	return err
}
