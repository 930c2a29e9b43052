package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// parseExpiry reads "90d", "12h" or "never" ("" is never too).
func parseExpiry(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" || s == "never" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 3650 {
			return 0, fmt.Errorf("--expires %q: give a number of days from 1 to 3650, such as 90d", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("--expires %q: give a number of days such as 90d, or never", s)
	}
	return d, nil
}

// tokenAdd prints a new API token for the account, and nothing else, so scripts can read it.
func tokenAdd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("token add")
	dbPath := dbFlag(fs)
	email := fs.String("email", "", "the account the token acts as")
	name := fs.String("name", "", "what the token is for, shown in lists")
	expires := fs.String("expires", "", "how long it works, such as 90d (default: until revoked)")
	if err := parse(fs, args); err != nil {
		return err
	}
	life, err := parseExpiry(*expires)
	if err != nil {
		return err
	}
	db, accounts, u, err := openAccount(ctx, *dbPath, *email, "token add")
	if err != nil {
		return err
	}
	defer db.Close()
	n := account.NewToken{Name: *name}
	if life > 0 {
		n.ExpiresAt = accounts.Now().Add(life)
	}
	token, _, err := accounts.AddToken(ctx, u.ID, n)
	if err != nil {
		return explain(err)
	}
	fmt.Fprintln(stdout, token)
	return nil
}

// tokenList shows every API token (never the secret), or one account's.
func tokenList(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("token list")
	dbPath := dbFlag(fs)
	email := fs.String("email", "", "only this account's tokens")
	if err := parse(fs, args); err != nil {
		return err
	}
	var list []account.Token
	var accounts *account.Service
	if *email != "" {
		db, a, u, err := openAccount(ctx, *dbPath, *email, "token list")
		if err != nil {
			return err
		}
		defer db.Close()
		accounts = a
		if list, err = a.Tokens(ctx, u.ID); err != nil {
			return err
		}
	} else {
		db, err := openAndMigrate(ctx, *dbPath)
		if err != nil {
			return err
		}
		defer db.Close()
		accounts = account.NewService(db, clock.System, account.NewHasher(account.DefaultHashParams, 1))
		if list, err = accounts.AllTokens(ctx); err != nil {
			return err
		}
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "No API tokens.")
		return nil
	}
	now := accounts.Now()
	when := func(t time.Time, zero string) string {
		if t.IsZero() {
			return zero
		}
		return t.UTC().Format("2006-01-02 15:04Z")
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tACCOUNT\tNAME\tCREATED\tLAST USED\tEXPIRES")
	for _, t := range list {
		exp := when(t.ExpiresAt, "never")
		if t.Expired(now) {
			exp += " (expired)"
		}
		name := t.Name
		if name == "" {
			name = "-"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.UserEmail, strings.Map(printable, name),
			when(t.CreatedAt, "-"), when(t.LastUsedAt, "never"), exp)
	}
	return w.Flush()
}

// printable keeps control characters in token names out of the terminal.
func printable(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return ' '
	}
	return r
}

// tokenRevoke deletes one token by its id (from token list); it stops working at once.
func tokenRevoke(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("token revoke")
	dbPath := dbFlag(fs)
	id := fs.Int64("id", 0, "the token's id, from token list")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *id <= 0 {
		return fmt.Errorf("token revoke: --id is required (see token list)")
	}
	db, err := openAndMigrate(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	accounts := account.NewService(db, clock.System, account.NewHasher(account.DefaultHashParams, 1))
	if err := accounts.RevokeAnyToken(ctx, *id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("token revoke: no token with id %d", *id)
		}
		return err
	}
	fmt.Fprintf(stdout, "Revoked token %d\n", *id)
	return nil
}
