package web

import (
	"net/netip"
	"sync"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
)

// Certificate lookups allowed per client address: codes carry 100 random bits, so this
// is a second fence, not the first, and it is generous enough for an employer checking a
// pile of certificates by hand.
const (
	verifyLimit  = 30
	verifyWindow = 10 * time.Minute
)

// lookupLimiter counts lookups per client address over a sliding window, in memory. IPv6
// addresses count per /64, the block one subscriber usually holds, so hopping between
// addresses in it does not buy more guesses.
type lookupLimiter struct {
	now       clock.Clock
	limit     int
	window    time.Duration
	mu        sync.Mutex
	seen      map[string][]time.Time // oldest first, at most limit entries
	lastSweep time.Time
}

func newLookupLimiter(now clock.Clock, limit int, window time.Duration) *lookupLimiter {
	return &lookupLimiter{now: now, limit: limit, window: window, seen: map[string][]time.Time{}}
}

// take records one lookup from address, or returns how long to wait when the address has
// used its allowance (nothing is recorded then).
func (l *lookupLimiter) take(address string) time.Duration {
	key := lookupKey(address)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	times := l.recent(l.seen[key], now)
	if len(times) >= l.limit {
		l.seen[key] = times
		return times[0].Add(l.window).Sub(now)
	}
	l.seen[key] = append(times, now)
	return 0
}

// recent drops the times that have left the window.
func (l *lookupLimiter) recent(times []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(times) && now.Sub(times[i]) >= l.window {
		i++
	}
	return times[i:]
}

// sweep forgets addresses with nothing left in the window, so memory stays bounded.
func (l *lookupLimiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < l.window {
		return
	}
	l.lastSweep = now
	for k, times := range l.seen {
		if len(l.recent(times, now)) == 0 {
			delete(l.seen, k)
		}
	}
}

// lookupKey is the client address, or its /64 for IPv6.
func lookupKey(address string) string {
	a, err := netip.ParseAddr(address)
	if err != nil || a.Is4() || a.Is4In6() {
		return address
	}
	p, err := a.Prefix(64)
	if err != nil {
		return address
	}
	return p.String()
}
