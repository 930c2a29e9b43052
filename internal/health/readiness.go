// Package health decides whether the service is ready to take traffic: /readyz asks it.
// /healthz only says the process answers; a load balancer or monitor wants to know more:
// whether a booking made now would be saved and its email sent.
package health

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// DefaultMinFreeDisk is 100 MB: room for a day of bookings and email many times over,
// and warning enough to free space before SQLite refuses to grow.
const DefaultMinFreeDisk = 100 << 20

// FullWindow is how long a write refused for lack of space keeps /readyz failing: long
// enough for a monitor polling every 30 s to see it.
const FullWindow = time.Minute

// MailStale is how old the mail worker's last beat may be. Its connections come round
// their loop every 50 ms when idle and after each message; every SMTP step has its own
// timeout (30 s by default), so five minutes without a beat means every connection is
// stuck.
const MailStale = 5 * time.Minute

// Readiness holds what the checks look at.
type Readiness struct {
	DB *store.DB
	// MinFreeDisk is the free space, in bytes, the database's directory needs; 0 means
	// DefaultMinFreeDisk.
	MinFreeDisk uint64
	// MailBeat is the outbox worker's LastBeat; nil when this process sends no mail, and
	// then the check is left out.
	MailBeat func() time.Time
	// Now is the real clock (the store and worker record real times); nil: time.Now.
	Now func() time.Time
}

// Check is one line of the answer: "ok", or a short reason that names no path, figure
// or version, since /readyz is public.
type Check struct {
	Name   string
	Result string
}

// OK says whether the check passed.
func (c Check) OK() bool { return c.Result == "ok" }

// Run performs every check, each bounded by ctx, and returns them in a fixed order.
func (r Readiness) Run(ctx context.Context) []Check {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	checks := []Check{
		{"database_writable", r.writable(ctx)},
		{"migrations", r.migrations(ctx)},
		{"disk_space", r.diskSpace()},
		{"storage_full", r.storageFull(now())},
	}
	if r.MailBeat != nil {
		checks = append(checks, Check{"mail_worker", mailWorker(r.MailBeat(), now())})
	}
	return checks
}

func (r Readiness) writable(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	err := r.DB.CheckWritable(ctx)
	switch {
	case err == nil:
		return "ok"
	case store.IsFull(err):
		return "storage full"
	case errors.Is(err, store.ErrBusy), errors.Is(err, context.DeadlineExceeded):
		return "no write could start within 2 seconds"
	default:
		return "cannot write to the database"
	}
}

func (r Readiness) migrations(ctx context.Context) string {
	current, latest, err := r.DB.MigrationVersions(ctx)
	switch {
	case err != nil:
		return "cannot read the schema version"
	case current < latest:
		return "migrations not applied"
	case current > latest:
		return "database is newer than this program"
	}
	return "ok"
}

func (r Readiness) diskSpace() string {
	if r.DB.Path() == "" {
		return "ok"
	}
	free, err := FreeBytes(filepath.Dir(r.DB.Path()))
	if err != nil {
		return "cannot read free space"
	}
	min := r.MinFreeDisk
	if min == 0 {
		min = DefaultMinFreeDisk
	}
	if free < min {
		return "free space below the minimum"
	}
	return "ok"
}

func (r Readiness) storageFull(now time.Time) string {
	if last := r.DB.LastFull(); !last.IsZero() && now.Sub(last) < FullWindow {
		return "a write failed for lack of space in the last minute"
	}
	return "ok"
}

func mailWorker(beat, now time.Time) string {
	switch {
	case beat.IsZero():
		return "not running"
	case now.Sub(beat) > MailStale:
		return "stuck"
	}
	return "ok"
}

// FreeBytes is the space in dir's file system that this (unprivileged) process may use.
func FreeBytes(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}

// ParseSize reads a size such as 100MB, 1GB, 500KB or a number of bytes; the units
// are powers of 1024.
func ParseSize(s string) (uint64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := uint64(1)
	for _, u := range []struct {
		suffix string
		mult   uint64
	}{{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseUint(t, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("size must be a number with KB, MB or GB, e.g. 100MB, not %q", s)
	}
	return n * mult, nil
}
