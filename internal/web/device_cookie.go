package web

import (
	"cmp"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
)

// Device cookies (OWASP's "slow down online guessing attacks with device cookies"): after
// the right password, the browser gets a cookie naming the account and a random nonce,
// signed with a server secret. A later attempt at that account from that browser is held
// back only by its own failures. Each account signed in on the browser has its own cookie
// (shared computers), sent only to the sign-in page.
const (
	deviceCookiePrefix = "th_device_"
	deviceCookiePath   = "/login"
	deviceCookieLife   = 365 * 24 * time.Hour
	maxDeviceCookies   = 10 // per browser; the oldest go first
)

// deviceCookies issues and checks device cookies.
type deviceCookies struct {
	key    []byte // account.Service.DeviceCookieKey
	secure bool   // the base URL is https
	now    clock.Clock
}

func (d *deviceCookies) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, d.key)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return m.Sum(nil)
}

// name is the cookie's name for an account: keyed, so the names in a browser do not say
// whose accounts were used there.
func (d *deviceCookies) name(email string) string {
	return deviceCookiePrefix + hex.EncodeToString(d.mac("name", account.NormaliseEmail(email))[:8])
}

// signature covers the account (id and address), the nonce, when the cookie was issued,
// and when the password last changed: a new password ends every device cookie.
func (d *deviceCookies) signature(u *account.User, nonce string, issued int64) string {
	changed := int64(0)
	if !u.PasswordChangedAt.IsZero() {
		changed = u.PasswordChangedAt.Unix()
	}
	return base64.RawURLEncoding.EncodeToString(d.mac("device-v1", strconv.FormatInt(u.ID, 10),
		account.NormaliseEmail(u.Email), nonce, strconv.FormatInt(issued, 10), strconv.FormatInt(changed, 10)))
}

// issue gives the browser a fresh device cookie for u (a new nonce each time, so the
// failures of the old one no longer matter), dropping its oldest device cookies beyond
// maxDeviceCookies.
func (d *deviceCookies) issue(c *gin.Context, u *account.User) {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	nonce := base64.RawURLEncoding.EncodeToString(b)
	issued := d.now().Unix()
	name := d.name(u.Email)
	value := fmt.Sprintf("%d.%s.%d.%s", u.ID, nonce, issued, d.signature(u, nonce, issued))
	d.set(c, name, value, int(deviceCookieLife/time.Second))

	type held struct {
		name   string
		issued int64
	}
	var others []held
	for _, ck := range c.Request.Cookies() {
		if strings.HasPrefix(ck.Name, deviceCookiePrefix) && ck.Name != name {
			_, _, at, _, _ := parseDeviceCookie(ck.Value)
			others = append(others, held{ck.Name, at})
		}
	}
	if len(others) < maxDeviceCookies {
		return
	}
	slices.SortFunc(others, func(a, b held) int { return cmp.Compare(b.issued, a.issued) }) // newest first
	for _, o := range others[maxDeviceCookies-1:] {
		d.set(c, o.name, "", -1)
	}
}

func (d *deviceCookies) set(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: deviceCookiePath, MaxAge: maxAge,
		HttpOnly: true, Secure: d.secure, SameSite: http.SameSiteLaxMode})
}

func parseDeviceCookie(v string) (userID int64, nonce string, issued int64, sig string, ok bool) {
	parts := strings.Split(v, ".")
	if len(parts) != 4 {
		return 0, "", 0, "", false
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	at, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || parts[1] == "" || len(parts[1]) > 64 {
		return 0, "", 0, "", false
	}
	return id, parts[1], at, parts[3], true
}

// present reports whether the browser sent a device cookie under email's name; only then
// is the account worth loading to check it.
func (d *deviceCookies) present(c *gin.Context, email string) (string, bool) {
	ck, err := c.Request.Cookie(d.name(email))
	if err != nil {
		return "", false
	}
	return ck.Value, true
}

// trusted returns the nonce of value if it is a valid, unexpired device cookie for u, or "".
func (d *deviceCookies) trusted(value string, u *account.User) string {
	id, nonce, issued, sig, ok := parseDeviceCookie(value)
	if !ok || u == nil || !u.Active || id != u.ID {
		return ""
	}
	age := d.now().Sub(time.Unix(issued, 0))
	if age < -time.Minute || age > deviceCookieLife {
		return ""
	}
	if !hmac.Equal([]byte(sig), []byte(d.signature(u, nonce, issued))) {
		return ""
	}
	return nonce
}
