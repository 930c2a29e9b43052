package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/pressly/goose/v3"
)

// ErrNewerSchema means the database was migrated by a newer traininghub than this one. An
// older binary would read and write tables whose meaning has moved on, so it stops
// instead of starting: roll back by restoring the backup taken before the upgrade.
var ErrNewerSchema = errors.New("the database was upgraded by a newer traininghub")

// SchemaVersions reports the newest migration applied to the database and the newest
// this binary carries.
func (d *DB) SchemaVersions(ctx context.Context) (applied, known int64, err error) {
	p, err := d.migrations()
	if err != nil {
		return 0, 0, err
	}
	return schemaVersions(ctx, p)
}

func schemaVersions(ctx context.Context, p *goose.Provider) (applied, known int64, err error) {
	applied, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("read the database's migration version: %w", err)
	}
	if sources := p.ListSources(); len(sources) > 0 {
		known = sources[len(sources)-1].Version
	}
	return applied, known, nil
}

// refuseNewerSchema returns ErrNewerSchema, with both versions and the way back, when the
// database is ahead of the binary.
func refuseNewerSchema(ctx context.Context, p *goose.Provider) error {
	applied, known, err := schemaVersions(ctx, p)
	if err != nil {
		return err
	}
	if applied > known {
		return fmt.Errorf("%w: it is at migration %d and this traininghub knows migrations up to %d. "+
			"Run the newer traininghub, or, to go back to this one, restore the backup taken before the upgrade (docs/operations.md, Upgrades)",
			ErrNewerSchema, applied, known)
	}
	return nil
}
