package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("migrate")
	dbPath := dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := openAndMigrate(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(stdout, "Database is up to date:", store.SafeAddress(*dbPath))
	return nil
}

func userAdd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := newFlags("user add")
	dbPath := dbFlag(fs)
	email := fs.String("email", "", "email address")
	name := fs.String("name", "", "full name")
	org := fs.String("org", "", "organisation name (created if missing)")
	orgType := fs.String("org-type", "other", "type for a new organisation")
	job := fs.String("job-title", "", "job title")
	var roles multi
	fs.Var(&roles, "role", "role: practitioner, trainer, partner, manager or admin (repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *org == "" {
		return fmt.Errorf("user add: --org is required")
	}
	password, generated, err := readPassword(stdin)
	if err != nil {
		return err
	}
	db, err := openAndMigrate(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	accounts := account.NewService(db, clock.System, account.NewHasher(account.DefaultHashParams, 1))
	o, err := accounts.EnsureOrganisation(ctx, *org, account.OrgType(*orgType))
	if err != nil {
		return explain(err)
	}
	rs := make([]account.Role, len(roles))
	for i, r := range roles {
		rs[i] = account.Role(r)
	}
	u, err := accounts.CreateUser(ctx, account.NewUser{Email: *email, Name: *name, JobTitle: *job,
		OrganisationID: o.ID, Password: password, Roles: rs})
	if err != nil {
		return explain(err)
	}
	fmt.Fprintf(stdout, "Created %s <%s> in %s with roles %v\n", u.Name, u.Email, u.OrganisationName, u.Roles)
	if generated {
		fmt.Fprintf(stdout, "Password: %s\n", password)
	}
	return nil
}

// readPassword takes the first line of stdin, or generates a password when stdin is empty.
func readPassword(stdin io.Reader) (string, bool, error) {
	if stdin != nil {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", false, err
		}
		if p := strings.TrimRight(line, "\r\n"); p != "" {
			return p, false, nil
		}
	}
	return account.RandomPassword(), true, nil
}

func healthcheck(ctx context.Context, args []string) error {
	fs := newFlags("healthcheck")
	addr := fs.String("addr", ":8080", "address the server listens on")
	if err := parse(fs, args); err != nil {
		return err
	}
	host := *addr
	if strings.HasPrefix(host, ":") {
		host = "127.0.0.1" + host
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+host+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthz answered %d", resp.StatusCode)
	}
	return nil
}

// explain turns validation errors into one readable line for the terminal.
func explain(err error) error {
	pe, _ := problem.From(err)
	if len(pe.Fields) == 0 {
		return err
	}
	var parts []string
	for _, f := range pe.SortedFields() {
		parts = append(parts, f+": "+pe.Fields[f])
	}
	return fmt.Errorf("%s", strings.Join(parts, "; "))
}

// userSetActive disables or enables an account by email address, through the same rules
// as the admin pages: disabling ends the person's sign-in sessions, API tokens, calendar
// feed and password links at once, and the last active admin cannot be disabled.
func userSetActive(ctx context.Context, args []string, active bool, stdout io.Writer) error {
	name := "user disable"
	if active {
		name = "user enable"
	}
	fs := newFlags(name)
	dbPath := dbFlag(fs)
	email := fs.String("email", "", "the account's email address")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, accounts, u, err := openAccount(ctx, *dbPath, *email, name)
	if err != nil {
		return err
	}
	defer db.Close()
	ended, err := accounts.SetPersonActive(ctx, 0, u.ID, active)
	if err != nil {
		return explain(err)
	}
	if active {
		fmt.Fprintf(stdout, "Enabled %s <%s>\n", u.Name, u.Email)
		return nil
	}
	fmt.Fprintf(stdout, "Disabled %s <%s>: ended %d sign-in sessions, %d API tokens, %d password links; calendar feed ended: %v\n",
		u.Name, u.Email, ended.Sessions, ended.APITokens, ended.PasswordLink, ended.Calendar)
	return nil
}

// openAccount opens the database for a command that acts on the one account named by
// --email. The caller closes db when err is nil.
func openAccount(ctx context.Context, dbPath, email, command string) (*store.DB, *account.Service, *account.User, error) {
	db, err := openAndMigrate(ctx, dbPath)
	if err != nil {
		return nil, nil, nil, err
	}
	accounts := account.NewService(db, clock.System, account.NewHasher(account.DefaultHashParams, 1))
	u, err := accounts.UserByEmail(ctx, email)
	if err != nil {
		db.Close()
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil, nil, fmt.Errorf("%s: no account with email %q", command, email)
		}
		return nil, nil, nil, fmt.Errorf("%s: %w", command, err)
	}
	return db, accounts, u, nil
}
