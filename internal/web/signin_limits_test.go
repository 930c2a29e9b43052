package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/server"
	"github.com/traininghub/traininghub/internal/testkit"
)

// signinRig runs the real server behind a trusted proxy (127.0.0.1), so a test can sign in
// "from" any client address with X-Forwarded-For, over a database file it can restart on.
type signinRig struct {
	t       *testing.T
	env     *testkit.Env
	baseURL string
	url     string
	stop    func()
	org     account.Organisation
}

func newSigninRig(t *testing.T, baseURL string) *signinRig {
	t.Helper()
	r := &signinRig{t: t, env: testkit.New(t), baseURL: baseURL}
	r.start()
	r.org = r.env.Org(t, "Royal United Hospitals Bath", account.Health)
	return r
}

func (r *signinRig) start() {
	r.t.Helper()
	e := r.env
	app, err := server.New(server.Config{BaseURL: r.baseURL, TrustedProxies: []string{"127.0.0.1"}}, server.Deps{
		DB: e.DB, Accounts: e.Accounts, Courses: e.Courses, Bookings: booking.NewService(e.DB, e.Clock.Now),
		Now: e.Clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		r.t.Fatalf("server.New: %v", err)
	}
	ts := httptest.NewServer(app.Handler)
	r.t.Cleanup(ts.Close)
	r.url, r.stop = ts.URL, ts.Close
}

// restart stops the server, closes its database and starts a new process's worth of both
// over the same file (the clock carries on).
func (r *signinRig) restart() {
	r.t.Helper()
	r.stop()
	if err := r.env.DB.Close(); err != nil {
		r.t.Fatal(err)
	}
	db := testkit.DBAt(r.t, r.env.Path)
	clk := r.env.Clock
	r.env = &testkit.Env{Path: r.env.Path, DB: db, Clock: clk,
		Accounts: testkit.Accounts(r.t, db, clk.Now),
		Courses:  course.NewService(db, clk.Now)}
	r.start()
}

func (r *signinRig) user(email string) *account.User {
	return r.env.User(r.t, email, r.org.ID, account.Practitioner)
}

// anyBrowser is a new browser with an empty cookie jar that does not follow redirects.
func anyBrowser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

type attempt struct {
	Status     int
	RetryAfter int // seconds; 0 when absent
	Body       string
	Cookies    []*http.Cookie
}

// login posts the sign-in form from the client address from.
func (r *signinRig) login(c *http.Client, from, email, password string) attempt {
	r.t.Helper()
	form := url.Values{"email": {email}, "password": {password}}
	req, _ := http.NewRequest(http.MethodPost, r.url+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", from)
	resp, err := c.Do(req)
	if err != nil {
		r.t.Fatalf("sign in: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := attempt{Status: resp.StatusCode, Body: string(b), Cookies: resp.Cookies()}
	if v := resp.Header.Get("Retry-After"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			r.t.Fatalf("Retry-After %q is not a positive number of seconds", v)
		}
		a.RetryAfter = n
	}
	if a.Status == http.StatusTooManyRequests && a.RetryAfter == 0 {
		r.t.Fatal("429 without Retry-After")
	}
	return a
}

// fail makes one failed attempt from an unknown browser at from, waiting out any 429.
func (r *signinRig) fail(from, email string) {
	r.t.Helper()
	for range 100 {
		a := r.login(anyBrowser(), from, email, "not the password")
		switch a.Status {
		case http.StatusUnauthorized:
			return
		case http.StatusTooManyRequests:
			r.env.Clock.Advance(time.Duration(a.RetryAfter) * time.Second)
		default:
			r.t.Fatalf("failed attempt from %s at %s: %d", from, email, a.Status)
		}
	}
	r.t.Fatal("never got to make the attempt")
}

// knownBrowser signs in once from `from`, as the owner, so the browser holds a device cookie.
func (r *signinRig) knownBrowser(from, email string) *http.Client {
	r.t.Helper()
	c := anyBrowser()
	if a := r.login(c, from, email, testkit.Password); a.Status != http.StatusSeeOther {
		r.t.Fatalf("first sign-in as %s: %d", email, a.Status)
	}
	return c
}

func deviceCookie(t *testing.T, cookies []*http.Cookie) *http.Cookie {
	t.Helper()
	for _, ck := range cookies {
		if strings.HasPrefix(ck.Name, "th_device_") && ck.MaxAge > 0 {
			return ck
		}
	}
	t.Fatalf("no device cookie set among %v", cookies)
	return nil
}

const hospital = "192.0.2.10" // one address shared by a whole hospital

// TestFiftyFailuresFromASharedAddressDoNotStopAColleaguesKnownDevice: fifty wrong passwords
// from a hospital's one address (some at the colleague's own account) still let her sign
// in at once from the browser she used before, and hold back unknown browsers there for a
// while, but not browsers elsewhere.
func TestFiftyFailuresFromASharedAddressDoNotStopAColleaguesKnownDevice(t *testing.T) {
	r := newSigninRig(t, "")
	r.user("cara@example.org")
	r.user("dev@example.org")

	c := anyBrowser()
	first := r.login(c, hospital, "cara@example.org", testkit.Password)
	if first.Status != http.StatusSeeOther {
		t.Fatalf("first sign-in: %d", first.Status)
	}
	ck := deviceCookie(t, first.Cookies)
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/login" || ck.MaxAge < 300*24*3600 {
		t.Errorf("device cookie: HttpOnly %v, SameSite %v, Secure %v (http base URL), Path %q, Max-Age %d",
			ck.HttpOnly, ck.SameSite, ck.Secure, ck.Path, ck.MaxAge)
	}
	if strings.Contains(ck.Value, "cara") || strings.Contains(ck.Name, "cara") {
		t.Errorf("the device cookie shows the email address: %s=%s", ck.Name, ck.Value)
	}

	for i := range 50 {
		email := "guess" + strconv.Itoa(i) + "@example.org"
		if i%5 == 0 {
			email = "cara@example.org"
		}
		r.fail(hospital, email)
	}

	if a := r.login(c, hospital, "cara@example.org", testkit.Password); a.Status != http.StatusSeeOther {
		t.Fatalf("the colleague on her known browser was held back: %d (Retry-After %d)", a.Status, a.RetryAfter)
	}
	unknown := r.login(anyBrowser(), hospital, "dev@example.org", testkit.Password)
	if unknown.Status != http.StatusTooManyRequests {
		t.Fatalf("an unknown browser at the same address after 50 failures: %d, want 429", unknown.Status)
	}
	mustContain(t, unknown.Body, "Too many attempts. Wait ")
	if a := r.login(anyBrowser(), "198.51.100.20", "dev@example.org", testkit.Password); a.Status != http.StatusSeeOther {
		t.Errorf("a browser at another address was held back: %d", a.Status)
	}
	// For a while, not for ever.
	r.env.Clock.Advance(2 * time.Hour)
	if a := r.login(anyBrowser(), hospital, "dev@example.org", testkit.Password); a.Status != http.StatusSeeOther {
		t.Errorf("two hours later, an unknown browser at the hospital: %d (Retry-After %d)", a.Status, a.RetryAfter)
	}
}

// TestOneAccountGuessedFromEightAddressesIsSlowed: forty guesses at one account spread over
// eight addresses (IPv4 and IPv6 in different /64s) meet growing waits, up to fifteen
// minutes, while the owner signs in at once from her known browser.
func TestOneAccountGuessedFromEightAddressesIsSlowed(t *testing.T) {
	r := newSigninRig(t, "")
	r.user("mo@example.org")
	owner := r.knownBrowser("203.0.113.50", "mo@example.org")

	addresses := []string{"198.51.100.1", "198.51.100.2", "203.0.113.7", "192.0.2.99",
		"2001:db8:1:1::5", "2001:db8:1:2::5", "2001:db8:2:1::9", "2001:db8:3::1"}
	var waits []int
	for i := range 40 {
		from := addresses[i%len(addresses)]
		for {
			a := r.login(anyBrowser(), from, "mo@example.org", "guess "+strconv.Itoa(i))
			if a.Status == http.StatusUnauthorized {
				break
			}
			if a.Status != http.StatusTooManyRequests {
				t.Fatalf("guess %d: %d", i+1, a.Status)
			}
			waits = append(waits, a.RetryAfter)
			r.env.Clock.Advance(time.Duration(a.RetryAfter) * time.Second)
		}
		if i == 4 && len(waits) != 0 {
			t.Fatalf("the first five guesses were held back: %v", waits)
		}
		if i == 20 {
			if a := r.login(owner, "203.0.113.50", "mo@example.org", testkit.Password); a.Status != http.StatusSeeOther {
				t.Fatalf("the owner on her known browser, mid-attack: %d", a.Status)
			}
		}
	}
	if len(waits) < 30 {
		t.Fatalf("only %d of 35 guesses were held back: %v", len(waits), waits)
	}
	for i := 1; i < len(waits); i++ {
		if waits[i] < waits[i-1] {
			t.Fatalf("the wait shrank while guessing went on: %v", waits)
		}
	}
	if waits[0] > 2 || waits[len(waits)-1] != 900 {
		t.Errorf("waits should start at a second or two and grow to 15 minutes: %v", waits)
	}
	// Still guessing: the next one waits too, and the owner still signs in at once.
	if a := r.login(anyBrowser(), addresses[0], "mo@example.org", "one more guess"); a.Status != http.StatusTooManyRequests {
		t.Errorf("a 41st guess straight away: %d", a.Status)
	}
	if a := r.login(owner, "203.0.113.50", "mo@example.org", testkit.Password); a.Status != http.StatusSeeOther {
		t.Errorf("the owner on her known browser: %d", a.Status)
	}
}

// TestSigninLimitsSurviveARestart: a new server process over the same database file keeps
// both the limits and the key that signs device cookies.
func TestSigninLimitsSurviveARestart(t *testing.T) {
	r := newSigninRig(t, "")
	r.user("kim@example.org")
	known := r.knownBrowser("198.51.100.7", "kim@example.org")
	for range 8 {
		r.fail("203.0.113.9", "kim@example.org")
	}
	before := r.login(anyBrowser(), "198.51.100.8", "kim@example.org", testkit.Password)
	if before.Status != http.StatusTooManyRequests {
		t.Fatalf("before the restart: %d, want 429", before.Status)
	}

	r.restart()
	after := r.login(anyBrowser(), "198.51.100.8", "kim@example.org", testkit.Password)
	if after.Status != http.StatusTooManyRequests || after.RetryAfter != before.RetryAfter {
		t.Fatalf("after a restart: %d Retry-After %d, want 429 Retry-After %d", after.Status, after.RetryAfter, before.RetryAfter)
	}
	if a := r.login(known, "198.51.100.7", "kim@example.org", testkit.Password); a.Status != http.StatusSeeOther {
		t.Fatalf("the known browser after a restart: %d", a.Status)
	}
}

// TestForgedOrOtherAccountDeviceCookieGivesNoTrust: only a device cookie signed by the
// server, for the account being signed in to, under the current password, lets an attempt
// past that account's limit.
func TestForgedOrOtherAccountDeviceCookieGivesNoTrust(t *testing.T) {
	r := newSigninRig(t, "")
	pat := r.user("pat@example.org")
	r.user("mallory@example.org")
	victimFirst := r.login(anyBrowser(), "198.51.100.1", "pat@example.org", testkit.Password)
	victim := deviceCookie(t, victimFirst.Cookies)
	mallory := deviceCookie(t, r.login(anyBrowser(), "203.0.113.66", "mallory@example.org", testkit.Password).Cookies)
	for range 6 {
		r.fail("203.0.113.66", "pat@example.org")
	}

	u, _ := url.Parse(r.url)
	try := func(name, value string) attempt {
		t.Helper()
		c := anyBrowser()
		c.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/login"}})
		return r.login(c, "198.51.100.99", "pat@example.org", testkit.Password)
	}
	parts := strings.Split(victim.Value, ".")
	if len(parts) != 4 {
		t.Fatalf("device cookie value %q: want id.nonce.issued.signature", victim.Value)
	}
	tampered := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, ".")
	}
	for _, tc := range []struct{ what, name, value string }{
		{"mallory's own cookie, for signing in as pat", mallory.Name, mallory.Value},
		{"mallory's cookie value under pat's cookie name", victim.Name, mallory.Value},
		{"pat's cookie with another nonce", victim.Name, tampered(1, "AAAAAAAAAAAAAAAAAAAAAA")},
		{"pat's cookie with another account id", victim.Name, tampered(0, strconv.FormatInt(pat.ID+1, 10))},
		{"pat's cookie issued later than signed", victim.Name, tampered(2, "9999999999")},
		{"pat's cookie with a made-up signature", victim.Name, tampered(3, "forged")},
		{"garbage", victim.Name, "not-a-device-cookie"},
	} {
		if a := try(tc.name, tc.value); a.Status != http.StatusTooManyRequests {
			t.Errorf("%s: %d, want 429", tc.what, a.Status)
		}
	}
	// The genuine cookie works, so the cases above failed for the right reason.
	if a := try(victim.Name, victim.Value); a.Status != http.StatusSeeOther {
		t.Fatalf("pat's genuine device cookie: %d", a.Status)
	}
	// A new password ends every device cookie for the account.
	if err := r.env.Accounts.SetPassword(context.Background(), pat.ID, "a brand new passphrase"); err != nil {
		t.Fatal(err)
	}
	r.env.Clock.Advance(time.Second)
	for range 6 {
		r.fail("203.0.113.66", "pat@example.org")
	}
	c := anyBrowser()
	c.Jar.SetCookies(u, []*http.Cookie{{Name: victim.Name, Value: victim.Value, Path: "/login"}})
	if a := r.login(c, "198.51.100.99", "pat@example.org", "a brand new passphrase"); a.Status != http.StatusTooManyRequests {
		t.Errorf("a device cookie from before the password change: %d, want 429", a.Status)
	}
}

// TestKnownDeviceFailuresCountOnlyAgainstThatDevice: wrong passwords typed on a known
// browser slow that browser down, not the account elsewhere; the right password on it
// afterwards starts it afresh.
func TestKnownDeviceFailuresCountOnlyAgainstThatDevice(t *testing.T) {
	r := newSigninRig(t, "")
	r.user("lee@example.org")
	known := r.knownBrowser("198.51.100.3", "lee@example.org")
	for i := range 5 {
		if a := r.login(known, "198.51.100.3", "lee@example.org", "wrong"); a.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d on the known browser: %d", i+1, a.Status)
		}
	}
	if a := r.login(known, "198.51.100.3", "lee@example.org", testkit.Password); a.Status != http.StatusTooManyRequests {
		t.Fatalf("the known browser after five failures: %d, want 429", a.Status)
	}
	if a := r.login(anyBrowser(), "198.51.100.3", "lee@example.org", testkit.Password); a.Status != http.StatusSeeOther {
		t.Fatalf("another browser at the same address: %d, want 303", a.Status)
	}
	r.env.Clock.Advance(2 * time.Second)
	if a := r.login(known, "198.51.100.3", "lee@example.org", testkit.Password); a.Status != http.StatusSeeOther {
		t.Fatalf("the known browser after its wait: %d", a.Status)
	}
}

// TestDeviceCookieSecureWhenTheBaseURLIsHTTPS: the cookie only travels over https when the
// site is served over https.
func TestDeviceCookieSecureWhenTheBaseURLIsHTTPS(t *testing.T) {
	r := newSigninRig(t, "https://training.example.org")
	r.user("sam@example.org")
	a := r.login(anyBrowser(), "198.51.100.4", "sam@example.org", testkit.Password)
	if a.Status != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", a.Status)
	}
	// The test client speaks plain http, so read the header rather than the jar.
	if ck := deviceCookie(t, a.Cookies); !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Errorf("device cookie with an https base URL: Secure %v HttpOnly %v SameSite %v", ck.Secure, ck.HttpOnly, ck.SameSite)
	}
}

// TestIPv6AddressesCountedPerSlash64: failures from many addresses in one /64 add up, as
// one household or office holds a whole /64; the next /64 is someone else.
func TestIPv6AddressesCountedPerSlash64(t *testing.T) {
	r := newSigninRig(t, "")
	r.user("ana@example.org")
	for i := range 30 {
		r.fail("2001:db8:7:7::"+strconv.FormatInt(int64(i+1), 16), "spray"+strconv.Itoa(i)+"@example.org")
	}
	if a := r.login(anyBrowser(), "2001:db8:7:7:ffff::1", "ana@example.org", testkit.Password); a.Status != http.StatusTooManyRequests {
		t.Errorf("another address in the same /64 after 30 failures: %d, want 429", a.Status)
	}
	if a := r.login(anyBrowser(), "2001:db8:7:8::1", "ana@example.org", testkit.Password); a.Status != http.StatusSeeOther {
		t.Errorf("an address in the next /64: %d, want 303", a.Status)
	}
}

// TestSharedComputerKeepsTheNewestDeviceCookies: each account signed in on one browser has
// its own device cookie, up to ten; the oldest goes first.
func TestSharedComputerKeepsTheNewestDeviceCookies(t *testing.T) {
	r := newSigninRig(t, "")
	c := anyBrowser()
	var names []string
	for i := range 11 {
		email := "nurse" + strconv.Itoa(i) + "@example.org"
		r.user(email)
		a := r.login(c, hospital, email, testkit.Password)
		if a.Status != http.StatusSeeOther {
			t.Fatalf("sign-in %d: %d", i, a.Status)
		}
		names = append(names, deviceCookie(t, a.Cookies).Name)
		r.env.Clock.Advance(time.Minute)
	}
	u, _ := url.Parse(r.url + "/login")
	held := map[string]bool{}
	for _, ck := range c.Jar.Cookies(u) {
		if strings.HasPrefix(ck.Name, "th_device_") {
			held[ck.Name] = true
		}
	}
	if len(held) != 10 || held[names[0]] || !held[names[1]] || !held[names[10]] {
		t.Errorf("the browser holds %d device cookies (first %v, second %v, newest %v); want the newest ten",
			len(held), held[names[0]], held[names[1]], held[names[10]])
	}
}
