package account

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// ConfirmLinkLifetime is how long an email confirmation link works.
const ConfirmLinkLifetime = 24 * time.Hour

// UnconfirmedLifetime is how long a self-registered account may stay unconfirmed before
// the sweep removes it (and how long a declined one stays before it goes).
const UnconfirmedLifetime = 7 * 24 * time.Hour

// maxOwnerWarnings caps the "someone tried to create an account with your address"
// emails an address gets per day, so the register form cannot flood an inbox.
const maxOwnerWarnings = 2

// The messages self-registration sends, through the outbox like every other email.
const (
	KindEmailConfirmation outbox.Kind = "email_confirmation" // the link that confirms a new account's address
	KindAccountExists     outbox.Kind = "account_exists"     // to the owner of an address someone tried to register again
	KindJoinRequested     outbox.Kind = "join_requested"     // to an organisation's managers (or the admins)
	KindJoinApproved      outbox.Kind = "join_approved"      // to the person
	KindJoinDeclined      outbox.Kind = "join_declined"      // to the person
)

// SignupMessage is the snapshot those messages carry (outbox.Payload.Data). An
// email_confirmation names its link by outbox.Payload.LinkID; the link's secret is minted
// as the email is sent (EmailLinks), never queued.
type SignupMessage struct {
	Name         string    `json:"name"`                // the reader
	ExpiresAt    time.Time `json:"expires_at,omitzero"` // email_confirmation
	Organisation string    `json:"organisation,omitempty"`
	PersonName   string    `json:"person_name,omitempty"` // join_requested: who asks
	PersonEmail  string    `json:"person_email,omitempty"`
	JobTitle     string    `json:"job_title,omitempty"`
	RequestID    int64     `json:"request_id,omitempty"`
	Requested    bool      `json:"requested,omitempty"` // email_confirmation: membership waits for approval
}

// Registration is what the register page asks for.
type Registration struct {
	Name, Email, JobTitle, Password string
	// OrganisationID is the organisation chosen; 0 asks to find it from the address's
	// email domain.
	OrganisationID int64
}

// Error messages for the organisation field.
const (
	msgChooseOrg       = "Choose your organisation"
	msgSharedDomain    = "Several organisations use your email address's domain: choose yours"
	msgNoDomainForAddr = "No organisation uses your email address's domain: choose your organisation, and its manager will be asked to approve your account"
)

// resolveRegistration works out the organisation and membership for r, and checks every
// field, reporting all problems at once.
func (s *Service) resolveRegistration(ctx context.Context, r Registration) (NewUser, Membership, error) {
	n := NewUser{Email: r.Email, Name: r.Name, JobTitle: r.JobTitle, Password: r.Password,
		OrganisationID: r.OrganisationID, Roles: []Role{Practitioner}}
	orgErr := problem.Validation{}
	membership := Requested
	email := NormaliseEmail(r.Email)
	var owners []Organisation
	if ValidEmail(email) {
		var err error
		if owners, err = s.OrganisationsForEmail(ctx, email); err != nil {
			return n, "", err
		}
	}
	switch {
	case r.OrganisationID < 0: // a value that names no organisation
		orgErr.Add("organisation_id", msgChooseOrg)
	case r.OrganisationID > 0:
		if _, err := s.Organisation(ctx, r.OrganisationID); errors.Is(err, store.ErrNotFound) {
			orgErr.Add("organisation_id", msgChooseOrg)
		} else if err != nil {
			return n, "", err
		}
	case !ValidEmail(email):
		orgErr.Add("organisation_id", msgChooseOrg)
	case len(owners) == 1:
		n.OrganisationID = owners[0].ID
	case len(owners) > 1:
		orgErr.Add("organisation_id", msgSharedDomain)
	default:
		orgErr.Add("organisation_id", msgNoDomainForAddr)
	}
	if slices.ContainsFunc(owners, func(o Organisation) bool { return o.ID == n.OrganisationID }) {
		membership = Member
	}
	pw := problem.Validation{}
	if r.Password == "" {
		pw.Add("password", "Enter a password")
	}
	check := n
	if check.OrganisationID <= 0 {
		check.OrganisationID = 1 // the organisation's own message comes from orgErr
	}
	err := problem.Merge(orgErr.Err(), pw.Err(), check.validate())
	n.Email, n.Name, n.JobTitle = check.Email, check.Name, check.JobTitle
	return n, membership, err
}

// CheckRegistration reports every problem with r without writing anything, for a form
// that has problems of its own to show alongside.
func (s *Service) CheckRegistration(ctx context.Context, r Registration) error {
	_, _, err := s.resolveRegistration(ctx, r)
	return err
}

// Register creates a self-registered account that cannot book until its address is
// confirmed, and emails the confirmation link. An address on one of the chosen
// organisation's email domains makes the person a member; any other address asks to join
// and waits for approval. When the address already has an account, nothing is created:
// its owner is emailed instead, and Register answers exactly as for a new account (nil),
// after the same work (the password is hashed either way), so the register page cannot
// be used to find out who has an account.
func (s *Service) Register(ctx context.Context, r Registration) error {
	n, membership, err := s.resolveRegistration(ctx, r)
	if err != nil {
		return err
	}
	hash, err := s.Hasher.Hash(ctx, n.Password)
	if err != nil {
		return err
	}
	now := s.Now().UTC().Truncate(time.Second)
	stamp := store.FormatTime(now)
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		var ownerID int64
		var ownerName string
		err := tx.QueryRowContext(ctx, `SELECT id, name FROM users WHERE email = ?`, n.Email).Scan(&ownerID, &ownerName)
		if err == nil {
			return warnOwnerTx(ctx, tx, ownerID, ownerName, n.Email, now)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var orgName string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = ?`, n.OrganisationID).Scan(&orgName); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return problem.Validation{"organisation_id": msgChooseOrg}.Err()
			}
			return err
		}
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO users (email, name, job_title, team, organisation_id, password_hash,
			created_at, email_confirmed, membership) VALUES (?, ?, ?, '', ?, ?, ?, 0, ?) RETURNING id`,
			n.Email, n.Name, n.JobTitle, n.OrganisationID, hash, stamp, membership).Scan(&id)
		if store.IsConstraint(err) {
			return errors.New("register: the address was taken during the transaction") // the writer is single: cannot happen
		}
		if err != nil {
			return err
		}
		if err := writeRoles(ctx, tx, id, n.Roles); err != nil {
			return err
		}
		if membership == Requested {
			if _, err := tx.ExecContext(ctx, `INSERT INTO join_requests (user_id, organisation_id, created_at) VALUES (?, ?, ?)`,
				id, n.OrganisationID, stamp); err != nil {
				return err
			}
		}
		return queueConfirmationTx(ctx, tx, id, n.Name, n.Email, orgName, membership == Requested, now)
	})
}

// warnOwnerTx emails the owner of an address that someone tried to register again, at
// most maxOwnerWarnings times a day.
func warnOwnerTx(ctx context.Context, tx *sql.Tx, userID int64, name, email string, now time.Time) error {
	var recent int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE kind = ? AND recipient_email = ? AND created_at > ?`,
		KindAccountExists, email, store.FormatTime(now.Add(-24*time.Hour))).Scan(&recent); err != nil {
		return err
	}
	if recent >= maxOwnerWarnings {
		return nil
	}
	data, err := json.Marshal(SignupMessage{Name: name})
	if err != nil {
		return err
	}
	_, err = outbox.EnqueueTx(ctx, tx, outbox.Row{Kind: KindAccountExists, UserID: userID, ToEmail: email, ToName: name,
		Payload: outbox.Payload{Data: data}}, now)
	return err
}

// queueConfirmationTx records a confirmation link and queues its email, which names the
// link by id, in the caller's transaction: a link exists exactly when its email is queued,
// and its secret is minted only as the email is sent.
func queueConfirmationTx(ctx context.Context, tx *sql.Tx, userID int64, name, email, org string, requested bool,
	now time.Time) error {
	expires := now.Add(ConfirmLinkLifetime)
	linkID, err := insertLinkTx(ctx, tx, confirmationLinks, userID, now, expires)
	if err != nil {
		return err
	}
	data, err := json.Marshal(SignupMessage{Name: name, ExpiresAt: expires, Organisation: org, Requested: requested})
	if err != nil {
		return err
	}
	_, err = outbox.EnqueueTx(ctx, tx, outbox.Row{Kind: KindEmailConfirmation, UserID: userID, ToEmail: email, ToName: name,
		Payload: outbox.Payload{Data: data, LinkID: linkID}, ExpiresAt: expires}, now)
	return err
}

// ErrConfirmLinkInvalid covers every confirmation link that cannot be used (never
// issued, used, expired, or the account gone), so the page never says which.
var ErrConfirmLinkInvalid = problem.New(http.StatusGone, "confirm_link_invalid",
	"This link has expired or has already been used.")

// ErrTooManyConfirmLinks refuses another link while several still work.
var ErrTooManyConfirmLinks = problem.New(http.StatusTooManyRequests, "too_many_links",
	"We have already sent you 3 links that still work. Check your email, including junk mail, or try again tomorrow.")

// CheckConfirmLink reports whether a confirmation link can be used. It changes nothing,
// so mail scanners that open links do no harm.
func (s *Service) CheckConfirmLink(ctx context.Context, token string) error {
	if !wellFormedResetToken(token) {
		return ErrConfirmLinkInvalid
	}
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM email_confirmations c JOIN users u ON u.id = c.user_id
		WHERE c.token_hash = ? AND c.used_at IS NULL AND c.expires_at > ? AND u.active = 1`,
		hashToken(token), store.FormatTime(s.Now())).Scan(&n)
	if err != nil {
		return store.Classify(err)
	}
	if n == 0 {
		return ErrConfirmLinkInvalid
	}
	return nil
}

// ConfirmEmail spends a confirmation link and marks the address confirmed; every other
// link of the account stops working too. For someone who asked to join an organisation,
// this is when its managers (or, if it has none, the admins) are asked to decide.
func (s *Service) ConfirmEmail(ctx context.Context, token string) (*User, error) {
	if !wellFormedResetToken(token) {
		return nil, ErrConfirmLinkInvalid
	}
	now := s.Now().UTC().Truncate(time.Second)
	stamp := store.FormatTime(now)
	var userID int64
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE email_confirmations SET used_at = ?
			WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
			AND user_id IN (SELECT id FROM users WHERE active = 1) RETURNING user_id`,
			stamp, hashToken(token), stamp).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrConfirmLinkInvalid
		}
		if err != nil {
			return err
		}
		return confirmAddressTx(ctx, tx, userID, now)
	})
	if err != nil {
		return nil, err
	}
	return s.User(ctx, userID)
}

// confirmAddressTx marks the account's address confirmed, spends its other confirmation
// links and, for someone who asked to join an organisation, asks its managers. Doing it
// again changes nothing.
func confirmAddressTx(ctx context.Context, tx *sql.Tx, userID int64, now time.Time) error {
	stamp := store.FormatTime(now.UTC().Truncate(time.Second))
	if _, err := tx.ExecContext(ctx, `UPDATE email_confirmations SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, stamp, userID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET email_confirmed = 1 WHERE id = ?`, userID); err != nil {
		return err
	}
	return askToJoinTx(ctx, tx, userID, now)
}

// ResendConfirmation emails a fresh link to a signed-in person whose address is not yet
// confirmed; for a confirmed one it does nothing. At most 3 links work at once.
func (s *Service) ResendConfirmation(ctx context.Context, userID int64) error {
	now := s.Now().UTC().Truncate(time.Second)
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		var name, email, org string
		var confirmed bool
		var m Membership
		err := tx.QueryRowContext(ctx, `SELECT u.name, u.email, o.name, u.email_confirmed, u.membership
			FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = ? AND u.active = 1`, userID).
			Scan(&name, &email, &org, &confirmed, &m)
		if err != nil {
			return store.Classify(err)
		}
		if confirmed {
			return nil
		}
		var live int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM email_confirmations WHERE user_id = ? AND used_at IS NULL AND expires_at > ?`,
			userID, store.FormatTime(now)).Scan(&live); err != nil {
			return err
		}
		if live >= maxLiveResets {
			return ErrTooManyConfirmLinks
		}
		return queueConfirmationTx(ctx, tx, userID, name, email, org, m == Requested, now)
	})
}
