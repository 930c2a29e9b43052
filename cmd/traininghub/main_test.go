package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

func runCmd(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), err
}

func TestUserAndTokenCommands(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "cli.db")
	if _, err := runCmd(t, "", "migrate", "--db", dbPath); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	out, err := runCmd(t, "a long memorable passphrase\n", "user", "add", "--db", dbPath,
		"--email", "Lead@Council.Example.org", "--name", "Training Lead", "--org", "Example Council",
		"--role", "admin", "--role", "trainer")
	if err != nil {
		t.Fatalf("user add: %v", err)
	}
	if strings.Contains(out, "Password:") {
		t.Errorf("a password read from stdin must not be printed: %q", out)
	}
	out, err = runCmd(t, "", "user", "add", "--db", dbPath, "--email", "p@council.example.org",
		"--name", "P Person", "--org", "example council", "--role", "practitioner")
	if err != nil {
		t.Fatalf("user add with generated password: %v", err)
	}
	_, generated, ok := strings.Cut(out, "Password: ")
	if !ok {
		t.Fatalf("generated password not printed: %q", out)
	}
	generated = strings.TrimSpace(generated)

	db, err := store.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	accounts := account.NewService(db, clock.System, account.NewHasher(account.DefaultHashParams, 1))
	ctx := context.Background()
	lead, err := accounts.Authenticate(ctx, "lead@council.example.org", "a long memorable passphrase")
	if err != nil {
		t.Fatalf("stdin password does not sign in: %v", err)
	}
	if !lead.Has(account.Admin) || !lead.Has(account.Trainer) {
		t.Errorf("roles = %v, want admin and trainer", lead.Roles)
	}
	p, err := accounts.Authenticate(ctx, "p@council.example.org", generated)
	if err != nil {
		t.Fatalf("generated password does not sign in: %v", err)
	}
	if p.OrganisationID != lead.OrganisationID {
		t.Errorf("organisation matched by name ignoring case should be reused")
	}

	out, err = runCmd(t, "", "token", "add", "--db", dbPath, "--email", "LEAD@council.example.org")
	if err != nil {
		t.Fatalf("token add: %v", err)
	}
	u, err := accounts.UserByToken(ctx, strings.TrimSpace(out))
	if err != nil || u.ID != lead.ID {
		t.Fatalf("printed token does not authenticate as the lead: %v", err)
	}
}

func TestCommandErrors(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "cli.db")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "no command"},
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"unknown flag", []string{"migrate", "--nope"}, "flag provided but not defined"},
		{"bad role", []string{"user", "add", "--db", dbPath, "--email", "x@example.org", "--name", "X", "--org", "O", "--role", "wizard"}, "Unknown role"},
		{"bad email", []string{"user", "add", "--db", dbPath, "--email", "not-an-email", "--name", "X", "--org", "O", "--role", "practitioner"}, "email"},
		{"missing org", []string{"user", "add", "--db", dbPath, "--email", "x@example.org", "--name", "X"}, "--org is required"},
		{"token for nobody", []string{"token", "add", "--db", dbPath, "--email", "nobody@example.org"}, "no account"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runCmd(t, "", tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestEnvironmentSetsFlags(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "from-env.db")
	t.Setenv("TRAININGHUB_DB", dbPath)
	out, err := runCmd(t, "", "migrate")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, dbPath) {
		t.Fatalf("migrate used %q, want the TRAININGHUB_DB path %s", out, dbPath)
	}
	t.Setenv("TRAININGHUB_DEMO", "maybe")
	if _, err := runCmd(t, "", "serve", "--addr", "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "TRAININGHUB_DEMO") {
		t.Fatalf("a bad environment value must be reported by name, got %v", err)
	}
}
