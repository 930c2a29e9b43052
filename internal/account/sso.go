package account

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// SSOIdentity is who the partnership's OpenID Connect provider says signed in; Email has
// been verified by the provider.
type SSOIdentity struct {
	Issuer  string
	Subject string
	Email   string
	Name    string
}

// CreateSSOUser makes a practitioner account in orgID for someone the provider vouched
// for. The account has no password (it can set one through "forgotten password"), and
// its address counts as confirmed: the identity row records that single sign-on made it.
func (s *Service) CreateSSOUser(ctx context.Context, id SSOIdentity, orgID int64) (*User, error) {
	name := strings.TrimSpace(id.Name)
	if name == "" {
		name = id.Email[:max(0, strings.IndexByte(id.Email, '@'))]
	}
	u, err := s.CreateUser(ctx, NewUser{Email: id.Email, Name: name, OrganisationID: orgID, Roles: []Role{Practitioner}})
	if err != nil {
		return nil, err
	}
	if err := s.recordSSO(ctx, u.ID, id, true); err != nil {
		return nil, err
	}
	return u, nil
}

// RecordSSOSignIn notes that userID signed in through the provider as id.
func (s *Service) RecordSSOSignIn(ctx context.Context, userID int64, id SSOIdentity) error {
	return s.recordSSO(ctx, userID, id, false)
}

func (s *Service) recordSSO(ctx context.Context, userID int64, id SSOIdentity, created bool) error {
	now := store.FormatTime(s.Now())
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sso_identities
			(issuer, subject, user_id, email, created_account, created_at, last_sign_in_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (issuer, subject) DO UPDATE SET user_id = excluded.user_id, email = excluded.email,
				created_account = CASE WHEN sso_identities.user_id = excluded.user_id THEN sso_identities.created_account ELSE excluded.created_account END,
				last_sign_in_at = excluded.last_sign_in_at`,
			id.Issuer, id.Subject, userID, NormaliseEmail(id.Email), created, now, now)
		if err != nil {
			return err
		}
		// The provider verified this address: it counts as confirmed, as the emailed
		// confirmation link would make it (signup.go).
		var same int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = ? AND email = ?`,
			userID, NormaliseEmail(id.Email)).Scan(&same); err != nil {
			return err
		}
		if same == 0 {
			return nil
		}
		return confirmAddressTx(ctx, tx, userID, s.Now())
	})
}

// EmailVerifiedBySSO reports whether the provider has vouched for the account's current
// address, so email confirmation can treat it as confirmed.
func (s *Service) EmailVerifiedBySSO(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM sso_identities i JOIN users u ON u.id = i.user_id
		WHERE i.user_id = ? AND i.email = u.email`, userID).Scan(&n)
	if err != nil {
		return false, store.Classify(err)
	}
	return n > 0, nil
}

const ssoLabelKey = "sso_button_label"

// DefaultSSOLabel is the sign-in button's text until an admin names the provider.
const DefaultSSOLabel = "Sign in with your organisation's account"

// SSOButtonLabel is the text of the single sign-on button on the sign-in page.
func (s *Service) SSOButtonLabel(ctx context.Context) (string, error) {
	var v string
	err := s.DB.R.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, ssoLabelKey).Scan(&v)
	if err == sql.ErrNoRows || err == nil && v == "" {
		return DefaultSSOLabel, nil
	}
	if err != nil {
		return "", store.Classify(err)
	}
	return v, nil
}

// SetSSOButtonLabel changes the button's text: one line of at most 80 characters.
func (s *Service) SetSSOButtonLabel(ctx context.Context, label string) error {
	label = strings.TrimSpace(label)
	v := problem.Validation{}
	if label == "" {
		v.Add("sso_label", "Enter the text of the single sign-on button")
	} else if utf8.RuneCountInString(label) > 80 {
		v.Add("sso_label", "Button text must be 80 characters or fewer")
	} else if hasControl(label) {
		v.Add("sso_label", "Button text must be on one line, without line breaks or tabs")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, ssoLabelKey, label)
		return err
	})
}
