package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
)

func TestExpiredAndRevokedTokensAreRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tok, info, err := f.Accounts.AddToken(ctx, f.practitioner.ID, account.NewToken{Name: "Week job", ExpiresAt: f.Clock.Now().Add(7 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	want(t, f.do(http.MethodGet, "/api/v1/me/bookings", tok, nil), http.StatusOK, "token before expiry")

	f.Clock.Advance(7*24*time.Hour - time.Second)
	want(t, f.do(http.MethodGet, "/api/v1/me/bookings", tok, nil), http.StatusOK, "token a second before expiry")
	f.Clock.Advance(time.Second)
	r := f.do(http.MethodGet, "/api/v1/me/bookings", tok, nil)
	want(t, r, http.StatusUnauthorized, "token at expiry")
	if r.errorCode() != "unauthenticated" || !strings.Contains(r.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("expired token: code %q, WWW-Authenticate %q", r.errorCode(), r.Header.Get("WWW-Authenticate"))
	}
	// Even public endpoints refuse it, so a script notices.
	want(t, f.do(http.MethodGet, "/api/v1/courses", tok, nil), http.StatusUnauthorized, "expired token on a public endpoint")

	// Revoking one token leaves the person's others working.
	if err := f.Accounts.RevokeToken(ctx, f.other.ID, info.ID); err == nil {
		t.Fatal("revoked another person's token")
	}
	if err := f.Accounts.RevokeAnyToken(ctx, info.ID); err != nil {
		t.Fatal(err)
	}
	want(t, f.do(http.MethodGet, "/api/v1/me/bookings", f.pracToken, nil), http.StatusOK, "the person's other token")
}
