package calendar

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// NewUID makes an event UID: 128 random bits in hex, "@", and the site's host name, so it
// is globally unique (RFC 5545 §3.8.4.7) and carries no personal data. Store it on the
// booking: every update and the cancellation must repeat it.
func NewUID(host string) string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:]) + "@" + uidHost(host)
}

// uidHost keeps the characters a host name may have, dropping a port or anything else.
func uidHost(host string) string {
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	host = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return -1
	}, host)
	host = strings.Trim(host, ".-")
	if host == "" {
		return "traininghub"
	}
	return host
}
