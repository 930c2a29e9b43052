// Package health answers /readyz: whether this process can do its work now, which a load
// balancer or an orchestrator uses to route traffic and an operator to find a fault.
package health

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/store"
)

// Check is one question /readyz asks; Run returns nil when the answer is good, or an
// error that says in plain words what is wrong.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Result is one check's answer as /readyz prints it.
type Result struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Problem string `json:"problem,omitempty"`
}

// Report is the body of /readyz.
type Report struct {
	Ready  bool     `json:"ready"`
	Checks []Result `json:"checks"`
}

// Run asks every check, each within its own two seconds.
func Run(ctx context.Context, checks []Check) Report {
	r := Report{Ready: true}
	for _, c := range checks {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := c.Run(cctx)
		cancel()
		res := Result{Name: c.Name, OK: err == nil}
		if err != nil {
			res.Problem = err.Error()
			r.Ready = false
		}
		r.Checks = append(r.Checks, res)
	}
	return r
}

// Handler answers 200 with the report when every check passes, otherwise 503 with
// Retry-After, so a balancer sends traffic elsewhere for a while.
func Handler(checks []Check) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := Run(c.Request.Context(), checks)
		c.Header("Cache-Control", "no-store")
		if !r.Ready {
			c.Header("Retry-After", "30")
			c.JSON(http.StatusServiceUnavailable, r)
			return
		}
		c.JSON(http.StatusOK, r)
	}
}

// DatabaseWritable takes the write lock through the writer and lets it go without
// changing anything: it proves the writer is running and the lock can be had.
func DatabaseWritable(db *store.DB) Check {
	return Check{Name: "database_writable", Run: func(ctx context.Context) error {
		err := db.WriteUnseen(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE settings SET value = value WHERE FALSE`)
			return err
		})
		if err != nil {
			return fmt.Errorf("a write could not be made: %w", err)
		}
		return nil
	}}
}

// StorageNotFull fails for a while (window) after any write failed for want of space:
// an empty write cannot tell that the disk is full. The store notes the failure by the
// wall clock, so this reads the wall clock too.
func StorageNotFull(db *store.DB, window time.Duration) Check {
	return Check{Name: "storage_not_full", Run: func(context.Context) error {
		if last := db.LastFull(); !last.IsZero() && time.Since(last) < window {
			return fmt.Errorf("a write failed for want of space %s ago", time.Since(last).Round(time.Second))
		}
		return nil
	}}
}

// MigrationsCurrent fails when the database is behind or ahead of this binary's schema.
func MigrationsCurrent(db *store.DB) Check {
	return Check{Name: "migrations_current", Run: func(ctx context.Context) error {
		applied, known, err := db.SchemaVersions(ctx)
		if err != nil {
			return err
		}
		if applied != known {
			return fmt.Errorf("the database is at migration %d, this binary at %d", applied, known)
		}
		return nil
	}}
}

// DiskSpace fails when the file system holding dir has less than min bytes free for
// this process's user.
func DiskSpace(dir string, min uint64) Check {
	return Check{Name: "disk_space", Run: func(context.Context) error {
		free, err := FreeBytes(dir)
		if err != nil {
			return err
		}
		if free < min {
			return fmt.Errorf("%s free beside the database, below the %s set by --min-free-disk", MB(free), MB(min))
		}
		return nil
	}}
}

// FreeBytes is the space an unprivileged user may still write on dir's file system.
func FreeBytes(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("free space of %s: %w", dir, err)
	}
	return st.Bavail * uint64(st.Bsize), nil
}

// MB prints a byte count for people.
func MB(n uint64) string { return fmt.Sprintf("%d MB", n/1_000_000) }

// Heartbeat fails when beat has not moved for longer than stale: a worker whose every
// connection hangs, or one that never started.
func Heartbeat(name string, beat func() time.Time, now func() time.Time, stale time.Duration) Check {
	return Check{Name: name, Run: func(context.Context) error {
		last := beat()
		if last.IsZero() {
			return fmt.Errorf("not started")
		}
		if age := now().Sub(last); age > stale {
			return fmt.Errorf("last seen working %s ago", age.Round(time.Second))
		}
		return nil
	}}
}
