// Package people holds the admin's work on whole accounts that reaches beyond the account
// package: merging the two accounts one person ended up with, which moves their bookings,
// history, certificates and requests in one transaction.
package people

import (
	"context"
	"database/sql"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Service merges accounts.
type Service struct {
	DB       *store.DB
	Accounts *account.Service
	Now      clock.Clock
}

// NewService wires a Service.
func NewService(db *store.DB, accounts *account.Service, now clock.Clock) *Service {
	return &Service{DB: db, Accounts: accounts, Now: now}
}

// querier is what both the reader pool and a transaction offer, so a merge's plan is
// worked out by the same code for the confirmation page and inside the merge itself.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}
