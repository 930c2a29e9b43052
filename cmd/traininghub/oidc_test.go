package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// The OIDC settings come from the environment like every other; a provider that cannot
// be reached does not stop serve starting, and the sign-in page offers the button.
func TestServeWithOIDCFromEnvironmentStartsWhileProviderIsDown(t *testing.T) {
	t.Setenv("TRAININGHUB_OIDC_ISSUER", "http://127.0.0.1:1/oidc")
	t.Setenv("TRAININGHUB_OIDC_CLIENT_ID", "training")
	t.Setenv("TRAININGHUB_OIDC_CLIENT_SECRET", "secret")
	srv := startServe(t, filepath.Join(t.TempDir(), "oidc.db"))
	defer srv.stop(t)

	status, body := oidcFetch(t, srv.base+"/login")
	if status != http.StatusOK || !strings.Contains(body, `href="/login/sso"`) {
		t.Errorf("sign-in page: %d, button missing:\n%.2000s", status, body)
	}
	if status, _ := oidcFetch(t, srv.base+"/login/sso"); status != http.StatusServiceUnavailable {
		t.Errorf("/login/sso with the provider down: %d, want 503", status)
	}
}

func TestOIDCSettingsErrors(t *testing.T) {
	cases := []struct {
		s    oidcSettings
		want string
	}{
		{oidcSettings{issuer: "login.example.org", clientID: "a", clientSecret: "b"}, "--oidc-issuer"},
		{oidcSettings{issuer: "ftp://login.example.org", clientID: "a", clientSecret: "b"}, "--oidc-issuer"},
		{oidcSettings{issuer: "https://login.example.org", clientSecret: "b"}, "--oidc-client-id"},
		{oidcSettings{issuer: "https://login.example.org", clientID: "a"}, "--oidc-client-secret"},
	}
	for _, c := range cases {
		if _, err := c.s.config(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error naming %s", c.s, err, c.want)
		}
	}
	if cfg, err := (oidcSettings{}).config(); err != nil || cfg.Issuer != "" {
		t.Errorf("no issuer: %+v %v, want single sign-on off", cfg, err)
	}
	cfg, err := oidcSettings{issuer: " https://accounts.google.com ", clientID: "a", clientSecret: "b"}.config()
	if err != nil || cfg.Issuer != "https://accounts.google.com" || cfg.ClientID != "a" || cfg.ClientSecret != "b" {
		t.Errorf("good settings: %+v %v", cfg, err)
	}
	t.Setenv("TRAININGHUB_OIDC_ISSUER", "https://login.example.org")
	if _, err := runCmd(t, "", "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "x.db")); err == nil || !strings.Contains(err.Error(), "--oidc-client-id") {
		t.Errorf("serve with an issuer and no client id: %v", err)
	}
}

func oidcFetch(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
