package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// postgresDB opens a fresh migrated PostgreSQL database, or skips where the tests have
// no server (TRAININGHUB_TEST_POSTGRES unset: the README's plain `go test ./...`).
func postgresDB(t *testing.T) *store.DB {
	t.Helper()
	if !testkit.OnPostgres() {
		t.Skip("set TRAININGHUB_TEST_POSTGRES to run against PostgreSQL (.ci/run does)")
	}
	db := testkit.DB(t)
	if db.Dialect() != store.Postgres {
		t.Fatalf("dialect = %s", db.Dialect())
	}
	return db
}

// A read-then-write under LockRow is never interleaved with another, even across two
// handles (as two serve processes would be): without the lock, READ COMMITTED would let
// two writers read the same count and one increment would be lost.
func TestPostgresLockRowMakesWritersTakeTurns(t *testing.T) {
	db := postgresDB(t)
	ctx := context.Background()
	other, err := store.Open(testkit.AddressOf(t, db))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	id, err := db.Insert(ctx, `INSERT INTO organisations (name, type, created_at) VALUES ('Counter 0', 'other', ?) RETURNING id`,
		store.FormatTime(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	const writers = 40
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		handle := []*store.DB{db, other}[i%2]
		wg.Go(func() {
			errs <- handle.Write(ctx, func(tx *sql.Tx) error {
				if err := store.LockRow(ctx, tx, "organisations", id); err != nil {
					return err
				}
				var name string
				if err := tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = ?`, id).Scan(&name); err != nil {
					return err
				}
				var n int
				fmt.Sscanf(name, "Counter %d", &n)
				time.Sleep(time.Millisecond) // widen the window a lost update needs
				_, err := tx.ExecContext(ctx, `UPDATE organisations SET name = ? WHERE id = ?`, fmt.Sprintf("Counter %d", n+1), id)
				return err
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var name string
	if err := db.R.QueryRow(`SELECT name FROM organisations WHERE id = ?`, id).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("Counter %d", writers); name != want {
		t.Errorf("after %d locked increments the row says %q", writers, name)
	}
}

// The reading pool refuses to write, as SQLite's read-only readers do, so a change can
// only be made through Write (and so through the audit hook and the generation count).
func TestPostgresReadersCannotWrite(t *testing.T) {
	db := postgresDB(t)
	_, err := db.R.Exec(`INSERT INTO settings (key, value) VALUES ('x', 'y')`)
	if err == nil {
		t.Fatal("the reading pool wrote a row")
	}
	var n int
	if err := db.R.QueryRow(`SELECT count(*) FROM settings WHERE key = 'x'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("settings rows = %d (%v)", n, err)
	}
}

// A failed write changes nothing and its error keeps its meaning: a unique index refusal
// is a constraint error, a missing row is ErrNotFound, a panic reaches the caller.
func TestPostgresWriteErrors(t *testing.T) {
	db := postgresDB(t)
	ctx := context.Background()
	insert := func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('k', 'v')`)
		return err
	}
	if err := db.Write(ctx, insert); err != nil {
		t.Fatal(err)
	}
	err := db.Write(ctx, insert)
	if !store.IsConstraint(err) {
		t.Errorf("duplicate key: %v, want a constraint error", err)
	}
	err = db.Write(ctx, func(tx *sql.Tx) error {
		var v string
		return tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'missing'`).Scan(&v)
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing row: %v, want ErrNotFound", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("a panic inside Write did not reach the caller")
			}
		}()
		_ = db.Write(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE settings SET value = 'changed'`); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	var v string
	if err := db.R.QueryRow(`SELECT value FROM settings WHERE key = 'k'`).Scan(&v); err != nil || v != "v" {
		t.Errorf("after the failed writes the value is %q (%v)", v, err)
	}
}

// A change committed through one handle is counted by every other handle's Generation
// (each serve process's caches watch their own), within moments; a change that rolled
// back, or made by WriteUnseen, is not announced.
func TestPostgresOtherServersLearnOfChanges(t *testing.T) {
	db := postgresDB(t)
	ctx := context.Background()
	other, err := store.Open(testkit.AddressOf(t, db))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	time.Sleep(300 * time.Millisecond) // let the listener connect and settle
	waitForChange := func(before uint64) bool {
		deadline := time.Now().Add(2 * time.Second)
		for time.Now().Before(deadline) {
			if other.Generation() != before {
				return true
			}
			time.Sleep(10 * time.Millisecond)
		}
		return false
	}

	before := other.Generation()
	if err := db.WriteUnseen(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('unseen', '1')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	_ = db.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('undone', '1')`); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	if waitForChange(before) {
		t.Error("the other handle counted a change nobody should see")
	}

	before = other.Generation()
	if _, err := db.Exec(ctx, `INSERT INTO settings (key, value) VALUES ('seen', '1')`); err != nil {
		t.Fatal(err)
	}
	if !waitForChange(before) {
		t.Error("the other handle did not learn of a committed change within 2 s")
	}
}

// A scheduled job's pass runs at one server at a time: while one handle runs it, another
// is told it did not run; once the first is done, the next pass runs.
func TestPostgresJobsRunAtOneServerAtATime(t *testing.T) {
	db := postgresDB(t)
	ctx := context.Background()
	other, err := store.Open(testkit.AddressOf(t, db))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	inside, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		_, err := db.Exclusively(ctx, "reminders", func() error {
			close(inside)
			<-release
			return nil
		})
		first <- err
	}()
	<-inside
	ran, err := other.Exclusively(ctx, "reminders", func() error { return nil })
	if err != nil || ran {
		t.Errorf("while another server runs the job: ran %v (%v), want false", ran, err)
	}
	ran, err = other.Exclusively(ctx, "digest", func() error { return nil })
	if err != nil || !ran {
		t.Errorf("another job meanwhile: ran %v (%v), want true", ran, err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	ran, err = other.Exclusively(ctx, "reminders", func() error { return nil })
	if err != nil || !ran {
		t.Errorf("after the first server finished: ran %v (%v), want true", ran, err)
	}
}

// Servers started together each migrate the same new database: they take turns, and all
// of them start.
func TestPostgresServersMigrateTogether(t *testing.T) {
	if !testkit.OnPostgres() {
		t.Skip("set TRAININGHUB_TEST_POSTGRES to run against PostgreSQL (.ci/run does)")
	}
	dsn := testkit.NewPostgresDatabase(t, os.Getenv(testkit.PostgresEnv))
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			db, err := store.Open(dsn)
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			errs <- db.Migrate(context.Background())
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
