package dbcopy_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/dbcopy"
	"github.com/traininghub/traininghub/internal/demo"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// demoFile is a SQLite file holding the demo partnership: people, courses, sessions with
// places and waiting lists, bookings with their history and emails.
func demoFile(t *testing.T) *store.DB {
	t.Helper()
	db := testkit.DBAt(t, filepath.Join(t.TempDir(), "demo.db"))
	clk := testkit.NewClock(testkit.Start)
	accounts := testkit.Accounts(t, db, clk.Now)
	if _, err := demo.Seed(context.Background(), accounts, course.NewService(db, clk.Now), booking.NewService(db, clk.Now), clk.Now()); err != nil {
		t.Fatal(err)
	}
	return db
}

// dump is every row of every table, in order, as text: two databases with the same
// dump hold the same partnership.
func dump(t *testing.T, db *store.DB) string {
	t.Helper()
	ctx := context.Background()
	tables, err := db.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, table := range tables {
		probe, err := db.R.Query(`SELECT * FROM ` + table + ` LIMIT 0`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := probe.Columns()
		probe.Close()
		order := make([]string, len(cols))
		for i := range cols {
			order[i] = fmt.Sprint(i + 1)
		}
		rows, err := db.R.Query(`SELECT * FROM ` + table + ` ORDER BY ` + strings.Join(order, ", "))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			values := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range values {
				ptrs[i] = &values[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s:", table)
			for _, v := range values {
				if raw, ok := v.([]byte); ok {
					v = string(raw)
				}
				fmt.Fprintf(&b, " %v", v)
			}
			b.WriteString("\n")
			n++
		}
		rows.Close()
		fmt.Fprintf(&b, "%s: %d rows\n", table, n)
	}
	return b.String()
}

func copyInto(t *testing.T, from, to *store.DB) dbcopy.Report {
	t.Helper()
	r, err := dbcopy.Copy(context.Background(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The demo partnership copied to a new database (PostgreSQL under
// TRAININGHUB_TEST_POSTGRES, else another SQLite file) and back to a new SQLite file comes
// back row for row as it was, ids and all; every count was checked on the way.
func TestCopyThereAndBackKeepsEveryRow(t *testing.T) {
	source := demoFile(t)
	middle := testkit.DB(t)
	back := testkit.DBAt(t, filepath.Join(t.TempDir(), "back.db"))

	there := copyInto(t, source, middle)
	copyInto(t, middle, back)

	var bookings int64
	for _, c := range there.Counts {
		if c.Table == "bookings" {
			bookings = c.Copied
		}
	}
	if bookings < 100 {
		t.Fatalf("only %d bookings copied from the demo: %+v", bookings, there.Counts)
	}
	want, got := dump(t, source), dump(t, back)
	if want != got {
		wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
		for i := range min(len(wl), len(gl)) {
			if wl[i] != gl[i] {
				t.Fatalf("the copy differs at line %d:\nsource: %s\n  copy: %s", i+1, wl[i], gl[i])
			}
		}
		t.Fatalf("the copy has %d lines, the source %d", len(gl), len(wl))
	}
	t.Logf("copied %d tables via %s in %v", len(there.Counts), middle.Dialect(), there.Took)
}

// New rows in the copy take ids after the copied ones (PostgreSQL's sequences moved on).
func TestCopiedDatabaseTakesNewRows(t *testing.T) {
	source := demoFile(t)
	copied := testkit.DB(t)
	copyInto(t, source, copied)
	var max int64
	if err := copied.R.QueryRow(`SELECT max(id) FROM organisations`).Scan(&max); err != nil {
		t.Fatal(err)
	}
	id := testkit.Exec(t, copied, `INSERT INTO organisations (name, type, created_at) VALUES ('New Agency', 'other', '2026-12-04T09:00:00Z') RETURNING id`)
	if id <= max {
		t.Errorf("new organisation got id %d, not after the copied %d", id, max)
	}
}

// A destination that already holds a partnership is refused, and nothing is added to it.
func TestCopyRefusesADatabaseInUse(t *testing.T) {
	source := demoFile(t)
	used := testkit.DB(t)
	testkit.Exec(t, used, `INSERT INTO organisations (name, type, created_at) VALUES ('Already Here', 'other', '2026-12-04T09:00:00Z')`)
	before := dump(t, used)
	_, err := dbcopy.Copy(context.Background(), source, used)
	if !errors.Is(err, dbcopy.ErrNotEmpty) {
		t.Fatalf("copy into a database in use: %v, want ErrNotEmpty", err)
	}
	if dump(t, used) != before {
		t.Error("a refused copy changed the destination")
	}
}
