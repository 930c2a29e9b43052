package store_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// The two schemas are written separately (db/migrations for SQLite, db/postgres for
// PostgreSQL), so this holds them together: after every migration, the same tables with
// the same columns in the same order, which the queries and `traininghub copy` rely on.
func TestPostgresSchemaMatchesSQLite(t *testing.T) {
	pg := postgresDB(t)
	lite := testkit.DBAt(t, filepath.Join(t.TempDir(), "schema.db"))
	want, got := columns(t, lite), columns(t, pg)
	for table, cols := range want {
		if !slices.Equal(got[table], cols) {
			t.Errorf("%s: SQLite has (%s), PostgreSQL (%s)", table, strings.Join(cols, ", "), strings.Join(got[table], ", "))
		}
	}
	for table := range got {
		if _, ok := want[table]; !ok {
			t.Errorf("%s is only in PostgreSQL", table)
		}
	}
	a, _, err := lite.SchemaVersions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := pg.SchemaVersions(context.Background())
	if err != nil || a != b {
		t.Errorf("migrated to %d on SQLite and %d on PostgreSQL (%v)", a, b, err)
	}
}

// columns lists each table's columns in order.
func columns(t *testing.T, db *store.DB) map[string][]string {
	t.Helper()
	tables, err := db.Tables(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, table := range tables {
		rows, err := db.R.Query(`SELECT * FROM ` + table + ` LIMIT 0`)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := rows.Columns()
		rows.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[table] = cols
	}
	return out
}
