package privacy

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// sweepBatch bounds one run's work, so a first run on a large old database does not hold
// the writer for long; the next day's run takes the rest.
const sweepBatch = 500

// RetentionReference is the reference on erasures the retention job carries out.
const RetentionReference = "Retention: account inactive"

// SweepInactive anonymises accounts with no sign-in, booking, attendance, certificate,
// API use or training session of their own in the retention period, and no future
// booking, exactly as an admin's erasure does (recorded with no admin). The last active
// admin is never erased. It returns how many accounts it anonymised.
func (s *Service) SweepInactive(ctx context.Context) (int, error) {
	p := s.Retention.Inactive
	if p.Off() {
		return 0, nil
	}
	now := s.Now()
	cutoff := store.FormatTime(p.Before(now))
	// Sign-ins were not recorded before the upgrade that added them: until a whole
	// period has passed since, nobody is known to have stayed away for all of it.
	since, err := SignInsRecordedSince(ctx, s.DB)
	if err != nil {
		return 0, err
	}
	if since > cutoff {
		return 0, nil
	}
	ids, err := s.inactive(ctx, cutoff, store.FormatTime(now))
	if err != nil {
		return 0, err
	}
	received := now.In(clock.London).Format("2006-01-02")
	note := "No sign-in, booking, attendance or certificate for " + p.String() + "."
	n := 0
	for _, id := range ids {
		req := EraseRequest{UserID: id, Received: received, Reference: RetentionReference, Note: note}
		err := s.DB.Write(ctx, func(tx *sql.Tx) error {
			_, err := eraseTx(ctx, tx, req, received, now)
			return err
		})
		switch {
		case err == nil:
			n++
		case errors.Is(err, ErrEraseLastAdmin), errors.Is(err, ErrAlreadyErased):
		default:
			return n, store.Classify(err)
		}
	}
	return n, nil
}

// SignInsRecordedSince is when migration 00017 (which began recording sign-ins) was
// applied, as a stored time; "" if it cannot be told. A PostgreSQL database starts at
// migration 21, so there it is when that baseline was applied.
func SignInsRecordedSince(ctx context.Context, db *store.DB) (string, error) {
	var since sql.NullString
	// The migration table's time is the one column whose type differs by database.
	query := `SELECT strftime('%Y-%m-%dT%H:%M:%SZ', tstamp) FROM goose_db_version
		WHERE version_id >= 17 AND is_applied ORDER BY id LIMIT 1`
	if db.Dialect() == store.Postgres {
		query = `SELECT to_char(tstamp, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM goose_db_version
		WHERE version_id >= 17 AND is_applied ORDER BY id LIMIT 1`
	}
	err := db.R.QueryRowContext(ctx, query).Scan(&since)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return since.String, store.Classify(err)
}

// inactive lists accounts with no activity since cutoff and nothing booked after now.
func (s *Service) inactive(ctx context.Context, cutoff, now string) ([]int64, error) {
	return store.QueryIDs(ctx, s.DB.R, `SELECT u.id FROM users u
		WHERE u.created_at < ?1 AND COALESCE(u.last_sign_in_at, '') < ?1
		  AND NOT EXISTS (SELECT 1 FROM erasures e WHERE e.user_id = u.id)
		  AND NOT EXISTS (SELECT 1 FROM bookings b JOIN course_sessions cs ON cs.id = b.session_id
		      WHERE b.user_id = u.id AND (b.created_at >= ?1 OR b.updated_at >= ?1 OR b.attendance_at >= ?1
		        OR cs.starts_at >= ?1 OR (cs.starts_at > ?2 AND b.status IN ('confirmed', 'waitlisted'))))
		  AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.user_id = u.id AND c.issued_at >= ?1)
		  AND NOT EXISTS (SELECT 1 FROM api_tokens t WHERE t.user_id = u.id AND t.last_used_at >= ?1)
		  AND NOT EXISTS (SELECT 1 FROM sso_identities i WHERE i.user_id = u.id AND i.last_sign_in_at >= ?1)
		  AND NOT EXISTS (SELECT 1 FROM session_trainers st JOIN course_sessions cs ON cs.id = st.session_id
		      WHERE st.user_id = u.id AND cs.starts_at >= ?1)
		ORDER BY u.id LIMIT ?3`, cutoff, now, sweepBatch)
}

// SweepEmail deletes the content of outbox messages older than the email retention
// period: subject, text, the data they were written from, the address and name, and the
// links to the person and booking. Kind, status, dates, attempts and the recipient count
// stay, so the log still shows that a message went and whether it was delivered.
// Messages still waiting to be sent are left alone. It returns how many it emptied.
func (s *Service) SweepEmail(ctx context.Context) (int, error) {
	p := s.Retention.Email
	if p.Off() {
		return 0, nil
	}
	now := s.Now()
	cutoff, stamp := store.FormatTime(p.Before(now)), store.FormatTime(now)
	note := "Content deleted after " + p.String()
	total := 0
	for {
		var n int64
		err := s.DB.Write(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE outbox SET recipient_email = '', recipient_name = '', subject = '',
				body_text = '', payload = '{}', last_error = '', user_id = NULL, booking_id = NULL,
				content_deleted_at = ?, content_deleted_note = ?
				WHERE id IN (SELECT id FROM outbox WHERE created_at < ? AND content_deleted_at IS NULL
				  AND status NOT IN ('queued', 'retrying') ORDER BY created_at LIMIT ?)`, stamp, note, cutoff, sweepBatch)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return total, store.Classify(err)
		}
		total += int(n)
		if n < sweepBatch {
			return total, nil
		}
	}
}

// Sweep runs both retention rules once.
func (s *Service) Sweep(ctx context.Context) (accounts, emails int, err error) {
	if accounts, err = s.SweepInactive(ctx); err != nil {
		return accounts, 0, err
	}
	emails, err = s.SweepEmail(ctx)
	return accounts, emails, err
}

// NextRun is when the daily retention run after now happens: 03:30 London time, when the
// service is quiet.
func NextRun(now time.Time) time.Time {
	l := now.In(clock.London)
	next := time.Date(l.Year(), l.Month(), l.Day(), 3, 30, 0, 0, clock.London)
	if !next.After(l) {
		next = time.Date(l.Year(), l.Month(), l.Day()+1, 3, 30, 0, 0, clock.London)
	}
	return next.UTC()
}
