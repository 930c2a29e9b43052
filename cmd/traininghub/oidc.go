package main

import (
	"errors"
	"flag"
	"net/url"
	"strings"

	"github.com/traininghub/traininghub/internal/sso"
)

// oidcSettings are the single sign-on flags (TRAININGHUB_OIDC_ISSUER and so on).
type oidcSettings struct{ issuer, clientID, clientSecret string }

func (o *oidcSettings) register(fs *flag.FlagSet) {
	fs.StringVar(&o.issuer, "oidc-issuer", "", "OpenID Connect issuer URL for single sign-on, e.g. https://login.microsoftonline.com/TENANT-ID/v2.0; empty: single sign-on is off")
	fs.StringVar(&o.clientID, "oidc-client-id", "", "client (application) id registered with the OpenID Connect provider")
	fs.StringVar(&o.clientSecret, "oidc-client-secret", "", "client secret registered with the OpenID Connect provider")
}

// config checks the settings; the provider itself is contacted only when someone first
// uses single sign-on, so an outage there never stops the service starting.
func (o oidcSettings) config() (sso.Config, error) {
	issuer := strings.TrimSpace(o.issuer)
	if issuer == "" {
		return sso.Config{}, nil
	}
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return sso.Config{}, errors.New("--oidc-issuer: enter the provider's issuer URL, like https://accounts.google.com")
	}
	if strings.TrimSpace(o.clientID) == "" {
		return sso.Config{}, errors.New("--oidc-client-id is needed with --oidc-issuer")
	}
	if o.clientSecret == "" {
		return sso.Config{}, errors.New("--oidc-client-secret is needed with --oidc-issuer")
	}
	return sso.Config{Issuer: issuer, ClientID: strings.TrimSpace(o.clientID), ClientSecret: o.clientSecret}, nil
}
