package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/backup"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/health"
	"github.com/traininghub/traininghub/internal/store"
)

// opsSettings are serve's settings for keeping the service safe to run: nightly backups
// and the free disk space /readyz insists on.
type opsSettings struct {
	backupDir  string
	backupKeep int
	backupAt   string
	minFree    string

	at       backup.TimeOfDay
	minFreeB uint64
}

func opsFlags(fs *flag.FlagSet) *opsSettings {
	o := &opsSettings{}
	fs.StringVar(&o.backupDir, "backup-dir", "", "directory for a nightly backup of the database (checked copies named traininghub-YYYYMMDD-HHMMSS.db); empty: no nightly backup")
	fs.IntVar(&o.backupKeep, "backup-keep", 7, "how many nightly backups to keep; older ones are deleted after a new one is made and checked")
	fs.StringVar(&o.backupAt, "backup-at", "02:30", "London time of the nightly backup")
	fs.StringVar(&o.minFree, "min-free-disk", "100MB", "free space beside the database below which /readyz says not ready, e.g. 500MB or 2GB")
	return o
}

// check reads the settings before anything is opened, so a mistake stops start-up with
// a message instead of failing at night.
func (o *opsSettings) check(dbPath string) error {
	if o.backupDir != "" && store.IsPostgresURL(dbPath) {
		return errors.New("--backup-dir: traininghub's own backups copy a SQLite file; on PostgreSQL, " +
			"use pg_dump or the database server's backups (docs/operations.md, Running on PostgreSQL)")
	}
	var err error
	if o.at, err = backup.ParseTimeOfDay(o.backupAt); err != nil {
		return fmt.Errorf("--backup-at: %w", err)
	}
	if o.backupKeep < 1 {
		return fmt.Errorf("--backup-keep: keep at least 1 backup, not %d", o.backupKeep)
	}
	if o.minFreeB, err = parseSize(o.minFree); err != nil {
		return fmt.Errorf("--min-free-disk: %w", err)
	}
	if o.backupDir != "" {
		if err := backup.CheckDir(o.backupDir); err != nil {
			return fmt.Errorf("--backup-dir: %w", err)
		}
	}
	return nil
}

// nightly is the nightly backup job, or nil when no directory is set. On PostgreSQL the
// database's own tools take backups (docs/operations.md), so --backup-dir is refused
// before start-up (see check).
func (o *opsSettings) nightly(db *store.DB, now clock.Clock, log *slog.Logger) *backup.Nightly {
	if db.Dialect() == store.Postgres {
		log.Info("nightly backup", "dir", "none: back up PostgreSQL with pg_dump or its own backups")
		return nil
	}
	if o.backupDir == "" {
		log.Info("nightly backup", "dir", "none: set --backup-dir to take one")
		return nil
	}
	log.Info("nightly backup", "dir", o.backupDir, "keep", o.backupKeep, "at", o.at.String()+" Europe/London")
	return &backup.Nightly{DB: db, Dir: o.backupDir, Keep: o.backupKeep, At: o.at, Now: now, Log: log}
}

// readyChecks are serve's own /readyz checks: disk space beside the database and the
// mail worker's heartbeat (its connections may each spend smtpTimeout on a hung server).
// On PostgreSQL the database's disk is the database server's to watch, not this one's.
func (o *opsSettings) readyChecks(dbPath string, mailBeat func() time.Time, smtpTimeout time.Duration) []health.Check {
	stale := max(2*time.Minute, 4*smtpTimeout)
	checks := []health.Check{health.Heartbeat("mail_worker", mailBeat, time.Now, stale)}
	if !store.IsPostgresURL(dbPath) {
		checks = append([]health.Check{health.DiskSpace(filepath.Dir(dbPath), o.minFreeB)}, checks...)
	}
	return checks
}

// runNightly runs the job until ctx ends, if there is one.
func runNightly(ctx context.Context, n *backup.Nightly) {
	if n != nil {
		n.Run(ctx)
	}
}

// parseSize reads 100MB, 2GB, 500M or a number of bytes.
func parseSize(s string) (uint64, error) {
	v := strings.ToUpper(strings.TrimSpace(s))
	mult := uint64(1)
	for _, u := range []struct {
		suffix string
		n      uint64
	}{{"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"G", 1e9}, {"M", 1e6}, {"K", 1e3}, {"B", 1}} {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.n
			break
		}
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size such as 100MB or 2GB", s)
	}
	return n * mult, nil
}
