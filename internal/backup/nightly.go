package backup

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Nightly takes one copy a day at a set London time into Dir and keeps the newest Keep.
type Nightly struct {
	DB   *store.DB
	Dir  string
	Keep int
	At   TimeOfDay
	Now  clock.Clock
	Log  *slog.Logger

	mu   sync.Mutex
	last Status
}

// Status is the outcome of the latest nightly copy, for health checks and metrics.
type Status struct {
	At   time.Time // when it finished; zero before the first
	Path string
	Err  error
}

// TimeOfDay is a wall-clock time in London.
type TimeOfDay struct{ Hour, Minute int }

func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

// ParseTimeOfDay reads "02:30".
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hour, errH := strconv.Atoi(h)
	minute, errM := strconv.Atoi(m)
	if !ok || errH != nil || errM != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 || len(m) != 2 {
		return TimeOfDay{}, fmt.Errorf("%q is not a time of day such as 02:30", s)
	}
	return TimeOfDay{hour, minute}, nil
}

// NextRun is the next moment after now at which the London clock shows t. (Times from
// 01:00 to 01:59 happen twice or not at all on the nights the clocks change; the default,
// 02:30, is clear of both.)
func NextRun(now time.Time, t TimeOfDay) time.Time {
	l := now.In(clock.London)
	next := time.Date(l.Year(), l.Month(), l.Day(), t.Hour, t.Minute, 0, 0, clock.London)
	if !next.After(now) {
		next = time.Date(l.Year(), l.Month(), l.Day()+1, t.Hour, t.Minute, 0, 0, clock.London)
	}
	return next.UTC()
}

// nightlyName is how nightly copies are named, so pruning never touches other files.
var nightlyName = regexp.MustCompile(`^traininghub-\d{8}-\d{6}\.db$`)

// fileName names a copy by the London time it was taken, so names sort by age.
func fileName(at time.Time) string {
	return "traininghub-" + at.In(clock.London).Format("20060102-150405") + ".db"
}

// Run takes a copy each night until ctx ends.
func (n *Nightly) Run(ctx context.Context) {
	for {
		wait := time.Until(NextRun(n.Now(), n.At))
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		if res, err := n.TakeOne(ctx); err != nil {
			n.Log.Error("nightly backup failed", "dir", n.Dir, "err", err)
		} else {
			n.Log.Info("nightly backup", "path", res.Path, "bytes", res.Bytes, "people", res.People,
				"bookings", res.Bookings, "took_ms", res.Took.Milliseconds())
		}
	}
}

// TakeOne makes tonight's copy and then removes the oldest copies beyond Keep. An old
// copy is removed only after a new one has been made and checked.
func (n *Nightly) TakeOne(ctx context.Context) (Result, error) {
	res, err := Copy(ctx, n.DB, filepath.Join(n.Dir, fileName(n.Now())), false)
	if err == nil {
		err = n.prune()
	}
	n.mu.Lock()
	n.last = Status{At: n.Now(), Path: res.Path, Err: err}
	n.mu.Unlock()
	return res, err
}

// Last is the outcome of the latest nightly copy.
func (n *Nightly) Last() Status {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.last
}

// prune deletes nightly copies beyond the newest Keep, and nothing else in Dir.
func (n *Nightly) prune() error {
	entries, err := os.ReadDir(n.Dir)
	if err != nil {
		return err
	}
	var copies []string
	for _, e := range entries {
		if e.Type().IsRegular() && nightlyName.MatchString(e.Name()) {
			copies = append(copies, e.Name())
		}
	}
	slices.Sort(copies) // oldest first: names carry the time
	for len(copies) > max(n.Keep, 1) {
		if err := os.Remove(filepath.Join(n.Dir, copies[0])); err != nil {
			return fmt.Errorf("remove an old backup: %w", err)
		}
		copies = copies[1:]
	}
	return nil
}

// CheckDir makes the backup directory if needed and proves it can be written, so a
// mistake shows at start-up rather than at half past two in the morning.
func CheckDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("backup directory %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".traininghub-write-check-*")
	if err != nil {
		return fmt.Errorf("cannot write to the backup directory %s: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
