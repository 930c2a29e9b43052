package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// groupDB opens a database with a table of keys and a child table whose foreign key can be
// deferred to commit time.
func groupDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.writer.groupTime = time.Minute // holdWriter keeps the first write open on purpose
	if _, err := db.w.Exec(`CREATE TABLE k (key TEXT PRIMARY KEY);
		CREATE TABLE child (parent TEXT REFERENCES k(key))`); err != nil {
		t.Fatal(err)
	}
	return db
}

func insertKey(key string) func(tx *sql.Tx) error {
	return func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO k (key) VALUES (?)`, key)
		return err
	}
}

func keys(t *testing.T, db *DB) []string {
	t.Helper()
	rows, err := db.R.Query(`SELECT key FROM k ORDER BY key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		out = append(out, k)
	}
	return out
}

// holdWriter starts a write that blocks the writer until release is called, so writes
// queued meanwhile all join the group that follows it.
func holdWriter(t *testing.T, db *DB) (release func(), result <-chan error) {
	t.Helper()
	holding, gate := make(chan struct{}), make(chan struct{})
	res := make(chan error, 1)
	go func() {
		res <- db.Write(context.Background(), func(tx *sql.Tx) error {
			close(holding)
			<-gate
			return insertKey("0-holder")(tx)
		})
	}()
	<-holding
	return func() { close(gate) }, res
}

// waitQueued waits until n writes are in the queue.
func waitQueued(t *testing.T, db *DB, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(db.writer.queue) < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d writes queued", len(db.writer.queue), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// start runs Write in a goroutine and returns where its answer will come.
func start(db *DB, fn func(tx *sql.Tx) error) <-chan error {
	res := make(chan error, 1)
	go func() { res <- db.Write(context.Background(), fn) }()
	return res
}

func TestGroupCommitFailingWriteLeavesTheOthersCommitted(t *testing.T) {
	db := groupDB(t)
	release, held := holdWriter(t, db)
	boom := errors.New("boom")
	a := start(db, insertKey("a"))
	waitQueued(t, db, 1)
	b := start(db, func(tx *sql.Tx) error {
		if err := insertKey("b")(tx); err != nil {
			return err
		}
		return boom
	})
	waitQueued(t, db, 2)
	c := start(db, insertKey("c"))
	waitQueued(t, db, 3)
	before := db.Generation()
	release()

	for name, res := range map[string]<-chan error{"holder": held, "a": a, "c": c} {
		if err := <-res; err != nil {
			t.Errorf("write %s = %v, want committed", name, err)
		}
	}
	if err := <-b; !errors.Is(err, boom) {
		t.Errorf("failing write = %v, want its own error", err)
	}
	if got := keys(t, db); !slices.Equal(got, []string{"0-holder", "a", "c"}) {
		t.Errorf("keys = %v, want the failing write's row rolled back and the rest kept", got)
	}
	if n := db.Generation() - before; n != 1 {
		t.Errorf("%d commits for one group, want 1", n)
	}
}

func TestGroupCommitContainsAPanic(t *testing.T) {
	db := groupDB(t)
	release, held := holdWriter(t, db)
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		_ = db.Write(context.Background(), func(tx *sql.Tx) error {
			_ = insertKey("p")(tx)
			panic("bug in a write")
		})
	}()
	waitQueued(t, db, 1)
	after := start(db, insertKey("after"))
	waitQueued(t, db, 2)
	release()

	if v := <-panicked; v == nil || !strings.Contains(fmt.Sprint(v), "bug in a write") {
		t.Errorf("caller recovered %v, want the write's panic raised again in its own goroutine", v)
	}
	if err := <-held; err != nil {
		t.Errorf("holder = %v", err)
	}
	if err := <-after; err != nil {
		t.Errorf("write after the panic = %v", err)
	}
	if got := keys(t, db); !slices.Equal(got, []string{"0-holder", "after"}) {
		t.Errorf("keys = %v, want the panicking write undone and the others kept", got)
	}
	// The writer goroutine survived.
	if err := db.Write(context.Background(), insertKey("later")); err != nil {
		t.Errorf("write after the group = %v", err)
	}
}

func TestGroupCommitFailedCommitFailsEveryWriteInTheGroup(t *testing.T) {
	db := groupDB(t)
	release, held := holdWriter(t, db)
	a := start(db, insertKey("a"))
	waitQueued(t, db, 1)
	// A foreign key checked at commit: the commit fails, not the write.
	orphan := start(db, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`PRAGMA defer_foreign_keys = ON`); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO child (parent) VALUES ('nobody')`)
		return err
	})
	waitQueued(t, db, 2)
	release()

	for name, res := range map[string]<-chan error{"holder": held, "a": a, "orphan": orphan} {
		if err := <-res; err == nil || !IsConstraint(err) {
			t.Errorf("write %s = %v, want the failed commit's constraint error", name, err)
		}
	}
	if got := keys(t, db); len(got) != 0 {
		t.Errorf("keys = %v after a failed commit, want none", got)
	}
	if err := db.Write(context.Background(), insertKey("next")); err != nil {
		t.Errorf("the next group = %v", err)
	}
}

func TestGroupCommitCancelledWhileQueuedNeverRuns(t *testing.T) {
	db := groupDB(t)
	release, held := holdWriter(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() {
		res <- db.Write(ctx, func(tx *sql.Tx) error {
			t.Error("a write cancelled while queued ran")
			return insertKey("cancelled")(tx)
		})
	}()
	waitQueued(t, db, 1)
	cancel()
	if err := <-res; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled write = %v, want context.Canceled", err)
	}
	release()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if got := keys(t, db); !slices.Equal(got, []string{"0-holder"}) {
		t.Errorf("keys = %v", got)
	}
}

// Many writers at once share commits, and each is told only about its own write.
func TestGroupCommitSharesCommitsUnderLoad(t *testing.T) {
	db := groupDB(t)
	const writers = 400
	before := db.Generation()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			fn := insertKey(fmt.Sprintf("k%03d", i))
			if i%10 == 0 {
				fn = insertKey("duplicate") // one succeeds, the rest are refused
			}
			errs <- db.Write(context.Background(), fn)
		})
	}
	wg.Wait()
	close(errs)
	var failed int
	for err := range errs {
		if err != nil {
			if !IsConstraint(err) {
				t.Errorf("unexpected error %v", err)
			}
			failed++
		}
	}
	if failed != writers/10-1 {
		t.Errorf("%d refused, want %d duplicates", failed, writers/10-1)
	}
	if got := len(keys(t, db)); got != writers-writers/10+1 {
		t.Errorf("%d rows, want %d", got, writers-writers/10+1)
	}
	commits := int(db.Generation() - before)
	t.Logf("%d writes in %d commits", writers, commits)
	if commits >= writers-failed {
		t.Errorf("%d commits for %d writes: no commit was shared", commits, writers-failed)
	}
}

func TestWriteAfterCloseIsRefused(t *testing.T) {
	db := groupDB(t)
	if err := db.Write(context.Background(), insertKey("a")); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := db.Write(context.Background(), insertKey("b")); !errors.Is(err, errClosed) {
		t.Errorf("Write after Close = %v, want errClosed", err)
	}
}

// Bookkeeping written with WriteUnseen commits like any write but leaves Generation, which
// caches and the mail worker watch, alone, even when it shares a commit with others.
func TestWriteUnseenLeavesGenerationAlone(t *testing.T) {
	db := groupDB(t)
	before := db.Generation()
	if err := db.WriteUnseen(context.Background(), insertKey("session")); err != nil {
		t.Fatal(err)
	}
	if db.Generation() != before {
		t.Errorf("an unseen write moved Generation from %d to %d", before, db.Generation())
	}
	release, held := holdWriter(t, db)
	unseen := make(chan error, 1)
	go func() { unseen <- db.WriteUnseen(context.Background(), insertKey("session2")) }()
	waitQueued(t, db, 1)
	release()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if err := <-unseen; err != nil {
		t.Fatal(err)
	}
	if got := db.Generation() - before; got != 1 {
		t.Errorf("Generation moved %d for a group holding one seen write, want 1", got)
	}
	if got := keys(t, db); !slices.Equal(got, []string{"0-holder", "session", "session2"}) {
		t.Errorf("keys = %v", got)
	}
}
