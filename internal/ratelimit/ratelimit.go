// Package ratelimit counts requests in fixed windows kept in the database, so a restart
// (or a second server process over the same database) does not reset the counts. It is
// for registration and password-reset requests; sign-in throttling is separate.
package ratelimit

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Rule allows Limit requests per Window for one Key ("register:ip:192.0.2.1").
type Rule struct {
	Key    string
	Limit  int
	Window time.Duration
}

// Limiter reads and writes the rate_limits table.
type Limiter struct {
	DB  *store.DB
	Now clock.Clock
}

// New wires a Limiter.
func New(db *store.DB, now clock.Clock) *Limiter { return &Limiter{DB: db, Now: now} }

// Take counts one request against every rule, in one write transaction. When any rule is
// already at its limit, nothing is counted and ok is false; retryAt is then when every
// full rule's window has ended, the earliest moment the request could succeed.
func (l *Limiter) Take(ctx context.Context, rules ...Rule) (retryAt time.Time, ok bool, err error) {
	now := l.Now().UTC().Truncate(time.Second)
	stamp := store.FormatTime(now)
	err = l.DB.Write(ctx, func(tx *sql.Tx) error {
		type state struct {
			hits int
			live bool
		}
		states := make([]state, len(rules))
		ok = true
		for i, r := range rules {
			var hits int
			var end string
			err := tx.QueryRowContext(ctx, `SELECT hits, window_end FROM rate_limits WHERE key = ?`, r.Key).Scan(&hits, &end)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			if end <= stamp { // the window has ended: this request starts a new one
				continue
			}
			states[i] = state{hits: hits, live: true}
			if hits >= r.Limit {
				ok = false
				if t, err := store.ParseTime(end); err == nil && t.After(retryAt) {
					retryAt = t
				}
			}
		}
		if !ok {
			return nil
		}
		for i, r := range rules {
			if states[i].live {
				if _, err := tx.ExecContext(ctx, `UPDATE rate_limits SET hits = hits + 1 WHERE key = ?`, r.Key); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO rate_limits (key, window_start, window_end, hits) VALUES (?, ?, ?, 1)
				ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start, window_end = excluded.window_end, hits = 1`,
				r.Key, stamp, store.FormatTime(now.Add(r.Window))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return time.Time{}, false, err
	}
	if ok {
		retryAt = time.Time{}
	}
	return retryAt, ok, nil
}

// Sweep deletes windows that have ended; the serve process runs it hourly.
func (l *Limiter) Sweep(ctx context.Context) (int64, error) {
	var n int64
	err := l.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM rate_limits WHERE window_end <= ?`, store.FormatTime(l.Now()))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// ClientKey is the part of a client address that identifies one network: an IPv4
// address as it is, an IPv6 address cut to its /64 (one household or office usually
// holds a whole /64, so counting single IPv6 addresses would be no limit at all).
func ClientKey(ip string) string {
	a := net.ParseIP(ip)
	if a == nil {
		return ip
	}
	if v4 := a.To4(); v4 != nil {
		return v4.String()
	}
	return a.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
