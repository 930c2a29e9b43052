package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/store"
)

// TestMigrateRefusesNewerSchema: after an upgrade is rolled back by putting the old binary
// back without restoring the database, start-up stops with both versions and the way
// back, and changes nothing.
func TestMigrateRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	d := open(t, filepath.Join(t.TempDir(), "db.sqlite"))
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	applied, known, err := d.SchemaVersions(ctx)
	if err != nil || applied != known || known == 0 {
		t.Fatalf("after Migrate: applied %d, known %d, %v; want equal and above 0", applied, known, err)
	}
	// What a later release's migration leaves behind.
	if _, err := d.Exec(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, 1)`, known+1); err != nil {
		t.Fatal(err)
	}
	err = d.Migrate(ctx)
	if !errors.Is(err, store.ErrNewerSchema) {
		t.Fatalf("Migrate on a newer database: %v, want ErrNewerSchema", err)
	}
	for _, want := range []string{"restore the backup", "migration"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not say %q", err, want)
		}
	}
	if applied, _, _ := d.SchemaVersions(ctx); applied != known+1 {
		t.Errorf("the refused start changed the version to %d", applied)
	}
}
