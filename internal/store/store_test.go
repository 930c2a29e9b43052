package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/traininghub/traininghub/internal/store"
)

func open(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func schema(t *testing.T, db *store.DB) []string {
	t.Helper()
	rows, err := db.R.Query(`SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestMigrateEmptyDatabaseAndAgain(t *testing.T) {
	ctx := context.Background()
	// A directory that does not exist yet is created.
	path := filepath.Join(t.TempDir(), "data", "nested", "traininghub.db")
	db := open(t, path)
	if got := schema(t, db); len(got) != 0 {
		t.Fatalf("new database is not empty: %v", got)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("first migrate: %v", err)
	}
	first := schema(t, db)
	for _, want := range []string{
		"table organisations", "table users", "table user_roles", "table api_tokens", "table web_sessions",
		"table settings", "table courses", "table course_topics", "table course_sessions", "table session_trainers",
		"table bookings", "table booking_history", "table idempotency_keys",
		"index bookings_live", "index users_email",
		"trigger booking_history_no_update", "trigger booking_history_no_delete",
		"trigger bookings_count_insert", "trigger bookings_count_update",
	} {
		if !slices.Contains(first, want) {
			t.Errorf("after migrating, %q is missing", want)
		}
	}
	var versions int
	if err := db.R.QueryRow(`SELECT count(*) FROM goose_db_version`).Scan(&versions); err != nil {
		t.Fatal(err)
	}

	// Second run (same handle, then a fresh one as a restart would) changes nothing.
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	db.Close()
	db2 := open(t, path)
	if err := db2.Migrate(ctx); err != nil {
		t.Fatalf("migrate after reopening: %v", err)
	}
	if got := schema(t, db2); !slices.Equal(got, first) {
		t.Errorf("schema changed on a second run:\n%v\n%v", first, got)
	}
	var again int
	if err := db2.R.QueryRow(`SELECT count(*) FROM goose_db_version`).Scan(&again); err != nil {
		t.Fatal(err)
	}
	if again != versions {
		t.Errorf("goose_db_version rows %d -> %d", versions, again)
	}
	if err := db2.Ping(ctx); err != nil {
		t.Errorf("Ping = %v", err)
	}
	// Pragmas from the DSN are in force on the writer.
	var mode string
	var fk, timeout int
	if err := db2.Write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRow(`SELECT * FROM pragma_journal_mode, pragma_foreign_keys, pragma_busy_timeout`).Scan(&mode, &fk, &timeout)
	}); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || fk != 1 || timeout != 5000 {
		t.Errorf("journal_mode %s foreign_keys %d busy_timeout %d", mode, fk, timeout)
	}
}

func TestOpenFailsClearly(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The parent "directory" is a file.
	if db, err := store.Open(filepath.Join(blocker, "db.sqlite")); err == nil {
		db.Close()
		t.Error("Open under a file succeeded")
	}
}

func TestReadersCannotWrite(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "t.db"))
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.R.Exec(`INSERT INTO settings (key, value) VALUES ('a', 'b')`); err == nil {
		t.Error("the reader pool wrote to the database")
	}
}

func TestWriteCommitsOrRollsBack(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "t.db"))
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	insert := func(key string) func(tx *sql.Tx) error {
		return func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, 'v')`, key)
			return err
		}
	}
	if err := db.Write(ctx, insert("kept")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := db.Write(ctx, func(tx *sql.Tx) error {
		if err := insert("dropped")(tx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("Write = %v, want the callback's error", err)
	}
	// A constraint violation comes back recognisable.
	err = db.Write(ctx, insert("kept"))
	if !store.IsConstraint(err) {
		t.Errorf("duplicate key: IsConstraint(%v) = false", err)
	}
	// sql.ErrNoRows from the callback becomes ErrNotFound.
	err = db.Write(ctx, func(tx *sql.Tx) error {
		var v string
		return tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'nope'`).Scan(&v)
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no rows = %v, want ErrNotFound", err)
	}
	var keys []string
	rows, err := db.R.Query(`SELECT key FROM settings ORDER BY key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		_ = rows.Scan(&k)
		keys = append(keys, k)
	}
	if !slices.Equal(keys, []string{"kept"}) {
		t.Errorf("keys = %v, want only the committed one", keys)
	}
}

// holdWriteLock opens a plain connection to path and keeps a write transaction open on
// it until the test ends or release is called.
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=50&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO settings (key, value) VALUES ('holder', 'x')`); err != nil {
		t.Fatal(err)
	}
	done := false
	release = func() {
		if !done {
			done = true
			_ = tx.Rollback()
			raw.Close()
		}
	}
	t.Cleanup(release)
	return release
}

func TestWriteReturnsErrBusyWhenLocked(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	db := open(t, path)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// A second handle whose writer gives up after 50 ms, as the store's would after 5 s.
	quick, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_busy_timeout=50&_foreign_keys=on&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer quick.Close()
	impatient := store.FromPools(quick, db.R)

	release := holdWriteLock(t, path)
	ran := false
	start := time.Now()
	err = impatient.Write(ctx, func(tx *sql.Tx) error {
		ran = true
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('lost', 'x')`)
		return err
	})
	if !errors.Is(err, store.ErrBusy) {
		t.Fatalf("Write while locked = %v, want ErrBusy", err)
	}
	if ran {
		t.Error("the callback ran although the transaction never began: BEGIN must be IMMEDIATE")
	}
	if d := time.Since(start); d < 40*time.Millisecond || d > 3*time.Second {
		t.Errorf("gave up after %v; want about the 50 ms busy timeout", d)
	}

	// Once the lock is released the same handle writes again, and nothing leaked.
	release()
	if err := impatient.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('after', 'x')`)
		return err
	}); err != nil {
		t.Fatalf("Write after release = %v", err)
	}
	var n int
	if err := db.R.QueryRow(`SELECT count(*) FROM settings WHERE key IN ('lost', 'holder')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d rows from rolled back or refused writes", n)
	}
}

// The store's own writer waits for its busy timeout and then reports busy, never a
// silent success.
func TestStoreWriterReportsBusyAfterTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 5 s busy timeout")
	}
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	db := open(t, path)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	holdWriteLock(t, path)
	start := time.Now()
	err := db.Write(ctx, func(tx *sql.Tx) error { return nil })
	if !errors.Is(err, store.ErrBusy) {
		t.Fatalf("Write = %v, want ErrBusy", err)
	}
	if d := time.Since(start); d < 4*time.Second {
		t.Errorf("gave up after %v, before the 5 s busy timeout", d)
	}
}

// Writers queued in this process behind a stuck one are refused as busy once they have
// waited QueueTimeout, instead of each waiting one busy timeout longer than the last. A
// caller that gives its context a deadline may wait until then.
func TestWriteQueueGivesUpAsBusy(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "t.db"))
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.QueueTimeout = 100 * time.Millisecond

	holding, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.Write(ctx, func(tx *sql.Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding

	queued := make(chan error, 1)
	start := time.Now()
	go func() {
		queued <- db.Write(ctx, func(tx *sql.Tx) error {
			t.Error("the queued write ran while another held the turn")
			return nil
		})
	}()
	select {
	case err := <-queued:
		if !errors.Is(err, store.ErrBusy) {
			t.Fatalf("queued Write = %v, want ErrBusy", err)
		}
		if d := time.Since(start); d < 80*time.Millisecond {
			t.Errorf("gave up after %v; want about the 100 ms queue timeout", d)
		}
	case <-time.After(3 * time.Second):
		close(release)
		t.Fatal("a write queued behind a stuck writer waited without limit")
	}

	// With a deadline of its own, a write waits past QueueTimeout for its turn.
	patient := make(chan error, 1)
	go func() {
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		patient <- db.Write(dctx, func(tx *sql.Tx) error { return nil })
	}()
	time.Sleep(300 * time.Millisecond)
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("first Write = %v", err)
	}
	if err := <-patient; err != nil {
		t.Fatalf("Write with a 5 s deadline, turn free after 300 ms = %v", err)
	}
}

func TestClassify(t *testing.T) {
	other := errors.New("disk on fire")
	tests := []struct {
		name string
		in   error
		want error
	}{
		{"nil", nil, nil},
		{"no rows", sql.ErrNoRows, store.ErrNotFound},
		{"wrapped no rows", fmt.Errorf("load: %w", sql.ErrNoRows), store.ErrNotFound},
		{"busy", sqlite3.Error{Code: sqlite3.ErrBusy}, store.ErrBusy},
		{"locked", sqlite3.Error{Code: sqlite3.ErrLocked}, store.ErrBusy},
		{"wrapped busy", fmt.Errorf("begin: %w", sqlite3.Error{Code: sqlite3.ErrBusy}), store.ErrBusy},
		{"constraint stays", sqlite3.Error{Code: sqlite3.ErrConstraint}, sqlite3.Error{Code: sqlite3.ErrConstraint}},
		{"other stays", other, other},
	}
	for _, tc := range tests {
		got := store.Classify(tc.in)
		switch {
		case tc.want == nil:
			if got != nil {
				t.Errorf("%s: Classify = %v, want nil", tc.name, got)
			}
		case errors.Is(tc.want, store.ErrBusy) || errors.Is(tc.want, store.ErrNotFound):
			if !errors.Is(got, tc.want) {
				t.Errorf("%s: Classify = %v, want %v", tc.name, got, tc.want)
			}
		default:
			if got != tc.in {
				t.Errorf("%s: Classify = %v, want it unchanged", tc.name, got)
			}
		}
	}
	if store.IsConstraint(other) || store.IsConstraint(nil) || !store.IsConstraint(fmt.Errorf("x: %w", sqlite3.Error{Code: sqlite3.ErrConstraint})) {
		t.Error("IsConstraint misclassifies")
	}
	// The busy error keeps SQLite's words for the log.
	if got := store.Classify(sqlite3.Error{Code: sqlite3.ErrBusy}); got.Error() == store.ErrBusy.Error() {
		t.Errorf("busy error lost its cause: %q", got)
	}
}

func TestTimeFormat(t *testing.T) {
	bst := time.FixedZone("BST", 3600)
	in := time.Date(2027, 3, 28, 1, 30, 15, 999_999_999, bst) // 00:30:15 UTC
	s := store.FormatTime(in)
	if s != "2027-03-28T00:30:15Z" {
		t.Errorf("FormatTime = %q", s)
	}
	back, err := store.ParseTime(s)
	if err != nil || !back.Equal(in.Truncate(time.Second)) || back.Location() != time.UTC {
		t.Errorf("ParseTime = %v, %v", back, err)
	}
	// Stored times sort as text in time order.
	a, b := store.FormatTime(time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC)), store.FormatTime(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	if !(a < b) {
		t.Errorf("%q does not sort before %q", a, b)
	}
	for _, bad := range []string{"", "2027-03-28 00:30:15", "2027-03-28T00:30:15+01:00", "yesterday"} {
		if _, err := store.ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) succeeded", bad)
		}
	}

	var st store.Time
	for _, src := range []any{"2027-03-28T00:30:15Z", []byte("2027-03-28T00:30:15Z")} {
		if err := st.Scan(src); err != nil || !st.T.Equal(back) {
			t.Errorf("Scan(%T) = %v, %v", src, st.T, err)
		}
	}
	if err := st.Scan(nil); err != nil || !st.T.IsZero() {
		t.Errorf("Scan(nil) = %v, %v", st.T, err)
	}
	if err := st.Scan(int64(5)); err == nil {
		t.Error("Scan(int64) succeeded")
	}
	if err := st.Scan("garbage"); err == nil {
		t.Error("Scan(garbage) succeeded")
	}
}

// fill makes the database "full" the way a full disk does: SQLite refuses to grow the
// file past max_page_count and answers SQLITE_FULL, a real SQLite error rather than a mock.
// The writer pool holds one connection for ever, so the per-connection pragma sticks.
func fill(t *testing.T, db *store.DB, full bool) {
	t.Helper()
	limit := 1 << 30
	if full {
		if err := db.R.QueryRow(`PRAGMA page_count`).Scan(&limit); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(context.Background(), fmt.Sprintf(`PRAGMA max_page_count = %d`, limit)); err != nil {
		t.Fatal(err)
	}
}

func TestDiskFullIsErrFullAndRecovers(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "db.sqlite"))
	ctx := context.Background()
	insert := func() error {
		return db.Write(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO notes (body) VALUES (?)`, string(make([]byte, 64<<10)))
			return err
		})
	}
	if err := db.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	fill(t, db, true)
	err := insert()
	if !errors.Is(err, store.ErrFull) || !store.IsFull(err) {
		t.Fatalf("insert into a full database = %v, want ErrFull", err)
	}
	if err.Error() == store.ErrFull.Error() {
		t.Errorf("ErrFull lost SQLite's words for the log: %v", err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("reads stop when the disk is full: %v", err)
	}
	fill(t, db, false) // space returns
	if err := insert(); err != nil {
		t.Fatalf("after space returned, insert = %v; the store must recover without a restart", err)
	}
}

func TestIsFull(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{sqlite3.Error{Code: sqlite3.ErrFull}, true},
		{fmt.Errorf("commit: %w", sqlite3.Error{Code: sqlite3.ErrIoErr, ExtendedCode: sqlite3.ErrIoErrWrite}), true},
		{sqlite3.Error{Code: sqlite3.ErrIoErr, ExtendedCode: sqlite3.ErrIoErrFsync}, true},
		{sqlite3.Error{Code: sqlite3.ErrIoErr, ExtendedCode: sqlite3.ErrIoErrRead}, false},
		{sqlite3.Error{Code: sqlite3.ErrBusy}, false},
		{errors.New("no space left on device"), false},
		{nil, false},
	} {
		if got := store.IsFull(tc.err); got != tc.want {
			t.Errorf("IsFull(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestOpenSaysWhenTheDirectoryIsNotWritable(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		// root writes anywhere a mode allows nothing; /proc refuses even root.
		ro = "/proc"
	}
	db, err := store.Open(filepath.Join(ro, "traininghub.db"))
	if err == nil {
		db.Close()
		t.Fatal("Open in an unwritable directory succeeded")
	}
	if want := "cannot write to " + ro; !strings.Contains(err.Error(), want) {
		t.Fatalf("Open = %q, want it to say %q", err, want)
	}
}

// Commits wait for the disk unless the operator chose otherwise, and a typo is refused
// rather than quietly meaning either.
func TestSyncSetting(t *testing.T) {
	dir := t.TempDir()
	level := func(db *store.DB) int {
		var n int
		if err := db.Write(context.Background(), func(tx *sql.Tx) error {
			return tx.QueryRow(`PRAGMA synchronous`).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got := level(open(t, filepath.Join(dir, "default.db"))); got != 2 {
		t.Errorf("default synchronous = %d, want 2 (FULL)", got)
	}
	normal, err := store.OpenSync(filepath.Join(dir, "normal.db"), store.SyncNormal)
	if err != nil {
		t.Fatal(err)
	}
	defer normal.Close()
	if got := level(normal); got != 1 {
		t.Errorf("--sync normal: synchronous = %d, want 1 (NORMAL)", got)
	}
	if _, err := store.ParseSync("ful"); err == nil {
		t.Error(`ParseSync("ful") succeeded`)
	}
	if _, err := store.OpenSync(filepath.Join(dir, "bad.db"), "off"); err == nil {
		t.Error(`OpenSync with "off" succeeded`)
	}
}
