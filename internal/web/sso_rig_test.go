package web_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/server"
	"github.com/traininghub/traininghub/internal/sso"
	"github.com/traininghub/traininghub/internal/testkit"
)

// ssoRig is the application and a real OpenID Connect provider (mockoidc), both serving
// HTTP on 127.0.0.1, so tests go through the whole redirect dance.
type ssoRig struct {
	*testkit.Env
	URL  string // the application
	OIDC *mockoidc.MockOIDC
	seen *providerLog
}

// providerLog records what the provider was asked, and can forge the nonce the
// application sent, as a man in the middle replaying another sign-in would.
type providerLog struct {
	mu            sync.Mutex
	authorize     []url.Values // query of each authorization request
	tokenRequests []url.Values // form of each token request
	discoveries   int          // fetches of the discovery document
	forgeNonce    string
}

func (l *providerLog) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		switch r.URL.Path {
		case mockoidc.AuthorizationEndpoint:
			q := r.URL.Query()
			l.authorize = append(l.authorize, q)
			if l.forgeNonce != "" {
				q.Set("nonce", l.forgeNonce)
				r.URL.RawQuery = q.Encode()
			}
		case mockoidc.DiscoveryEndpoint:
			l.discoveries++
		case mockoidc.TokenEndpoint:
			_ = r.ParseForm()
			l.tokenRequests = append(l.tokenRequests, r.PostForm)
		}
		l.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (l *providerLog) lastAuthorize() url.Values {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.authorize) == 0 {
		return nil
	}
	return l.authorize[len(l.authorize)-1]
}

func (l *providerLog) lastToken() url.Values {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.tokenRequests) == 0 {
		return nil
	}
	return l.tokenRequests[len(l.tokenRequests)-1]
}

func (l *providerLog) discoveryCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.discoveries
}

func (l *providerLog) forge(nonce string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forgeNonce = nonce
}

// newSSORig starts mockoidc and the application configured to use it. issuer, when not
// empty, replaces mockoidc's (to simulate a provider that is down).
func newSSORig(t *testing.T, issuer string) *ssoRig {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := &providerLog{}
	if err := m.AddMiddleware(seen.middleware); err != nil {
		t.Fatal(err)
	}
	pln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(pln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	if issuer == "" {
		issuer = m.Issuer()
	}

	env := testkit.New(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.Default()
	}
	app, err := server.New(server.Config{SiteName: "Test Partnership training", BaseURL: base,
		OIDC: sso.Config{Issuer: issuer, ClientID: m.ClientID, ClientSecret: m.ClientSecret}},
		server.Deps{DB: env.DB, Accounts: env.Accounts, Courses: env.Courses,
			Bookings: booking.NewService(env.DB, env.Clock.Now), Now: env.Clock.Now, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.HTTPServer("", app.Handler)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return &ssoRig{Env: env, URL: base, OIDC: m, seen: seen}
}

// browser follows redirects between the application and the provider, keeping cookies.
type browser struct {
	*http.Client
	hops []*url.URL // every address redirected to, in order
}

func newBrowser() *browser {
	jar, _ := cookiejar.New(nil)
	b := &browser{}
	b.Client = &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		b.hops = append(b.hops, req.URL)
		if len(via) > 10 {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return b
}

// landing is where a dance ended.
type landing struct {
	Status int
	Path   string
	Body   string
}

func (b *browser) get(t *testing.T, u string) landing {
	t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return landing{Status: resp.StatusCode, Path: resp.Request.URL.Path, Body: string(body)}
}

func (b *browser) post(t *testing.T, u string, form url.Values) landing {
	t.Helper()
	resp, err := b.PostForm(u, form)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return landing{Status: resp.StatusCode, Path: resp.Request.URL.Path, Body: string(body)}
}

// callbackURL is the provider's redirect back to the application in the last dance.
func (b *browser) callbackURL(t *testing.T) string {
	t.Helper()
	for i := len(b.hops) - 1; i >= 0; i-- {
		if b.hops[i].Path == "/login/sso/callback" {
			return b.hops[i].String()
		}
	}
	t.Fatalf("no callback among the redirects %v", b.hops)
	return ""
}

// signIn goes from the application's single sign-on link through the provider and back.
func (r *ssoRig) signIn(t *testing.T, b *browser, user mockoidc.User, next string) landing {
	t.Helper()
	r.OIDC.QueueUser(user)
	u := r.URL + "/login/sso"
	if next != "" {
		u += "?next=" + url.QueryEscape(next)
	}
	return b.get(t, u)
}

// signedIn reports whether the browser holds a signed-in session: My training opens
// instead of sending it to the sign-in page.
func (r *ssoRig) signedIn(t *testing.T, b *browser) bool {
	t.Helper()
	resp, err := b.Client.Get(r.URL + "/my/training")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.Request.URL.Path == "/my/training" && resp.StatusCode == http.StatusOK
}

// idUser is a provider account with the claims these tests need (mockoidc's own user has
// no name and leaves email_verified out when false).
type idUser struct {
	Sub      string
	Email    string
	Name     string
	Verified any // true, false, "true" or nil (claim absent)
	Edov     any // Entra ID's xms_edov claim; nil: absent
}

func (u idUser) ID() string { return u.Sub }

func (u idUser) Userinfo([]string) ([]byte, error) {
	return json.Marshal(map[string]any{"sub": u.Sub, "email": u.Email, "name": u.Name})
}

type idClaims struct {
	*mockoidc.IDTokenClaims
	Email    string `json:"email,omitempty"`
	Verified any    `json:"email_verified,omitempty"`
	Name     string `json:"name,omitempty"`
	Edov     any    `json:"xms_edov,omitempty"`
}

func (u idUser) Claims(scopes []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	c := &idClaims{IDTokenClaims: base, Name: u.Name, Edov: u.Edov}
	if strings.Contains(" "+strings.Join(scopes, " ")+" ", " email ") {
		c.Email, c.Verified = u.Email, u.Verified
	}
	return c, nil
}
