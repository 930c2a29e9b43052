package health_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/health"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

func results(r health.Readiness) map[string]string {
	m := map[string]string{}
	for _, c := range r.Run(context.Background()) {
		m[c.Name] = c.Result
	}
	return m
}

func TestReadyWhenAllIsWell(t *testing.T) {
	db := testkit.DB(t)
	gen := db.Generation()
	got := results(health.Readiness{DB: db, MailBeat: time.Now})
	for _, name := range []string{"database_writable", "migrations", "disk_space", "storage_full", "mail_worker"} {
		if got[name] != "ok" {
			t.Errorf("%s = %q", name, got[name])
		}
	}
	if db.Generation() != gen {
		t.Error("the writability check moved Generation, which empties page caches")
	}
}

// TestEachCheckFails makes each condition happen for real and reads its line.
func TestEachCheckFails(t *testing.T) {
	ctx := context.Background()

	old, err := store.Open(filepath.Join(t.TempDir(), "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if err := old.MigrateTo(ctx, 13); err != nil {
		t.Fatal(err)
	}
	if got := results(health.Readiness{DB: old})["migrations"]; got != "migrations not applied" {
		t.Errorf("at version 13: migrations = %q", got)
	}

	db := testkit.DB(t)
	free, err := health.FreeBytes(filepath.Dir(db.Path()))
	if err != nil || free == 0 {
		t.Fatalf("free space %d %v", free, err)
	}
	if got := results(health.Readiness{DB: db, MinFreeDisk: free * 2})["disk_space"]; got != "free space below the minimum" {
		t.Errorf("minimum above the free space: disk_space = %q", got)
	}

	beat := time.Now().Add(-6 * time.Minute)
	if got := results(health.Readiness{DB: db, MailBeat: func() time.Time { return beat }})["mail_worker"]; got != "stuck" {
		t.Errorf("beat 6 minutes old: mail_worker = %q", got)
	}
	if got := results(health.Readiness{DB: db, MailBeat: func() time.Time { return time.Time{} }})["mail_worker"]; got != "not running" {
		t.Errorf("no beat: mail_worker = %q", got)
	}
}

// TestStorageFullFailsForAMinuteThenClears: a write refused for lack of space (SQLite's
// own SQLITE_FULL, from a page limit) fails /readyz's storage_full line; a minute later,
// with space back, it clears by itself.
func TestStorageFullFailsForAMinuteThenClears(t *testing.T) {
	ctx := context.Background()
	db := testkit.DB(t)
	var pages int
	if err := db.R.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `PRAGMA max_page_count = `+strconv.Itoa(pages)); err != nil {
		t.Fatal(err)
	}
	_, err := db.Exec(ctx, `CREATE TABLE ballast (b BLOB)`)
	if !store.IsFull(err) {
		t.Fatalf("write past the page limit: %v, want a full error", err)
	}
	now := time.Now()
	r := health.Readiness{DB: db, Now: func() time.Time { return now }}
	got := results(r)
	if got["storage_full"] == "ok" {
		t.Errorf("storage_full = ok just after a write failed for lack of space")
	}
	if got["database_writable"] != "ok" {
		t.Errorf("database_writable = %q: a write that changes nothing still succeeds on a full disk", got["database_writable"])
	}
	if _, err := db.Exec(ctx, `PRAGMA max_page_count = 1073741823`); err != nil {
		t.Fatal(err)
	}
	now = now.Add(health.FullWindow + time.Second)
	if got := results(r)["storage_full"]; got != "ok" {
		t.Errorf("a minute after space returned: storage_full = %q", got)
	}
	if _, err := db.Exec(ctx, `CREATE TABLE ballast (b BLOB)`); err != nil {
		t.Errorf("write after space returned: %v", err)
	}
}

// TestUnwritableFileFailsWritable: a database file this process may not write (changed
// permissions, a read-only remount) fails database_writable. Root writes anyway, so the
// test says so and stops.
func TestUnwritableFileFailsWritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: file permissions do not stop root writing")
	}
	db := testkit.DB(t)
	if err := os.Chmod(db.Path(), 0o400); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(db.Path(), 0o600)
	if got := results(health.Readiness{DB: db})["database_writable"]; got != "cannot write to the database" {
		t.Errorf("read-only file: database_writable = %q", got)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]uint64{"100MB": 100 << 20, "2gb": 2 << 30, "512KB": 512 << 10, "1000": 1000, "10 MB": 10 << 20} {
		if got, err := health.ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d %v, want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "MB", "-1MB", "1.5GB", "lots"} {
		if _, err := health.ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}

func BenchmarkReadyz(b *testing.B) {
	db := testkit.DB(b)
	r := health.Readiness{DB: db, MailBeat: time.Now}
	for b.Loop() {
		r.Run(context.Background())
	}
}
