package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/demo"
	"github.com/traininghub/traininghub/internal/testkit"
)

// TestCopyToPostgresAndBackGivesTheSameAnswers moves the demo partnership from a SQLite
// file to PostgreSQL with `traininghub copy`, and from there to a new SQLite file, then
// asks a server on each of the three the same questions, as the public and as a
// practitioner with an API token made before the copy: every answer is the same, byte
// for byte.
func TestCopyToPostgresAndBackGivesTheSameAnswers(t *testing.T) {
	address := os.Getenv(testkit.PostgresEnv)
	if address == "" {
		t.Skip("set TRAININGHUB_TEST_POSTGRES to copy to PostgreSQL (.ci/run does)")
	}
	if testing.Short() {
		t.Skip("starts three server processes")
	}
	ctx := context.Background()
	dir := t.TempDir()
	source := filepath.Join(dir, "source.db")
	db, err := openAndMigrate(ctx, source)
	if err != nil {
		t.Fatal(err)
	}
	accounts := account.NewService(db, clock.System, account.NewHasher(account.TestHashParams, 2))
	courses := course.NewService(db, clock.System)
	if _, err := demo.Seed(ctx, accounts, courses, booking.NewService(db, clock.System), time.Now()); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(mustRun(t, "token", "add", "--db", source, "--email", "practitioner@example.org"))
	catalogue, err := courses.Catalogue(ctx, course.Search{})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	pg := testkit.NewPostgresDatabase(t, address)
	back := filepath.Join(dir, "back.db")
	if out := mustRun(t, "copy", "--from", source, "--to", pg); !strings.Contains(out, "bookings") {
		t.Fatalf("copy said:\n%s", out)
	}
	mustRun(t, "copy", "--from", pg, "--to", back)

	key := filepath.Join(dir, "secret.key")
	os.WriteFile(key, []byte(strings.Repeat("ab", 32)), 0o600)
	paths := []string{"/api/v1/courses", "/api/v1/me/bookings", "/courses"}
	for _, c := range catalogue {
		paths = append(paths, fmt.Sprintf("/api/v1/courses/%d", c.ID))
	}
	var answers []map[string]string
	for _, at := range []string{source, pg, back} {
		_, base := startServeProcess(t, at, "--secret-key-file", key)
		got := map[string]string{}
		for _, p := range paths {
			req, _ := http.NewRequest(http.MethodGet, base+p, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s at %s: %d %s", p, at, resp.StatusCode, body)
			}
			got[p] = string(body)
		}
		answers = append(answers, got)
	}
	for _, p := range paths {
		if answers[0][p] != answers[1][p] || answers[0][p] != answers[2][p] {
			t.Errorf("%s answers differently on SQLite, PostgreSQL and the copy back:\n%.300s\n%.300s\n%.300s",
				p, answers[0][p], answers[1][p], answers[2][p])
		}
	}
}

// mustRun runs a traininghub command and fails the test if it fails.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, err := runCmd(t, "", args...)
	if err != nil {
		t.Fatalf("traininghub %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}
