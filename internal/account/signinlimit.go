package account

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"net/netip"
	"slices"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Sign-in limits, after OWASP's device-cookie pattern. A browser holding a valid device
// cookie for the account (it has signed in to it before) is limited only by its own
// failures, so nobody else's guessing holds it back. Every other attempt is limited per
// account, across all addresses, and per client address.
//
// Each key is a leaky bucket: every failure adds one, and failures leak away at a steady
// rate. Once the level n reaches the key's threshold, each further attempt must wait
// 2^(n-threshold) seconds after the latest failure, at most MaxSigninWait: guessing slows
// to a crawl, but nobody is locked out, and a steady trickle of typing mistakes behind one
// shared address (a hospital, a force, a school) below the leak rate never builds up.
const MaxSigninWait = 15 * time.Minute

type bucket struct {
	threshold int           // failures allowed before any wait
	leak      time.Duration // one failure leaks away per leak
}

var (
	// accountBucket: five free failures per account from unknown browsers, forgotten one
	// an hour.
	accountBucket = bucket{threshold: 5, leak: time.Hour}
	// addressBucket: thirty free failures per address, forgotten one every two minutes,
	// since many people may share one address.
	addressBucket = bucket{threshold: 30, leak: 2 * time.Minute}
	// deviceBucket: a known browser's own failures, as for an account.
	deviceBucket = bucket{threshold: 5, leak: time.Hour}
)

// ceiling is the most a bucket holds: enough that the wait stays at MaxSigninWait while
// an attacker keeps going, little enough that it empties within hours once they stop.
func (b bucket) ceiling() float64 {
	return float64(b.threshold) + 10 + float64((MaxSigninWait+b.leak-1)/b.leak)
}

// SigninLimits keeps sign-in limits in the database (table signin_limits), so they
// survive restarts and hold across server processes.
type SigninLimits struct {
	DB  *store.DB
	Now clock.Clock
}

// SigninAttempt is one try at a password.
type SigninAttempt struct {
	Email   string // as typed; normalised here
	Address string // the client's IP address
	// Device is the nonce of a valid device cookie for this account, or "".
	Device string
}

// SigninTicket names the buckets an attempt in progress was counted in, so the count can
// be taken back when the password turns out right.
type SigninTicket struct{ keys []string }

type limitKey struct {
	key string
	bucket
}

func (a SigninAttempt) keys() []limitKey {
	if a.Device != "" {
		return []limitKey{{"device:" + a.Device, deviceBucket}}
	}
	return []limitKey{
		{"account:" + NormaliseEmail(a.Email), accountBucket},
		{"address:" + AddressGroup(a.Address), addressBucket},
	}
}

// AddressGroup is how client addresses are counted: IPv4 per address, IPv6 per /64 (one
// household or office usually holds a whole /64).
func AddressGroup(address string) string {
	ip, err := netip.ParseAddr(address)
	if err != nil {
		return address
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is4() {
		return ip.String()
	}
	p, _ := ip.Prefix(64)
	return p.String()
}

// SigninWait is how long to wait after the latest failure at level n.
func SigninWait(n, threshold int) time.Duration {
	if n < threshold {
		return 0
	}
	if n-threshold >= 10 { // 2^10 s is past the cap already
		return MaxSigninWait
	}
	return min(time.Duration(1<<(n-threshold))*time.Second, MaxSigninWait)
}

// leaked is the bucket's level at now.
func (b bucket) leaked(level float64, updated, now time.Time) float64 {
	if d := now.Sub(updated); d > 0 {
		level -= d.Seconds() / b.leak.Seconds()
	}
	return max(0, level)
}

// Begin asks to check a password. When it must wait, nothing is recorded and wait says
// for how long. Otherwise the attempt is counted as a failure before the password is
// checked, so a burst of parallel attempts cannot slip past the count; call Succeeded if
// the password was right, or Release if the check could not be made.
func (l *SigninLimits) Begin(ctx context.Context, a SigninAttempt) (t SigninTicket, wait time.Duration, err error) {
	// Times are stored to the second: count from the next whole second, so waits are
	// never shorter than they should be.
	now := l.Now().UTC()
	at := now.Truncate(time.Second)
	if at.Before(now) {
		at = at.Add(time.Second)
	}
	keys := a.keys()
	err = l.DB.Write(ctx, func(tx *sql.Tx) error {
		t, wait = SigninTicket{}, 0
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_limits WHERE updated_at < ?`,
			store.FormatTime(now.Add(-24*time.Hour))); err != nil {
			return err
		}
		if err := lockSigninKeys(ctx, tx, keys); err != nil {
			return err
		}
		levels := make([]float64, len(keys))
		for i, k := range keys {
			var level float64
			var updated, last store.Time
			err := tx.QueryRowContext(ctx, `SELECT level, updated_at, last_failure FROM signin_limits WHERE key = ?`,
				k.key).Scan(&level, &updated, &last)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			levels[i] = k.leaked(level, updated.T, at)
			// Failures not yet wholly leaked away still count.
			n := int(math.Ceil(levels[i] - 1e-9))
			wait = max(wait, last.T.Add(SigninWait(n, k.threshold)).Sub(now))
		}
		if wait > 0 {
			return nil
		}
		for i, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO signin_limits (key, level, updated_at, last_failure)
				VALUES (?1, ?2, ?3, ?3) ON CONFLICT (key) DO UPDATE SET level = ?2, updated_at = ?3, last_failure = ?3`,
				k.key, min(levels[i]+1, k.ceiling()), store.FormatTime(at)); err != nil {
				return err
			}
			t.keys = append(t.keys, k.key)
		}
		return nil
	})
	if err != nil {
		return SigninTicket{}, 0, err
	}
	return t, wait, nil
}

// Succeeded takes back the failure Begin counted: the password was right. Earlier
// failures stay counted, so an owner signing in does not reset a guesser's count.
func (l *SigninLimits) Succeeded(ctx context.Context, t SigninTicket) error {
	return l.takeBack(ctx, t)
}

// Release takes back the failure Begin counted for an attempt that ended without an
// answer (the database was busy, say), counting it neither way.
func (l *SigninLimits) Release(ctx context.Context, t SigninTicket) error { return l.takeBack(ctx, t) }

func (l *SigninLimits) takeBack(ctx context.Context, t SigninTicket) error {
	if len(t.keys) == 0 {
		return nil
	}
	return l.DB.Write(ctx, func(tx *sql.Tx) error {
		for _, k := range t.keys {
			if _, err := tx.ExecContext(ctx, `UPDATE signin_limits SET level = CASE WHEN level > 1 THEN level - 1 ELSE 0 END WHERE key = ?`, k); err != nil {
				return err
			}
		}
		return nil
	})
}

// Forgive clears an account's failures from unknown browsers, after its owner proved they
// hold the mailbox by resetting the password (which also ends every device cookie). The
// addresses' failures stay.
func (l *SigninLimits) Forgive(ctx context.Context, email string) error {
	return l.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM signin_limits WHERE key = ?`, "account:"+NormaliseEmail(email))
		return err
	})
}

// DeviceCookieKey is the secret that signs device cookies. It is derived from the secret
// key file, never stored in the database, so a copy of the database cannot forge a
// cookie that lifts the sign-in limits; every server process with the same key file
// shares it, and a restart keeps it.
func (s *Service) DeviceCookieKey(context.Context) ([]byte, error) {
	if s.Secrets == nil {
		return nil, ErrNoSecretKey
	}
	return s.Secrets.Derive("device-cookie"), nil
}

// lockSigninKeys makes attempts that count against the same keys take turns, so that
// parallel guesses (even at two servers) cannot all read a count before any adds to it.
func lockSigninKeys(ctx context.Context, tx *sql.Tx, keys []limitKey) error {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = "signin_limits:" + k.key
	}
	slices.Sort(names)
	for _, n := range names {
		if err := store.LockName(ctx, tx, n); err != nil {
			return err
		}
	}
	return nil
}
