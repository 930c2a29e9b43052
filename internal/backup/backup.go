// Package backup takes the nightly copies of the database that serve keeps in a
// directory, and prunes the oldest.
package backup

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Nightly says where and when serve takes its backups and how many it keeps.
type Nightly struct {
	Dir  string
	Keep int
	// Hour and Minute are London time: the quiet hours people know.
	Hour, Minute int
}

// DefaultKeep is a week of nightly copies.
const DefaultKeep = 7

// DefaultAt is half past two in the morning, London time.
const DefaultAt = "02:30"

// namePattern matches the files this package writes and no others, so pruning never
// touches an operator's own copies kept in the same directory.
var namePattern = regexp.MustCompile(`^traininghub-\d{8}-\d{6}\.db$`)

// FileName is the backup's name for a copy taken at t: the UTC time, like every time the
// database stores, in a form that sorts by age.
func FileName(t time.Time) string {
	return "traininghub-" + t.UTC().Format("20060102-150405") + ".db"
}

// ParseAt reads a time of day such as 02:30.
func ParseAt(s string) (hour, minute int, err error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 || len(m) != 2 {
		return 0, 0, fmt.Errorf("time of day must be HH:MM, e.g. 02:30, not %q", s)
	}
	return hour, minute, nil
}

// Check says plainly, at start, when the directory cannot take backups, rather than
// failing at half past two in the morning.
func (n Nightly) Check() error {
	if n.Keep < 1 {
		return fmt.Errorf("backups to keep must be 1 or more, not %d", n.Keep)
	}
	fi, err := os.Stat(n.Dir)
	if err != nil {
		return fmt.Errorf("backup directory %s: %w", n.Dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("backup directory %s is not a directory", n.Dir)
	}
	f, err := os.CreateTemp(n.Dir, ".traininghub-write-check-*")
	if err != nil {
		return fmt.Errorf("cannot write to %s (the backup directory): %w", n.Dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// Next is when the backup after now is due.
func (n Nightly) Next(now time.Time) time.Time {
	l := now.In(clock.London)
	at := time.Date(l.Year(), l.Month(), l.Day(), n.Hour, n.Minute, 0, 0, clock.London)
	if !at.After(now) {
		at = time.Date(l.Year(), l.Month(), l.Day()+1, n.Hour, n.Minute, 0, 0, clock.London)
	}
	return at
}

// Take writes one backup named for now, then removes the oldest beyond Keep. A copy that
// fails its integrity check is not kept and prunes nothing.
func (n Nightly) Take(ctx context.Context, db *store.DB, now time.Time) (path string, removed []string, err error) {
	path = filepath.Join(n.Dir, FileName(now))
	if err := db.Backup(ctx, path, false); err != nil {
		return "", nil, err
	}
	removed, err = n.Prune()
	return path, removed, err
}

// Prune deletes this package's backups beyond the newest Keep, oldest first.
func (n Nightly) Prune() ([]string, error) {
	entries, err := os.ReadDir(n.Dir)
	if err != nil {
		return nil, err
	}
	var ours []string
	for _, e := range entries {
		if e.Type().IsRegular() && namePattern.MatchString(e.Name()) {
			ours = append(ours, e.Name())
		}
	}
	sort.Strings(ours) // names sort by time
	var removed []string
	for len(ours) > n.Keep {
		p := filepath.Join(n.Dir, ours[0])
		if err := os.Remove(p); err != nil {
			return removed, err
		}
		removed = append(removed, p)
		ours = ours[1:]
	}
	return removed, nil
}

// Run takes a backup at each due time until ctx ends. A failed backup is logged as an
// error and tried again the next night; it never stops the service.
func (n Nightly) Run(ctx context.Context, db *store.DB, now clock.Clock, log *slog.Logger) {
	for {
		t := time.NewTimer(time.Until(n.Next(now())))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		start := time.Now()
		path, removed, err := n.Take(ctx, db, now())
		if err != nil {
			log.Error("nightly backup failed", "dir", n.Dir, "err", err)
			continue
		}
		log.Info("nightly backup", "file", path, "took", time.Since(start).Round(time.Millisecond).String(),
			"removed", strings.Join(removed, ", "))
	}
}
