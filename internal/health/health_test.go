package health_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/traininghub/traininghub/internal/health"
	"github.com/traininghub/traininghub/internal/testkit"
)

func serve(t *testing.T, checks []health.Check) (int, string, health.Report) {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.GET("/readyz", health.Handler(checks))
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	var r health.Report
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("body %s: %v", rec.Body, err)
	}
	return rec.Code, rec.Header().Get("Retry-After"), r
}

// TestReadyOnAHealthyDatabase: a migrated database with free space and a beating worker
// is ready, and every check says so by name.
func TestReadyOnAHealthyDatabase(t *testing.T) {
	env := testkit.New(t)
	now := time.Now
	checks := []health.Check{
		health.DatabaseWritable(env.DB), health.StorageNotFull(env.DB, time.Minute),
		health.MigrationsCurrent(env.DB), health.DiskSpace(t.TempDir(), 1),
		health.Heartbeat("mail_worker", now, now, time.Minute),
	}
	code, _, r := serve(t, checks)
	if code != http.StatusOK || !r.Ready || len(r.Checks) != len(checks) {
		t.Fatalf("healthy: %d %+v", code, r)
	}
	for _, c := range r.Checks {
		if !c.OK || c.Problem != "" {
			t.Errorf("check %s: %+v", c.Name, c)
		}
	}
}

// TestNotReadyNamesWhatIsWrong: each failing check makes /readyz a 503 with Retry-After
// and a problem in plain words, while the passing ones still say ok.
func TestNotReadyNamesWhatIsWrong(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	stuck := func() time.Time { return time.Now().Add(-10 * time.Minute) }
	never := func() time.Time { return time.Time{} }
	if _, err := env.DB.Exec(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, TRUE)`); err != nil {
		t.Fatal(err)
	}
	code, retry, r := serve(t, []health.Check{
		health.DatabaseWritable(env.DB),
		health.MigrationsCurrent(env.DB),
		health.DiskSpace(t.TempDir(), 1<<62),
		health.Heartbeat("mail_worker", stuck, time.Now, 2*time.Minute),
		health.Heartbeat("other_worker", never, time.Now, time.Minute),
	})
	if code != http.StatusServiceUnavailable || retry == "" || r.Ready {
		t.Fatalf("failing: %d Retry-After %q %+v", code, retry, r)
	}
	want := map[string]string{
		"database_writable":  "",
		"migrations_current": "the database is at migration 999",
		"disk_space":         "below the",
		"mail_worker":        "last seen working 10m0s ago",
		"other_worker":       "not started",
	}
	for _, c := range r.Checks {
		w, known := want[c.Name]
		if !known {
			t.Errorf("unexpected check %q", c.Name)
			continue
		}
		if (w == "") != c.OK || !strings.Contains(c.Problem, w) {
			t.Errorf("%s: ok %v, problem %q; want it to say %q", c.Name, c.OK, c.Problem, w)
		}
	}
}

// TestStorageFullClearsAfterItsWindow: a write that failed for want of space (a real
// SQLITE_FULL from a capped database) fails storage_not_full for the window, then no more.
func TestStorageFullClearsAfterItsWindow(t *testing.T) {
	if testkit.OnPostgres() {
		t.Skip("fills a SQLite file to its size limit; on PostgreSQL a full disk is the database server's")
	}
	env := testkit.New(t)
	ctx := context.Background()
	var pages int
	if err := env.DB.R.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := env.DB.Exec(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		t.Fatal(err)
	}
	if _, err := env.DB.Exec(ctx, `CREATE TABLE ballast (b BLOB)`); err != nil {
		t.Logf("create: %v", err)
	}
	var failed error
	for i := 0; i < 1000 && failed == nil; i++ {
		_, failed = env.DB.Exec(ctx, `INSERT INTO ballast VALUES (zeroblob(65536))`)
	}
	if failed == nil || env.DB.LastFull().IsZero() {
		t.Fatalf("the capped database never filled: %v", failed)
	}
	check := health.StorageNotFull(env.DB, 200*time.Millisecond)
	if err := check.Run(ctx); err == nil || !strings.Contains(err.Error(), "want of space") {
		t.Fatalf("just after a full write: %v", err)
	}
	time.Sleep(300 * time.Millisecond)
	if err := check.Run(ctx); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}
