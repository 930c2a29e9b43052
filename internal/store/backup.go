package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrBackupExists refuses to replace a file that is already there: an old backup may be
// the only good copy left.
var ErrBackupExists = errors.New("backup file already exists")

// Backup writes a consistent copy of the database to dest while the service keeps
// running. VACUUM INTO reads one snapshot on a reader connection, so writers carry on
// and the copy holds every transaction committed before it began and none after. The
// copy is written under a temporary name beside dest, checked with integrity_check and
// only then renamed, so dest is either the old file or a whole, checked copy.
func (d *DB) Backup(ctx context.Context, dest string, replace bool) error {
	if dest == "" {
		return errors.New("no backup file named")
	}
	if fi, err := os.Stat(dest); err == nil {
		if !replace {
			return fmt.Errorf("%w: %s (give --force to replace it)", ErrBackupExists, dest)
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", dest)
		}
	}
	dir := filepath.Dir(dest)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".partial-*")
	if err != nil {
		return fmt.Errorf("cannot write to %s (the backup directory): %w", dir, err)
	}
	tmpName := tmp.Name()
	tmp.Close() // VACUUM INTO accepts an empty file
	done := false
	defer func() {
		if !done {
			os.Remove(tmpName)
		}
	}()
	if _, err := d.R.ExecContext(ctx, `VACUUM INTO ?`, tmpName); err != nil {
		return fmt.Errorf("copy database: %w", Classify(err))
	}
	if err := CheckIntegrity(ctx, tmpName); err != nil {
		return err
	}
	if err := syncFile(tmpName); err != nil {
		return err
	}
	if err := os.Rename(tmpName, dest); err != nil {
		return fmt.Errorf("rename backup into place: %w", err)
	}
	done = true
	return syncFile(dir) // the rename itself survives a crash
}

// CheckIntegrity opens the SQLite file at path read-only and runs PRAGMA
// integrity_check, which reads every page: a backup is only worth keeping if it passes.
func CheckIntegrity(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	c, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_query_only=1")
	if err != nil {
		return err
	}
	defer c.Close()
	rows, err := c.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("integrity check of %s: %w", path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check of %s: %w", path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check of %s failed: %v", path, problems)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}
