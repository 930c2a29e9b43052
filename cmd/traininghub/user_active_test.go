package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

func TestUserDisableAndEnableCommands(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "cli.db")
	for _, args := range [][]string{
		{"user", "add", "--db", dbPath, "--email", "lead@example.org", "--name", "Lead", "--org", "Council", "--role", "admin"},
		{"user", "add", "--db", dbPath, "--email", "pat@example.org", "--name", "Pat", "--org", "Council", "--role", "practitioner"},
	} {
		if _, err := runCmd(t, "a long memorable passphrase\n", args...); err != nil {
			t.Fatal(err)
		}
	}
	tok, err := runCmd(t, "", "token", "add", "--db", dbPath, "--email", "pat@example.org")
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	accounts := account.NewService(db, clock.System, account.NewHasher(account.DefaultHashParams, 1))
	ctx := context.Background()

	out, err := runCmd(t, "", "user", "disable", "--db", dbPath, "--email", "PAT@example.org")
	if err != nil || !strings.Contains(out, "Disabled Pat") || !strings.Contains(out, "1 API tokens") {
		t.Fatalf("disable: %q %v", out, err)
	}
	if _, err := accounts.UserByToken(ctx, strings.TrimSpace(tok)); err == nil {
		t.Error("a disabled person's token still works")
	}
	// The only admin cannot be disabled, from here either.
	if _, err := runCmd(t, "", "user", "disable", "--db", dbPath, "--email", "lead@example.org"); err == nil ||
		!strings.Contains(err.Error(), "only active admin") {
		t.Errorf("disabling the last admin: %v", err)
	}
	if _, err := runCmd(t, "", "user", "enable", "--db", dbPath, "--email", "pat@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.Authenticate(ctx, "pat@example.org", "a long memorable passphrase"); err != nil {
		t.Errorf("enabled person cannot sign in: %v", err)
	}
	if _, err := runCmd(t, "", "user", "disable", "--db", dbPath, "--email", "nobody@example.org"); err == nil {
		t.Error("disabled an unknown address")
	}
}
