package approval

import (
	"context"
	"database/sql"
	"errors"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/store"
)

// Needed says whether booking the session goes through a manager's approval.
func (s *Service) Needed(ctx context.Context, sessionID int64) (bool, error) {
	var needed bool
	err := s.DB.R.QueryRowContext(ctx, `SELECT c.manager_approval FROM course_sessions s
		JOIN courses c ON c.id = s.course_id WHERE s.id = ?`, sessionID).Scan(&needed)
	if errors.Is(err, sql.ErrNoRows) {
		return false, booking.ErrSessionNotFound
	}
	return needed, store.Classify(err)
}

// Get loads one request.
func (s *Service) Get(ctx context.Context, id int64) (Request, error) {
	r, err := loadRequest(ctx, s.DB.R, id)
	return r, store.Classify(err)
}

// ByToken finds the request a decision link emailed before links named requests by
// number points at. A token that is malformed or
// unknown is simply not found.
func (s *Service) ByToken(ctx context.Context, token string) (Request, error) {
	if !validToken(token) {
		return Request{}, ErrNotFound
	}
	r, err := scanRequest(s.DB.R.QueryRowContext(ctx, `SELECT `+requestColumns+`WHERE a.token_hash = ?`, hashToken(token)))
	return r, store.Classify(err)
}

// PendingFor lists the requests u may decide, soonest session first: for a manager, those
// of their organisation's staff; for an admin, everyone's. Their own requests are left out.
func (s *Service) PendingFor(ctx context.Context, u *account.User) ([]Request, error) {
	switch {
	case u == nil:
		return nil, nil
	case u.IsAdmin():
		return listRequests(ctx, s.DB.R, `WHERE a.status = 'pending' AND a.user_id <> ? ORDER BY s.starts_at, a.id`, u.ID)
	case u.Has(account.Manager):
		return listRequests(ctx, s.DB.R, `WHERE a.status = 'pending' AND u.organisation_id = ? AND a.user_id <> ?
			ORDER BY s.starts_at, a.id`, u.OrganisationID, u.ID)
	}
	return nil, nil
}

// PendingForUser lists a person's own requests still awaiting a decision.
func (s *Service) PendingForUser(ctx context.Context, userID int64) ([]Request, error) {
	return listRequests(ctx, s.DB.R, `WHERE a.user_id = ? AND a.status = 'pending' ORDER BY s.starts_at, a.id`, userID)
}
