package demo

import (
	"context"
	"errors"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// ExistingLogins lists the documented demo sign-ins that are present in the database, so
// `serve --demo` can print them at every start and not only on the run that seeded them.
// A real deployment started with --demo by mistake has none of them, and prints nothing.
func ExistingLogins(ctx context.Context, accounts *account.Service) ([]Login, error) {
	var out []Login
	for _, p := range demoLogins {
		u, err := accounts.UserByEmail(ctx, p.email)
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, problem.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !u.Active || !u.Has(p.role) {
			continue
		}
		out = append(out, Login{Role: p.role, Email: p.email, Password: p.password,
			Name: u.Name, Organisation: u.OrganisationName})
	}
	return out, nil
}
