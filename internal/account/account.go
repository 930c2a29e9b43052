// Package account holds organisations, people, their roles, passwords and API tokens.
package account

import (
	"slices"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/secretkey"
	"github.com/traininghub/traininghub/internal/store"
)

// Role is what a person may do; one person may hold several.
type Role string

// The roles, from least to most powerful.
const (
	Practitioner Role = "practitioner"
	Trainer      Role = "trainer"
	Partner      Role = "partner"
	Manager      Role = "manager"
	Admin        Role = "admin"
)

// AllRoles lists every role in display order.
var AllRoles = []Role{Practitioner, Trainer, Partner, Manager, Admin}

// ValidRole reports whether r is one of AllRoles.
func ValidRole(r Role) bool { return slices.Contains(AllRoles, r) }

// User is a person who can sign in.
type User struct {
	ID               int64
	Email            string
	Name             string
	JobTitle         string
	Team             string // for managers' filters; may be empty
	OrganisationID   int64
	OrganisationName string
	Active           bool
	Roles            []Role
	CreatedAt        time.Time
	// PasswordChangedAt ends sign-in sessions that began earlier; zero: never changed.
	PasswordChangedAt time.Time
	// EmailConfirmed is false only for a self-registered account whose owner has not yet
	// opened the confirmation link (signup.go).
	EmailConfirmed bool
	// Membership says whether the person belongs to OrganisationID or only asked to.
	Membership Membership
}

// Has reports whether the user holds role r.
func (u *User) Has(r Role) bool { return u != nil && slices.Contains(u.Roles, r) }

// IsAdmin is a template-friendly Has(Admin).
func (u *User) IsAdmin() bool { return u.Has(Admin) }

// IsTrainer is a template-friendly Has(Trainer), for the "My sessions" link.
func (u *User) IsTrainer() bool { return u.Has(Trainer) }

// IsManager is a template-friendly Has(Manager), for the "My staff" link.
func (u *User) IsManager() bool { return u.Has(Manager) }

// IsPartner is a template-friendly Has(Partner), for the "Partner" link.
func (u *User) IsPartner() bool { return u.Has(Partner) }

// Service reads and writes accounts.
type Service struct {
	DB     *store.DB
	Now    clock.Clock
	Hasher *Hasher
	// Secrets encrypts two-factor secrets and signs remembered browsers; set it with
	// UseSecretKey, which checks it against the database. Without it two-factor sign-in
	// cannot be set up or checked.
	Secrets *secretkey.Key
}

// NewService wires a Service.
func NewService(db *store.DB, now clock.Clock, h *Hasher) *Service {
	return &Service{DB: db, Now: now, Hasher: h}
}
