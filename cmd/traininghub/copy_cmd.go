package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/traininghub/traininghub/internal/dbcopy"
	"github.com/traininghub/traininghub/internal/store"
)

// copyCmd moves a partnership from one database to another, SQLite to PostgreSQL
// usually: `traininghub copy --from data/traininghub.db --to postgres://...`. The
// destination is migrated and must be empty; every table is copied with its ids, and the
// counts are checked before it says done.
func copyCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("copy")
	from := fs.String("from", "", "the database to copy: a SQLite file or a postgres:// address")
	to := fs.String("to", "", "the new, empty database to copy into: a postgres:// address or a SQLite file")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return errors.New("copy: give both --from and --to, e.g. traininghub copy --from data/traininghub.db --to postgres://traininghub@db:5432/traininghub")
	}
	if !store.IsPostgresURL(*from) {
		if _, err := os.Stat(*from); err != nil {
			return fmt.Errorf("copy: no database at %s (--from): %w", *from, err)
		}
	}
	src, err := store.Open(*from)
	if err != nil {
		return fmt.Errorf("copy: open %s: %w", store.SafeAddress(*from), err)
	}
	defer src.Close()
	dst, err := openAndMigrate(ctx, *to)
	if err != nil {
		return fmt.Errorf("copy: prepare %s: %w", store.SafeAddress(*to), err)
	}
	defer dst.Close()
	report, err := dbcopy.Copy(ctx, src, dst)
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	fmt.Fprintf(stdout, "Copied %s to %s in %d ms; every table's rows counted in both:\n",
		store.SafeAddress(*from), store.SafeAddress(*to), report.Took.Milliseconds())
	for _, c := range report.Counts {
		fmt.Fprintf(stdout, "  %-22s %8d\n", c.Table, c.Copied)
	}
	fmt.Fprintln(stdout, "Start the servers on the new database with the same secret key file (--secret-key-file): "+
		"two-factor secrets are copied as they are, sealed under it.")
	return nil
}
