package store

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

func TestQueryIDsReadsEveryRowInOrderAndRefusesWhatIsNotAnID(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "ids.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.w.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t VALUES (3, 'c'), (1, 'a'), (2, 'b')`); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ids, err := QueryIDs(ctx, db.R, `SELECT id FROM t WHERE id > ? ORDER BY id DESC`, 1)
	if err != nil || !slices.Equal(ids, []int64{3, 2}) {
		t.Fatalf("ids %v, %v", ids, err)
	}
	if _, err := QueryIDs(ctx, db.R, `SELECT name FROM t`); err == nil {
		t.Fatal("names read as ids")
	}
	if _, err := QueryIDs(ctx, db.R, `SELECT id FROM nowhere`); err == nil {
		t.Fatal("a missing table gave no error")
	}
}
