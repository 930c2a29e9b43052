package httpx

import (
	"net/netip"
	"sync"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
)

// GuessLimiter slows down anyone guessing secret codes (certificate verification codes):
// it counts wrong guesses per client address over a sliding window, in memory, shared by
// the pages and the API. Right answers are not counted, so an employer checking a pile of
// genuine certificates is never held up. IPv6 addresses count per /64, the block one
// subscriber usually holds.
type GuessLimiter struct {
	now       clock.Clock
	limit     int
	window    time.Duration
	mu        sync.Mutex
	misses    map[string][]time.Time // oldest first, at most limit entries
	lastSweep time.Time
}

// NewGuessLimiter allows limit wrong guesses per address per window.
func NewGuessLimiter(now clock.Clock, limit int, window time.Duration) *GuessLimiter {
	return &GuessLimiter{now: now, limit: limit, window: window, misses: map[string][]time.Time{}}
}

// Wait is how long address must wait before guessing again; zero: go ahead.
func (l *GuessLimiter) Wait(address string) time.Duration {
	key := addressKey(address)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	times := l.recent(l.misses[key], now)
	l.misses[key] = times
	if len(times) >= l.limit {
		return times[0].Add(l.window).Sub(now)
	}
	return 0
}

// Miss records a wrong guess from address.
func (l *GuessLimiter) Miss(address string) {
	key := addressKey(address)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	times := append(l.recent(l.misses[key], now), now)
	if len(times) > l.limit {
		times = times[len(times)-l.limit:]
	}
	l.misses[key] = times
}

// recent drops the times that have left the window.
func (l *GuessLimiter) recent(times []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(times) && now.Sub(times[i]) >= l.window {
		i++
	}
	return times[i:]
}

// sweep forgets addresses with nothing left in the window, so memory stays bounded.
func (l *GuessLimiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < l.window {
		return
	}
	l.lastSweep = now
	for k, times := range l.misses {
		if len(l.recent(times, now)) == 0 {
			delete(l.misses, k)
		}
	}
}

// addressKey is the client address, or its /64 for IPv6.
func addressKey(address string) string {
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
