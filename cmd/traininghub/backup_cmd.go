package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/traininghub/traininghub/internal/backup"
	"github.com/traininghub/traininghub/internal/store"
)

// backupCmd copies the database to a file while serve keeps running. It never migrates:
// a backup taken before an upgrade must be the database as the old version left it.
func backupCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("backup")
	dbPath := dbFlag(fs)
	force := fs.Bool("force", false, "write over FILE if it exists")
	dest, err := parseOneFile(fs, args, "traininghub backup --db data/traininghub.db /backups/before-upgrade.db")
	if err != nil {
		return err
	}
	if store.IsPostgresURL(*dbPath) {
		return errors.New("backup: this copies a SQLite file; back up PostgreSQL with pg_dump (docs/operations.md, Running on PostgreSQL)")
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("backup: no database at %s (--db): %w", *dbPath, err)
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := backup.Copy(ctx, db, dest, *force)
	if errors.Is(err, backup.ErrExists) {
		return fmt.Errorf("backup: %s already exists; choose another name, or add --force to replace it", dest)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "Backed up %s to %s: %s, %d people, %d bookings, integrity check ok, in %d ms.\n",
		*dbPath, res.Path, megabytes(res.Bytes), res.People, res.Bookings, res.Took.Milliseconds())
	return nil
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
