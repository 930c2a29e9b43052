package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// backupCmd copies the live database to FILE while serve keeps running: `traininghub backup
// [--db PATH] [--force] FILE`.
func backupCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("backup")
	dbPath := fs.String("db", defaultDB, "SQLite database file to copy")
	force := fs.Bool("force", false, "replace FILE if it exists")
	// The file name may come before or after the flags.
	var dest string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		dest, args = args[0], args[1:]
	}
	rest, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if dest == "" && len(rest) == 1 {
		dest, rest = rest[0], nil
	}
	if dest == "" || len(rest) > 0 {
		return fmt.Errorf("backup: give one file to write, e.g. traininghub backup --db %s backups/traininghub.db", *dbPath)
	}
	// Opening would create an empty database at a mistyped path, and back that up.
	if fi, err := os.Stat(*dbPath); err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("backup: no database at %s (give --db, or set TRAININGHUB_DB, as for serve)", *dbPath)
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, dest, *force); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %s to %s in %v; integrity check ok.\n", *dbPath, dest, time.Since(start).Round(time.Millisecond))
	return nil
}
