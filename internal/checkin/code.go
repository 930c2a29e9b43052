package checkin

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// stepOf is the number of the 30-second step t falls in, counted from the Unix epoch as
// TOTP does.
func stepOf(t time.Time) int64 { return t.Unix() / int64(Step/time.Second) }

// stepEnd is when step ends and the next code shows.
func stepEnd(step int64) time.Time {
	return time.Unix((step+1)*int64(Step/time.Second), 0).UTC()
}

// newSecret is a session's random secret, as stored: 32 bytes in hex.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// sessionKey binds a stored secret to the server's key and to its session, so that
// neither a database copy alone nor a secret copied into another session's row gives
// working codes.
func sessionKey(serverKey []byte, sessionID int64, secret string) []byte {
	m := hmac.New(sha256.New, serverKey)
	fmt.Fprintf(m, "traininghub check-in v1\x00%d\x00%s", sessionID, secret)
	return m.Sum(nil)
}

// code is the six-digit code for one step: HMAC-SHA256 of the step number, cut down by
// dynamic truncation (RFC 4226 section 5.3).
func code(key []byte, step int64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	m := hmac.New(sha256.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%0*d", Digits, bin%1_000_000)
}

// matches reports whether typed is the code of the step now falls in or of the step
// before (for a slow scan or a clock a little behind), nothing older. Both are compared
// in constant time, every time, so the answer's timing says nothing about the code.
func matches(key []byte, typed string, now time.Time) bool {
	step := stepOf(now)
	current := subtle.ConstantTimeCompare([]byte(code(key, step)), []byte(typed))
	previous := subtle.ConstantTimeCompare([]byte(code(key, step-1)), []byte(typed))
	return current|previous == 1
}

// NormaliseCode takes out the spaces and hyphens people type between digits; "" when
// what is left is not six digits.
func NormaliseCode(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if len(s) != Digits {
		return ""
	}
	if _, err := strconv.ParseUint(s, 10, 32); err != nil {
		return ""
	}
	return s
}
