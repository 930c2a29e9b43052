package account_test

import (
	"context"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

func TestCalendarToken(t *testing.T) {
	env, pat := resetEnv(t)
	ctx := context.Background()
	var null *string
	if err := env.DB.R.QueryRow(`SELECT calendar_token FROM users WHERE id = ?`, pat.ID).Scan(&null); err != nil || null != nil {
		t.Fatalf("a new account already has a calendar token: %v %v", null, err)
	}

	if has, err := env.Accounts.HasCalendarFeed(ctx, pat.ID); err != nil || has {
		t.Fatalf("HasCalendarFeed before one was made = %v, %v", has, err)
	}
	// Made when asked for, shown once, stored only as a hash.
	tok, err := env.Accounts.ResetCalendarToken(ctx, pat.ID)
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(tok); err != nil || len(raw) < 16 {
		t.Fatalf("token %q is not 128+ random bits in base64url (%v)", tok, err)
	}
	if has, err := env.Accounts.HasCalendarFeed(ctx, pat.ID); err != nil || !has {
		t.Errorf("HasCalendarFeed after making one = %v, %v", has, err)
	}
	if found := testkit.PlainTextSecrets(t, env.DB, tok); len(found) > 0 {
		t.Errorf("the calendar token is stored in plain text in %v", found)
	}
	if u, err := env.Accounts.UserByCalendarToken(ctx, tok); err != nil || u.ID != pat.ID {
		t.Errorf("lookup: %v %v", u, err)
	}

	fresh, err := env.Accounts.ResetCalendarToken(ctx, pat.ID)
	if err != nil || fresh == tok {
		t.Fatalf("reset: %q %v", fresh, err)
	}
	if _, err := env.Accounts.UserByCalendarToken(ctx, tok); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("old token after reset: %v", err)
	}
	if u, err := env.Accounts.UserByCalendarToken(ctx, fresh); err != nil || u.ID != pat.ID {
		t.Errorf("new token: %v %v", u, err)
	}
	for _, bad := range []string{"", "x", fresh + "x", fresh[:len(fresh)-1] + "!", "' OR 1=1 --"} {
		if _, err := env.Accounts.UserByCalendarToken(ctx, bad); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := env.Accounts.ResetCalendarToken(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("reset for nobody: %v", err)
	}
	if err := env.Accounts.SetActive(ctx, pat.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Accounts.UserByCalendarToken(ctx, fresh); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("disabled account's feed: %v", err)
	}
}
