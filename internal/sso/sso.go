// Package sso signs people in through the partnership's OpenID Connect provider
// (Microsoft Entra ID, Google Workspace): it builds the redirect with state, nonce and a
// PKCE verifier, and accepts what comes back only when every check passes.
package sso

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Config is what the operator registers with the provider.
type Config struct {
	Issuer       string // e.g. https://login.microsoftonline.com/TENANT-ID/v2.0
	ClientID     string
	ClientSecret string
	RedirectURL  string // BASE_URL + /login/sso/callback
	// Timeout bounds each call to the provider (discovery, token, keys); 10 s when zero.
	Timeout time.Duration
}

// Sentinel errors: the pages map each to a plain message.
var (
	// ErrUnavailable: the provider could not be reached or answered strangely.
	ErrUnavailable = errors.New("sso: the sign-in provider is unavailable")
	// ErrRejected: the code or ID token did not pass a check (signature, issuer, audience,
	// expiry, nonce, PKCE).
	ErrRejected = errors.New("sso: the provider's answer was not accepted")
	// ErrNoEmail: the ID token carries no usable email address.
	ErrNoEmail = errors.New("sso: the ID token has no email address")
	// ErrEmailUnverified: the provider does not vouch for the address.
	ErrEmailUnverified = errors.New("sso: the email address is not verified")
)

// retryAfterFailure keeps a provider outage from holding every sign-in page for the
// whole timeout: after a failed discovery the next attempt waits this long.
const retryAfterFailure = 10 * time.Second

// Client talks to one provider. The discovery document is fetched on first use and kept,
// so serve starts (and password sign-in works) while the provider is down.
type Client struct {
	cfg  Config
	http *http.Client

	mu       sync.Mutex
	provider *oidc.Provider
	failedAt time.Time
}

// New returns a client, or nil when no issuer is configured (single sign-on is off).
func New(cfg Config) *Client {
	cfg.Issuer = strings.TrimSpace(cfg.Issuer)
	if cfg.Issuer == "" {
		return nil
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	return &Client{cfg: cfg, http: &http.Client{Timeout: cfg.Timeout}}
}

// Enabled reports whether single sign-on is configured.
func (c *Client) Enabled() bool { return c != nil }

// Issuer is the configured issuer URL.
func (c *Client) Issuer() string { return c.cfg.Issuer }

// discover fetches and caches the provider's discovery document.
func (c *Client) discover(ctx context.Context) (*oidc.Provider, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return c.provider, nil
	}
	if !c.failedAt.IsZero() && time.Since(c.failedAt) < retryAfterFailure {
		return nil, fmt.Errorf("%w: discovery failed moments ago", ErrUnavailable)
	}
	ctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, c.http), c.cfg.Timeout)
	defer cancel()
	p, err := oidc.NewProvider(ctx, c.cfg.Issuer)
	if err != nil {
		c.failedAt = time.Now()
		return nil, fmt.Errorf("%w: discovery: %v", ErrUnavailable, err)
	}
	c.provider = p
	return p, nil
}

func (c *Client) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     c.cfg.ClientID,
		ClientSecret: c.cfg.ClientSecret,
		RedirectURL:  c.cfg.RedirectURL,
		Endpoint:     p.Endpoint(),
		Scopes:       []string{oidc.ScopeOpenID, "email", "profile"},
	}
}

// Flow is the secret part of one sign-in attempt, kept server-side between the redirect
// to the provider and the callback.
type Flow struct {
	State    string
	Nonce    string
	Verifier string // PKCE code verifier; the provider gets its S256 challenge
}

// NewFlow makes fresh random values for one attempt.
func NewFlow() Flow {
	return Flow{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier()}
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// SameState compares a returned state with the stored one in constant time.
func SameState(stored, returned string) bool {
	return stored != "" && subtle.ConstantTimeCompare([]byte(stored), []byte(returned)) == 1
}

// AuthURL is the provider's sign-in address for f.
func (c *Client) AuthURL(ctx context.Context, f Flow) (string, error) {
	p, err := c.discover(ctx)
	if err != nil {
		return "", err
	}
	return c.oauth(p).AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), nil
}

// Identity is who the provider says signed in.
type Identity struct {
	Issuer  string
	Subject string
	Email   string // lower case, verified by the provider
	Name    string // may be empty
}

// Finish exchanges the code (with the PKCE verifier), verifies the ID token's signature,
// issuer, audience and expiry, checks its nonce against f, and requires a verified email.
func (c *Client) Finish(ctx context.Context, f Flow, code string) (Identity, error) {
	p, err := c.discover(ctx)
	if err != nil {
		return Identity{}, err
	}
	ctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, c.http), c.cfg.Timeout)
	defer cancel()
	tok, err := c.oauth(p).Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
			return Identity{}, fmt.Errorf("%w: token exchange: %v", ErrRejected, err)
		}
		return Identity{}, fmt.Errorf("%w: token exchange: %v", ErrUnavailable, err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return Identity{}, fmt.Errorf("%w: no id_token in the token response", ErrRejected)
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: c.cfg.ClientID}).Verify(ctx, raw)
	if err != nil {
		return Identity{}, fmt.Errorf("%w: id token: %v", ErrRejected, err)
	}
	if f.Nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return Identity{}, fmt.Errorf("%w: the nonce does not match", ErrRejected)
	}
	var claims struct {
		Email         string          `json:"email"`
		EmailVerified json.RawMessage `json:"email_verified"`
		DomainOwner   json.RawMessage `json:"xms_edov"` // Microsoft Entra ID, in place of email_verified
		Name          string          `json:"name"`
		GivenName     string          `json:"given_name"`
		FamilyName    string          `json:"family_name"`
	}
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, fmt.Errorf("%w: claims: %v", ErrRejected, err)
	}
	email := strings.ToLower(strings.TrimSpace(claims.Email))
	if email == "" || !strings.Contains(email, "@") {
		return Identity{}, ErrNoEmail
	}
	// Entra ID never sends email_verified for work accounts; its optional xms_edov claim
	// says the tenant owns the address's domain. It counts only when email_verified is
	// absent, never against an explicit false.
	if !verified(claims.EmailVerified) && (len(claims.EmailVerified) > 0 || !verified(claims.DomainOwner)) {
		return Identity{}, ErrEmailUnverified
	}
	name := claims.Name
	if strings.TrimSpace(name) == "" {
		name = claims.GivenName + " " + claims.FamilyName
	}
	return Identity{Issuer: idt.Issuer, Subject: idt.Subject, Email: email, Name: CleanName(name)}, nil
}

// verified accepts email_verified as the JSON true, or the string "true" that a few
// providers send; anything else, or no claim at all, is not verified.
func verified(raw json.RawMessage) bool {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b
	}
	var s string
	return json.Unmarshal(raw, &s) == nil && strings.EqualFold(s, "true")
}

// CleanName makes a provider's display name fit an account: one line, at most 200
// characters, spaces collapsed.
func CleanName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, name)
	name = strings.Join(strings.Fields(name), " ")
	for utf8.RuneCountInString(name) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return strings.TrimSpace(name)
}
