package account

import (
	"context"
	"database/sql"

	"github.com/traininghub/traininghub/internal/store"
)

const partnerAutoLiveKey = "partner_courses_go_live"

// PartnerCoursesGoLive reports whether a training partner's new course is listed at once
// rather than waiting for an admin's approval (default no: the partnership checks first).
func (s *Service) PartnerCoursesGoLive(ctx context.Context) (bool, error) {
	var v string
	err := s.DB.R.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, partnerAutoLiveKey).Scan(&v)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, store.Classify(err)
	}
	return v == "yes", nil
}

// SetPartnerCoursesGoLive switches approval of partners' new courses off (true) or on.
func (s *Service) SetPartnerCoursesGoLive(ctx context.Context, on bool) error {
	v := "no"
	if on {
		v = "yes"
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, partnerAutoLiveKey, v)
		return err
	})
}

// PartnerOrganisation is the training partner a user acts for: their own organisation,
// when they hold the partner role and it is a training partner. ok is false otherwise, so
// a partner role on an agency's account grants nothing. The organisation always comes
// from the account, never from the request.
func (s *Service) PartnerOrganisation(ctx context.Context, u *User) (o Organisation, ok bool, err error) {
	if u == nil || !u.Active || !u.Has(Partner) {
		return Organisation{}, false, nil
	}
	o, err = s.Organisation(ctx, u.OrganisationID)
	if err != nil {
		return Organisation{}, false, err
	}
	return o, o.Type == TrainingPartner, nil
}
