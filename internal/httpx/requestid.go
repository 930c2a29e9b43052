package httpx

import (
	"crypto/rand"

	"github.com/gin-gonic/gin"
)

// RequestIDHeader carries a request's reference, in and out.
const RequestIDHeader = "X-Request-Id"

const requestIDKey = "httpx.request_id"

// SetRequestID records the request's reference for the log and the error page.
func SetRequestID(c *gin.Context, id string) { c.Set(requestIDKey, id) }

// RequestID is the reference of the request c is serving ("" outside the middleware), so
// an error page can show what the log line says and someone who rings the training team
// can be found in the log.
func RequestID(c *gin.Context) string { return c.GetString(requestIDKey) }

// requestIDAlphabet leaves out letters easily misread over the phone (I, L, O, U).
const requestIDAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewRequestID makes a random 12-character reference (60 bits: unique enough to find
// one request in years of logs, short enough to read out).
func NewRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = requestIDAlphabet[b[i]%32]
	}
	return string(b[:])
}

// SaneRequestID reports whether an incoming X-Request-Id (from a proxy that already
// numbered the request) can be kept: 8 to 64 letters, digits, dots, dashes and
// underscores, so it cannot forge log lines or carry markup to the error page.
func SaneRequestID(s string) bool {
	if len(s) < 8 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= '0' && ch <= '9', ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch == '.', ch == '-', ch == '_':
		default:
			return false
		}
	}
	return true
}
