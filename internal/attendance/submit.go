package attendance

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/certificate"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// Outcome is what submitting a register set in motion.
type Outcome struct {
	Issued    int // certificates issued now
	Awaiting  int // certificates held until the person's evaluation is in
	Withdrawn int // certificates revoked because attendance was corrected
}

// Submit locks the register once everyone is marked, then issues a certificate to each
// person who attended (or asks for their evaluation first, when the course requires one)
// and withdraws certificates from anyone whose attendance was corrected away.
func (s *Service) Submit(ctx context.Context, sessionID, actorID int64) (Outcome, error) {
	var out Outcome
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		out = Outcome{}
		f, err := lockFacts(ctx, tx, sessionID)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		now := s.Now()
		if err := f.writable(now); err != nil {
			return err
		}
		var unmarked int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM bookings WHERE session_id = ? AND status = 'confirmed'
			AND attendance IS NULL`, sessionID).Scan(&unmarked); err != nil {
			return err
		}
		if unmarked > 0 {
			return problem.Unprocessable("register_incomplete", "Mark everyone before submitting the register: "+
				strconv.Itoa(unmarked)+" "+plural(unmarked, "person is", "people are")+" not marked yet.")
		}
		stamp := store.FormatTime(now)
		if _, err := tx.ExecContext(ctx, `INSERT INTO registers (session_id, status, submitted_at, submitted_by, updated_at)
			VALUES (?, 'submitted', ?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET status = 'submitted',
			submitted_at = excluded.submitted_at, submitted_by = excluded.submitted_by, updated_at = excluded.updated_at`,
			sessionID, stamp, nullID(actorID), stamp); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO register_history (session_id, action, actor_id, at)
			VALUES (?, 'submitted', ?, ?)`, sessionID, nullID(actorID), stamp); err != nil {
			return err
		}
		return s.settleCertificates(ctx, tx, sessionID, actorID, now, &out)
	})
	return out, err
}

// reasonCorrected marks certificates withdrawn by a register correction, which a later
// correction may reissue, unlike those an admin revoked.
const reasonCorrected = "Attendance was corrected on the register"

// certificateStep is what submitting the register does to one booking's certificate.
type certificateStep int

const (
	stepNone     certificateStep = iota // nothing changes
	stepWithdraw                        // no longer attended: the live certificate is withdrawn
	stepAwait                           // attended, but the course wants their evaluation first
	stepAsk                             // stepAwait, and the evaluation request is not sent yet
	stepIssue                           // attended: a certificate is issued now
)

// plannedStep is one booking's certificateStep, and whether it already holds a live
// certificate.
type plannedStep struct {
	bookingID int64
	step      certificateStep
	holds     bool
}

// planCertificates decides, from the marks as stored, what submitting the register does
// to each confirmed booking's certificate. Submit applies the plan in its transaction;
// Preview counts it, so the confirmation page says exactly what submitting will do.
func planCertificates(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, sessionID int64) ([]plannedStep, error) {
	rows, err := q.QueryContext(ctx, `SELECT b.id, COALESCE(b.attendance, ''), c.requires_evaluation,
		EXISTS (SELECT 1 FROM evaluations e WHERE e.booking_id = b.id),
		EXISTS (SELECT 1 FROM certificates k WHERE k.booking_id = b.id AND k.revoked_at IS NULL),
		EXISTS (SELECT 1 FROM outbox m WHERE m.booking_id = b.id AND m.kind = 'evaluation_requested'),
		EXISTS (SELECT 1 FROM certificates k WHERE k.booking_id = b.id AND k.revoked_at IS NOT NULL
		        AND k.revoke_reason <> ?)
		FROM bookings b JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id
		WHERE b.session_id = ? AND b.status = 'confirmed' ORDER BY b.id`, reasonCorrected, sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var plan []plannedStep
	for rows.Next() {
		var (
			bookingID                                                     int64
			mark                                                          string
			needsEval, evaluated, hasCertificate, asked, withdrawnByAdmin bool
		)
		if err := rows.Scan(&bookingID, &mark, &needsEval, &evaluated, &hasCertificate, &asked, &withdrawnByAdmin); err != nil {
			return nil, err
		}
		p := plannedStep{bookingID: bookingID, holds: hasCertificate}
		switch {
		case mark != string(Attended) && hasCertificate:
			p.step = stepWithdraw
		case mark != string(Attended) || hasCertificate || withdrawnByAdmin:
			// Nothing to do; and a certificate an admin revoked stays revoked however
			// often the register is resubmitted.
		case needsEval && !evaluated && asked:
			p.step = stepAwait
		case needsEval && !evaluated:
			p.step = stepAsk
		default:
			p.step = stepIssue
		}
		plan = append(plan, p)
	}
	return plan, rows.Err()
}

// tally counts a plan as Submit reports it.
func tally(plan []plannedStep) Outcome {
	var out Outcome
	for _, p := range plan {
		switch p.step {
		case stepWithdraw:
			out.Withdrawn++
		case stepAwait, stepAsk:
			out.Awaiting++
		case stepIssue:
			out.Issued++
		}
	}
	return out
}

// settleCertificates makes certificates match the submitted register.
func (s *Service) settleCertificates(ctx context.Context, tx *sql.Tx, sessionID, actorID int64, now time.Time, out *Outcome) error {
	plan, err := planCertificates(ctx, tx, sessionID)
	if err != nil {
		return err
	}
	for _, p := range plan {
		switch p.step {
		case stepWithdraw:
			if err := revokeTx(ctx, tx, `booking_id = ? AND revoked_at IS NULL`, p.bookingID,
				reasonCorrected, actorID, now); err != nil {
				return err
			}
		case stepAsk:
			if err := outbox.EnqueueBookingTx(ctx, tx, outbox.EvaluationRequested, p.bookingID, outbox.Options{}, now); err != nil {
				return err
			}
			// EnqueueBookingTx makes session mail expire at the session's start, which has
			// passed by now: the worker would drop the request unsent.
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET expires_at = NULL
				WHERE booking_id = ? AND kind = ? AND status = 'queued'`, p.bookingID, outbox.EvaluationRequested); err != nil {
				return err
			}
		case stepIssue:
			if err := issueTx(ctx, tx, p.bookingID, now); err != nil {
				return err
			}
		}
	}
	*out = tally(plan)
	return nil
}

// Preview is what submitting the register now would do, read without changing anything.
type Preview struct {
	Outcome
	Keeping []int64 // bookings, marked attended, that already hold a certificate and keep it
	Losing  []int64 // bookings whose certificate would be withdrawn: no longer marked attended
}

// Preview says what Submit would do with the marks as they are stored now: who gets a
// certificate, who is asked for an evaluation first, and who loses a certificate after a
// reopened register was corrected. It does not check whether the register may be
// submitted; Submit does.
func (s *Service) Preview(ctx context.Context, sessionID int64) (Preview, error) {
	plan, err := planCertificates(ctx, s.DB.R, sessionID)
	if err != nil {
		return Preview{}, store.Classify(err)
	}
	p := Preview{Outcome: tally(plan)}
	for _, step := range plan {
		switch {
		case step.step == stepWithdraw:
			p.Losing = append(p.Losing, step.bookingID)
		case step.holds:
			p.Keeping = append(p.Keeping, step.bookingID)
		}
	}
	return p, nil
}

// Reopen unlocks a submitted register so an admin can correct it.
func (s *Service) Reopen(ctx context.Context, sessionID, actorID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return problem.Validation{"reason": "Say why the register is being reopened"}.Err()
	}
	v := problem.Validation{}
	v.CheckLine("reason", reason, "Reason", 500)
	if err := v.Err(); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		if err := store.LockRow(ctx, tx, "course_sessions", sessionID); err != nil {
			return err
		}
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status FROM registers WHERE session_id = ?`, sessionID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && status != Submitted) {
			return ErrRegisterOpen
		}
		if err != nil {
			return err
		}
		stamp := store.FormatTime(s.Now())
		if _, err := tx.ExecContext(ctx, `UPDATE registers SET status = 'open', updated_at = ? WHERE session_id = ?`, stamp, sessionID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO register_history (session_id, action, actor_id, reason, at)
			VALUES (?, 'reopened', ?, ?, ?)`, sessionID, nullID(actorID), reason, stamp)
		return err
	})
}

// issueTx creates the certificate for an attended booking and queues its email.
func issueTx(ctx context.Context, tx *sql.Tx, bookingID int64, now time.Time) error {
	var c outbox.CertificateSnapshot
	var userID, courseID, sessionID int64
	var validity int
	var starts store.Time
	var trainers, provider string
	err := tx.QueryRowContext(ctx, `SELECT b.user_id, s.course_id, s.id, u.name, o.name, c.title, s.starts_at,
		c.duration_minutes, COALESCE(c.validity_months, 0),
		COALESCE((SELECT group_concat(t.name, ', ') FROM session_trainers st JOIN users t ON t.id = st.user_id
		          WHERE st.session_id = s.id), ''),
		COALESCE((SELECT p.name FROM organisations p WHERE p.id = c.provider_organisation_id), '')
		FROM bookings b JOIN users u ON u.id = b.user_id JOIN organisations o ON o.id = u.organisation_id
		JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id WHERE b.id = ?`, bookingID).
		Scan(&userID, &courseID, &sessionID, &c.PersonName, &c.Organisation, &c.CourseTitle, &starts,
			&c.DurationMinutes, &validity, &trainers, &provider)
	if err != nil {
		return err
	}
	c.Code = certificate.NewCode()
	c.CompletedOn = starts.T
	c.Trainer = trainers
	if provider != "" {
		c.Trainer = strings.TrimPrefix(strings.Join([]string{trainers, provider}, ", "), ", ")
	}
	if validity > 0 {
		c.ExpiresOn = certificate.AddMonths(starts.T, validity)
	}
	c.IssuedAt = now.UTC().Truncate(time.Second)
	var expires any
	if !c.ExpiresOn.IsZero() {
		expires = day(c.ExpiresOn)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO certificates (code, booking_id, user_id, course_id, session_id, person_name,
		organisation, course_title, completed_on, duration_minutes, trainer, expires_on, issued_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.Code, bookingID, userID, courseID, sessionID, c.PersonName,
		c.Organisation, c.CourseTitle, day(c.CompletedOn), c.DurationMinutes, c.Trainer, expires,
		store.FormatTime(c.IssuedAt)); err != nil {
		return err
	}
	var email string
	if err := tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = ?`, userID).Scan(&email); err != nil {
		return err
	}
	_, err = outbox.EnqueueTx(ctx, tx, outbox.Row{Kind: outbox.CertificateIssued, UserID: userID, BookingID: bookingID,
		SessionID: sessionID, ToEmail: email, ToName: c.PersonName, Payload: outbox.Payload{Certificate: &c}}, now)
	return err
}

func itoa(n int) string { return strconv.Itoa(n) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
