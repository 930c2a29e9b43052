package account

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// JoinRequest is someone asking to join an organisation from an address that is not on
// its email domains.
type JoinRequest struct {
	ID               int64
	UserID           int64
	Name             string
	Email            string
	JobTitle         string
	OrganisationID   int64
	OrganisationName string
	RequestedAt      time.Time
}

// ErrJoinDecided refuses a second decision on the same request.
var ErrJoinDecided = problem.Conflict("join_decided", "Someone has already decided this request.")

// askToJoinTx, once an address is confirmed, sends a waiting join request to the
// organisation's managers, or to the admins when it has none. Nothing happens for
// someone who did not ask to join, or whose request was already sent.
func askToJoinTx(ctx context.Context, tx *sql.Tx, userID int64, now time.Time) error {
	var reqID, orgID int64
	var name, email, job, org string
	err := tx.QueryRowContext(ctx, `SELECT j.id, j.organisation_id, u.name, u.email, u.job_title, o.name
		FROM join_requests j JOIN users u ON u.id = j.user_id JOIN organisations o ON o.id = j.organisation_id
		WHERE j.user_id = ? AND j.notified_at IS NULL AND j.decision IS NULL`, userID).
		Scan(&reqID, &orgID, &name, &email, &job, &org)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE join_requests SET notified_at = ? WHERE id = ?`, store.FormatTime(now), reqID); err != nil {
		return err
	}
	type reader struct {
		id          int64
		name, email string
	}
	find := func(query string, args ...any) ([]reader, error) {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []reader
		for rows.Next() {
			var r reader
			if err := rows.Scan(&r.id, &r.name, &r.email); err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, rows.Err()
	}
	readers, err := find(`SELECT u.id, u.name, u.email FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'manager'
		WHERE u.organisation_id = ? AND u.active = 1 AND `+CountsAsStaff("u")+` ORDER BY u.id`, orgID)
	if err != nil {
		return err
	}
	if len(readers) == 0 {
		readers, err = find(`SELECT u.id, u.name, u.email FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'admin'
			WHERE u.active = 1 ORDER BY u.id`)
		if err != nil {
			return err
		}
	}
	for _, r := range readers {
		data, err := json.Marshal(SignupMessage{Name: r.name, Organisation: org, PersonName: name, PersonEmail: email,
			JobTitle: job, RequestID: reqID})
		if err != nil {
			return err
		}
		if _, err := outbox.EnqueueTx(ctx, tx, outbox.Row{Kind: KindJoinRequested, UserID: r.id, ToEmail: r.email, ToName: r.name,
			Payload: outbox.Payload{Data: data}}, now); err != nil {
			return err
		}
	}
	return nil
}

const joinRequestColumns = `j.id, j.user_id, u.name, u.email, u.job_title, j.organisation_id, o.name, j.created_at`

func scanJoinRequest(row interface{ Scan(...any) error }) (JoinRequest, error) {
	var j JoinRequest
	var at store.Time
	err := row.Scan(&j.ID, &j.UserID, &j.Name, &j.Email, &j.JobTitle, &j.OrganisationID, &j.OrganisationName, &at)
	j.RequestedAt = at.T
	return j, err
}

// waitingJoinSQL selects requests that are waiting for a decision: sent to the managers
// (the address is confirmed) and not yet decided. Scope ? = 0 means every organisation.
const waitingJoinSQL = `SELECT ` + joinRequestColumns + ` FROM join_requests j
	JOIN users u ON u.id = j.user_id JOIN organisations o ON o.id = j.organisation_id
	WHERE j.decision IS NULL AND j.notified_at IS NOT NULL AND u.active = 1 AND (? = 0 OR j.organisation_id = ?)`

// WaitingJoinRequests lists requests waiting for a decision, oldest first: one
// organisation's (a manager's view) or, with orgID 0, everyone's (an admin's).
func (s *Service) WaitingJoinRequests(ctx context.Context, orgID int64) ([]JoinRequest, error) {
	rows, err := s.DB.R.QueryContext(ctx, waitingJoinSQL+` ORDER BY j.created_at, j.id`, orgID, orgID)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []JoinRequest
	for rows.Next() {
		j, err := scanJoinRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// WaitingJoinRequest loads one waiting request within scope (an organisation id, or 0
// for admins). Anything else, a request for another organisation included, is
// store.ErrNotFound, so a manager cannot tell that it exists.
func (s *Service) WaitingJoinRequest(ctx context.Context, id, scope int64) (JoinRequest, error) {
	j, err := scanJoinRequest(s.DB.R.QueryRowContext(ctx, waitingJoinSQL+` AND j.id = ?`, scope, scope, id))
	return j, store.Classify(err)
}

// JoinRequestDecided reports whether a request within scope has been decided already,
// so a second manager following the emailed link is told rather than shown "not found".
func (s *Service) JoinRequestDecided(ctx context.Context, id, scope int64) (bool, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM join_requests WHERE id = ? AND decision IS NOT NULL
		AND (? = 0 OR organisation_id = ?)`, id, scope, scope).Scan(&n)
	return n > 0, store.Classify(err)
}

// DecideJoinRequest approves or declines a waiting request within scope (as for
// WaitingJoinRequest), and emails the person. Approval makes them a member, able to book
// and shown to their managers; a declined account cannot book and is removed a week later.
func (s *Service) DecideJoinRequest(ctx context.Context, id, scope, deciderID int64, approve bool) error {
	now := s.Now().UTC().Truncate(time.Second)
	stamp := store.FormatTime(now)
	decision, membership, kind := "declined", Declined, KindJoinDeclined
	if approve {
		decision, membership, kind = "approved", Member, KindJoinApproved
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		j, err := scanJoinRequest(tx.QueryRowContext(ctx, waitingJoinSQL+` AND j.id = ?`, scope, scope, id))
		if errors.Is(err, sql.ErrNoRows) {
			var decided int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM join_requests WHERE id = ? AND decision IS NOT NULL
				AND (? = 0 OR organisation_id = ?)`, id, scope, scope).Scan(&decided); err != nil {
				return err
			}
			if decided > 0 {
				return ErrJoinDecided
			}
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE join_requests SET decision = ?, decided_by = ?, decided_at = ? WHERE id = ?`,
			decision, deciderID, stamp, j.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET membership = ? WHERE id = ?`, membership, j.UserID); err != nil {
			return err
		}
		data, err := json.Marshal(SignupMessage{Name: j.Name, Organisation: j.OrganisationName})
		if err != nil {
			return err
		}
		_, err = outbox.EnqueueTx(ctx, tx, outbox.Row{Kind: kind, UserID: j.UserID, ToEmail: j.Email, ToName: j.Name,
			Payload: outbox.Payload{Data: data}}, now)
		return err
	})
}

// errNoDecision is for a decision form sent without a choice.
var errNoDecision = problem.Validation{"decision": "Choose whether to approve or decline the request"}

// ParseJoinDecision reads the decision form's answer.
func ParseJoinDecision(v string) (approve bool, err error) {
	switch v {
	case "approve":
		return true, nil
	case "decline":
		return false, nil
	}
	return false, &problem.Error{Status: http.StatusUnprocessableEntity, Code: "validation_failed",
		Message: "Check the highlighted fields.", Fields: errNoDecision}
}
