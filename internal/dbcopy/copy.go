// Package dbcopy moves a partnership's whole database from one store to another (SQLite
// to PostgreSQL, or back), keeping every id, and checks that the copy holds what the
// source held.
package dbcopy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// ErrNotEmpty: the destination already holds data, which a copy would mix with.
var ErrNotEmpty = errors.New("the destination database is not empty")

// Count is one table's rows in the source and, after the copy, in the destination.
type Count struct {
	Table  string
	Source int64
	Copied int64
}

// Report says what was copied, table by table, in the order it was copied.
type Report struct {
	Counts []Count
	Took   time.Duration
}

// batch is how many rows go in one write: small enough that no write waits long for its
// commit, large enough that commits are few.
const batch = 1000

// Copy copies every table of from into to, which must be migrated to the same version and
// empty. It reads from one consistent moment of the source (one read transaction), so
// copy from a database no server is writing to, or accept that later changes stay
// behind. Rows keep their ids; on PostgreSQL the id sequences continue after them. A
// session's confirmed count is left to the destination's own triggers to count again from
// the bookings copied, and must come out as in the source.
func Copy(ctx context.Context, from, to *store.DB) (Report, error) {
	began := time.Now()
	if err := sameVersion(ctx, from, to); err != nil {
		return Report{}, err
	}
	order, err := copyOrder(ctx, from, to)
	if err != nil {
		return Report{}, err
	}
	if err := refuseNonEmpty(ctx, to, order); err != nil {
		return Report{}, err
	}
	src, err := from.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: snapshotIsolation(from)})
	if err != nil {
		return Report{}, store.Classify(err)
	}
	defer src.Rollback()
	var report Report
	for _, table := range order {
		n, err := copyTable(ctx, src, to, table)
		if err != nil {
			return report, fmt.Errorf("copy %s: %w", table, err)
		}
		report.Counts = append(report.Counts, Count{Table: table, Source: n})
	}
	if err := continueIDs(ctx, to, order); err != nil {
		return report, err
	}
	if err := check(ctx, src, to, &report); err != nil {
		return report, err
	}
	report.Took = time.Since(began)
	return report, nil
}

// snapshotIsolation gives one moment of the whole database: SQLite's read transactions
// always do; PostgreSQL's READ COMMITTED would see commits made between tables.
func snapshotIsolation(db *store.DB) sql.IsolationLevel {
	if db.Dialect() == store.Postgres {
		return sql.LevelRepeatableRead
	}
	return sql.LevelDefault
}

func sameVersion(ctx context.Context, from, to *store.DB) error {
	a, _, err := from.SchemaVersions(ctx)
	if err != nil {
		return fmt.Errorf("the source: %w", err)
	}
	b, _, err := to.SchemaVersions(ctx)
	if err != nil {
		return fmt.Errorf("the destination: %w", err)
	}
	if a != b {
		return fmt.Errorf("the source is at migration %d and the destination at %d: migrate both with this traininghub first", a, b)
	}
	return nil
}

// copyOrder lists the tables so that each comes after every table it references in the
// destination, and checks that both databases have the same tables.
func copyOrder(ctx context.Context, from, to *store.DB) ([]string, error) {
	have, err := from.Tables(ctx)
	if err != nil {
		return nil, err
	}
	refs, err := to.References(ctx)
	if err != nil {
		return nil, err
	}
	var want []string
	for t := range refs {
		want = append(want, t)
	}
	slices.Sort(want)
	if !slices.Equal(have, want) {
		return nil, fmt.Errorf("the two databases have different tables: source %v, destination %v", have, want)
	}
	var order []string
	placed := map[string]bool{}
	for len(order) < len(want) {
		progress := false
		for _, t := range want {
			if placed[t] || slices.ContainsFunc(refs[t], func(r string) bool { return !placed[r] }) {
				continue
			}
			order, placed[t], progress = append(order, t), true, true
		}
		if !progress {
			return nil, errors.New("the tables' foreign keys go round in a circle")
		}
	}
	return order, nil
}

func refuseNonEmpty(ctx context.Context, to *store.DB, tables []string) error {
	for _, t := range tables {
		var any bool
		if err := to.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+t+`)`).Scan(&any); err != nil {
			return store.Classify(err)
		}
		if any {
			return fmt.Errorf("%w: %s has rows; copy into a new, empty database", ErrNotEmpty, t)
		}
	}
	return nil
}

// copyTable copies one table's rows in id order, batch rows to a write.
func copyTable(ctx context.Context, src *sql.Tx, to *store.DB, table string) (int64, error) {
	rows, err := src.QueryContext(ctx, `SELECT * FROM `+table+` ORDER BY 1`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	insert := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES (?` + strings.Repeat(", ?", len(cols)-1) + `)`
	recount := slices.Index(cols, "confirmed_count")
	var n int64
	var pending [][]any
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		err := to.Write(wctx, func(tx *sql.Tx) error {
			stmt, err := tx.PrepareContext(wctx, insert)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for _, values := range pending {
				if _, err := stmt.ExecContext(wctx, values...); err != nil {
					return err
				}
			}
			return nil
		})
		pending = pending[:0]
		return err
	}
	for rows.Next() {
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		if table == "course_sessions" && recount >= 0 {
			values[recount] = int64(0) // the bookings' triggers count the places again
		}
		pending = append(pending, values)
		n++
		if len(pending) == batch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

// continueIDs moves PostgreSQL's id sequences past the ids copied, so new rows do not
// collide with them.
func continueIDs(ctx context.Context, to *store.DB, tables []string) error {
	if to.Dialect() != store.Postgres {
		return nil
	}
	for _, t := range tables {
		var seq sql.NullString
		if err := to.R.QueryRowContext(ctx, `SELECT pg_get_serial_sequence(?, 'id')`, t).Scan(&seq); err != nil {
			continue // no id column
		}
		if !seq.Valid {
			continue
		}
		if _, err := to.Exec(ctx, `SELECT setval(?, COALESCE((SELECT max(id) FROM `+t+`), 0) + 1, false)`, seq.String); err != nil {
			return fmt.Errorf("continue %s's ids: %w", t, err)
		}
	}
	return nil
}

// check counts each table in the destination against the source, and every session's
// confirmed places (counted again by the destination) against the source's count.
func check(ctx context.Context, src *sql.Tx, to *store.DB, report *Report) error {
	var problems []string
	for i, c := range report.Counts {
		if err := to.R.QueryRowContext(ctx, `SELECT count(*) FROM `+c.Table).Scan(&report.Counts[i].Copied); err != nil {
			return store.Classify(err)
		}
		if report.Counts[i].Copied != c.Source {
			problems = append(problems, fmt.Sprintf("%s: %d rows in the source, %d copied", c.Table, c.Source, report.Counts[i].Copied))
		}
	}
	want, err := confirmedCounts(ctx, src)
	if err != nil {
		return err
	}
	got, err := confirmedCounts(ctx, to.R)
	if err != nil {
		return err
	}
	if want != got {
		problems = append(problems, fmt.Sprintf("sessions' confirmed places: %s in the source, %s in the copy", want, got))
	}
	if len(problems) > 0 {
		return fmt.Errorf("the copy does not match the source: %s", strings.Join(problems, "; "))
	}
	return nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// confirmedCounts sums every session's confirmed count, weighted by id so that two
// sessions' counts cannot trade places unnoticed.
func confirmedCounts(ctx context.Context, q queryer) (string, error) {
	var n, weighted int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(confirmed_count), 0), COALESCE(SUM(confirmed_count * id), 0) FROM course_sessions`).
		Scan(&n, &weighted)
	return fmt.Sprintf("%d (weighted %d)", n, weighted), store.Classify(err)
}
