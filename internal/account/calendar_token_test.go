package account_test

import (
	"context"
	"encoding/base64"
	"errors"
	"sync"
	"testing"

	"github.com/traininghub/traininghub/internal/store"
)

func TestCalendarToken(t *testing.T) {
	env, pat := resetEnv(t)
	ctx := context.Background()
	var null *string
	if err := env.DB.R.QueryRow(`SELECT calendar_token FROM users WHERE id = ?`, pat.ID).Scan(&null); err != nil || null != nil {
		t.Fatalf("a new account already has a calendar token: %v %v", null, err)
	}

	// Made on first use, by whichever of several first requests gets there.
	tokens := make([]string, 8)
	var wg sync.WaitGroup
	for i := range tokens {
		wg.Go(func() {
			tok, err := env.Accounts.CalendarToken(ctx, pat.ID)
			if err != nil {
				t.Error(err)
			}
			tokens[i] = tok
		})
	}
	wg.Wait()
	tok := tokens[0]
	for _, other := range tokens {
		if other != tok {
			t.Fatalf("first uses disagree: %v", tokens)
		}
	}
	if raw, err := base64.RawURLEncoding.DecodeString(tok); err != nil || len(raw) < 16 {
		t.Fatalf("token %q is not 128+ random bits in base64url (%v)", tok, err)
	}
	if again, _ := env.Accounts.CalendarToken(ctx, pat.ID); again != tok {
		t.Errorf("token changed on the second visit")
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
	if now, _ := env.Accounts.CalendarToken(ctx, pat.ID); now != fresh {
		t.Errorf("CalendarToken %q after reset to %q", now, fresh)
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
