package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

func TestTokenListAndRevokeCommands(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "cli.db")
	for _, args := range [][]string{
		{"user", "add", "--db", dbPath, "--email", "lead@example.org", "--name", "Lead", "--org", "Council", "--role", "admin"},
		{"user", "add", "--db", dbPath, "--email", "pat@example.org", "--name", "Pat", "--org", "Council", "--role", "practitioner"},
	} {
		if _, err := runCmd(t, "a long memorable passphrase\n", args...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := runCmd(t, "", "token", "add", "--db", dbPath, "--email", "pat@example.org", "--expires", "soon"); err == nil ||
		!strings.Contains(err.Error(), "--expires") {
		t.Fatalf("bad --expires: %v", err)
	}
	patTok, err := runCmd(t, "", "token", "add", "--db", dbPath, "--email", "pat@example.org", "--name", "Nightly export", "--expires", "90d")
	if err != nil {
		t.Fatal(err)
	}
	leadTok, err := runCmd(t, "", "token", "add", "--db", dbPath, "--email", "lead@example.org", "--name", "Admin script")
	if err != nil {
		t.Fatal(err)
	}

	out, err := runCmd(t, "", "token", "list", "--db", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Nightly export", "Admin script", "pat@example.org", "lead@example.org", time.Now().UTC().Add(90 * 24 * time.Hour).Format("2006-01-02"), "never"} {
		if !strings.Contains(out, want) {
			t.Errorf("token list lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, strings.TrimSpace(patTok)) {
		t.Error("token list shows a token's secret")
	}
	out, err = runCmd(t, "", "token", "list", "--db", dbPath, "--email", "pat@example.org")
	if err != nil || !strings.Contains(out, "Nightly export") || strings.Contains(out, "Admin script") {
		t.Fatalf("token list --email: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(?m)^(\d+)\s+pat@example.org`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no id in the list:\n%s", out)
	}

	out, err = runCmd(t, "", "token", "revoke", "--db", dbPath, "--id", m[1])
	if err != nil || !strings.Contains(out, "Revoked token "+m[1]) {
		t.Fatalf("revoke: %q %v", out, err)
	}
	if _, err := runCmd(t, "", "token", "revoke", "--db", dbPath, "--id", m[1]); err == nil || !strings.Contains(err.Error(), "no token") {
		t.Errorf("revoking twice: %v", err)
	}
	if _, err := runCmd(t, "", "token", "revoke", "--db", dbPath); err == nil {
		t.Error("revoke without --id")
	}

	db, err := store.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	accounts := account.NewService(db, clock.System, account.NewHasher(account.DefaultHashParams, 1))
	ctx := context.Background()
	if _, err := accounts.UserByToken(ctx, strings.TrimSpace(patTok)); err == nil {
		t.Error("a revoked token still works")
	}
	if _, err := accounts.UserByToken(ctx, strings.TrimSpace(leadTok)); err != nil {
		t.Errorf("revoking one token stopped another: %v", err)
	}
}
