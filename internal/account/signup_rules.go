package account

import (
	"context"
	"database/sql"
	"errors"
	"net/http"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// Membership says whether a person belongs to their account's organisation.
type Membership string

// Memberships. An account made by an admin, the CLI, a trainer's walk-in form or single
// sign-on is a member at once; a self-registered address on one of the organisation's
// email domains is a member too (it still has to confirm the address before booking).
// Any other self-registered address only asks to join, and waits for the organisation's
// manager or an admin.
const (
	Member    Membership = "member"
	Requested Membership = "requested"
	Declined  Membership = "declined"
)

// Refusals for people who may not book yet. They carry what to do next; the booking
// pages add a "send the link again" button to the first.
var (
	ErrEmailUnconfirmed = problem.New(http.StatusForbidden, "email_unconfirmed",
		"Confirm your email address before you book: open the link we emailed you when you created your account. "+
			"To get a new link, sign in on the website and choose \"Send the link again\" at /account/email "+
			"(or, with the API, POST /api/v1/me/email-confirmation).")
	ErrMembershipRequested = problem.New(http.StatusForbidden, "membership_requested",
		"Your organisation has not approved your account yet, so you cannot book. Its manager has been asked, and we will email you when they decide.")
	ErrMembershipDeclined = problem.New(http.StatusForbidden, "membership_declined",
		"Your request to join the organisation was declined, so you cannot book. If this is a mistake, contact the training team.")
)

// BookingRefusal is the one rule for who may hold a place: a confirmed email address
// and membership of the organisation. It returns nil for someone who may book.
func BookingRefusal(emailConfirmed bool, m Membership) error {
	switch {
	case !emailConfirmed:
		return ErrEmailUnconfirmed
	case m == Requested:
		return ErrMembershipRequested
	case m == Declined:
		return ErrMembershipDeclined
	}
	return nil
}

// MayBook applies BookingRefusal to a loaded user.
func (u *User) MayBook() error { return BookingRefusal(u.EmailConfirmed, u.Membership) }

// MayBookTx applies BookingRefusal inside a booking transaction, so every way of booking
// (pages, API, approvals, substitutions) obeys it. A missing user is store.ErrNotFound.
func MayBookTx(ctx context.Context, tx *sql.Tx, userID int64) error {
	var confirmed bool
	var m Membership
	err := tx.QueryRowContext(ctx, `SELECT email_confirmed, membership FROM users WHERE id = ?`, userID).Scan(&confirmed, &m)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	if err != nil {
		return err
	}
	return BookingRefusal(confirmed, m)
}

// CountsAsStaff is the SQL condition (for the users table under alias) that a person
// belongs to their organisation: a confirmed address and an approved membership. Managers'
// matrices and staff lists use it, so someone who merely asked to join is not shown as
// that organisation's staff.
func CountsAsStaff(alias string) string {
	return "(" + alias + ".email_confirmed = 1 AND " + alias + ".membership = 'member')"
}
