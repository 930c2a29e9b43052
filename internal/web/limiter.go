package web

import (
	"sync"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
)

// Login throttling settings. Per account and client address: after accountThreshold
// failures within window, each further attempt from that address must wait, starting at
// firstWait and doubling up to maxWait, so guessing is slow but nobody is ever locked out
// for good. The account is counted per address so that someone elsewhere typing wrong
// passwords on purpose cannot lock its owner out. Per address: at most ipLimit failures
// within window, whichever accounts they were for, which bounds spraying from one place.
const (
	accountThreshold = 5
	ipLimit          = 50
	window           = 15 * time.Minute
	firstWait        = time.Minute
	maxWait          = 15 * time.Minute
	levelMemory      = 24 * time.Hour // how long repeated limiting keeps the wait long
	sweepEvery       = 5 * time.Minute
)

// strikes is what the limiter remembers about one account or one address.
type strikes struct {
	fails    []time.Time // failures within window, oldest first
	inflight int         // attempts being checked right now
	level    int         // times this key was limited recently; doubles the wait
	until    time.Time   // no attempt before this
	last     time.Time   // latest failure
}

func (s *strikes) prune(now time.Time) {
	i := 0
	for i < len(s.fails) && now.Sub(s.fails[i]) >= window {
		i++
	}
	s.fails = s.fails[i:]
}

// loginLimiter slows password guessing per account (email) from each client address, and
// per client address, in memory. Attempts reserve a slot before the password is checked, so a burst of
// parallel requests cannot slip past the count.
type loginLimiter struct {
	now       clock.Clock
	mu        sync.Mutex
	accounts  map[string]*strikes // keyed by pairKey(account, address)
	addresses map[string]*strikes
	lastSweep time.Time
}

func newLoginLimiter(now clock.Clock) *loginLimiter {
	return &loginLimiter{now: now, accounts: map[string]*strikes{}, addresses: map[string]*strikes{}}
}

// pairKey names one account as tried from one address.
func pairKey(account, address string) string { return account + "\x00" + address }

func get(m map[string]*strikes, key string) *strikes {
	s, ok := m[key]
	if !ok {
		s = &strikes{}
		m[key] = s
	}
	return s
}

// begin asks to check a password for account from address. It returns how long to wait
// (zero: go ahead, and call end afterwards).
func (l *loginLimiter) begin(account, address string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	a, ip := get(l.accounts, pairKey(account, address)), get(l.addresses, address)
	a.prune(now)
	ip.prune(now)

	var wait time.Duration
	if now.Before(a.until) {
		wait = a.until.Sub(now)
	} else if a.inflight >= max(1, accountThreshold-len(a.fails)) {
		wait = firstWait
	}
	if n := len(ip.fails); n+ip.inflight >= ipLimit {
		w := firstWait
		if n > 0 && n >= ipLimit {
			w = ip.fails[n-ipLimit].Add(window).Sub(now)
		}
		wait = max(wait, w)
	}
	if wait > 0 {
		return wait
	}
	a.inflight++
	ip.inflight++
	return 0
}

// end records the outcome of an attempt that begin allowed.
func (l *loginLimiter) end(account, address string, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	a, ip := get(l.accounts, pairKey(account, address)), get(l.addresses, address)
	a.inflight = max(0, a.inflight-1)
	ip.inflight = max(0, ip.inflight-1)
	if ok {
		// The password was right: the account's strikes are forgiven. The address's are
		// not, or one known account would reset the count for guessing at others.
		delete(l.accounts, pairKey(account, address))
		return
	}
	a.prune(now)
	ip.prune(now)
	if now.Sub(a.last) >= levelMemory {
		a.level = 0
	}
	a.fails = append(a.fails, now)
	a.last = now
	if len(a.fails) >= accountThreshold {
		a.until = now.Add(waitFor(a.level))
		a.level++
	}
	ip.fails = append(ip.fails, now)
	ip.last = now
	if len(ip.fails) > ipLimit { // keep memory bounded; only the newest ipLimit matter
		ip.fails = ip.fails[len(ip.fails)-ipLimit:]
	}
}

// release gives back the slot of an attempt that ended without an answer (for example,
// the database was busy), counting it neither way.
func (l *loginLimiter) release(account, address string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, ip := get(l.accounts, pairKey(account, address)), get(l.addresses, address)
	a.inflight = max(0, a.inflight-1)
	ip.inflight = max(0, ip.inflight-1)
}

// waitFor is firstWait doubled per level, at most maxWait.
func waitFor(level int) time.Duration {
	w := firstWait
	for range min(level, 10) {
		w *= 2
	}
	return min(w, maxWait)
}

// sweep forgets keys with nothing left to remember, so memory stays bounded.
func (l *loginLimiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < sweepEvery {
		return
	}
	l.lastSweep = now
	for _, m := range []map[string]*strikes{l.accounts, l.addresses} {
		for k, s := range m {
			s.prune(now)
			if s.inflight == 0 && len(s.fails) == 0 && !now.Before(s.until) &&
				(s.level == 0 || now.Sub(s.last) >= levelMemory) {
				delete(m, k)
			}
		}
	}
}
