package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for creating and dropping test databases

	"github.com/traininghub/traininghub/internal/store"
)

// PostgresEnv names the environment variable that points the tests at a PostgreSQL
// server (an address of a database the tests may create others from, such as
// postgres://postgres@127.0.0.1:55432/postgres). Unset, every test uses SQLite files.
const PostgresEnv = "TRAININGHUB_TEST_POSTGRES"

// OnPostgres reports whether this test run uses PostgreSQL.
func OnPostgres() bool { return os.Getenv(PostgresEnv) != "" }

// NewDatabase returns the address of a new, empty database for one test: a file in the
// test's temporary folder, or, under TRAININGHUB_TEST_POSTGRES, a PostgreSQL database
// of its own that is dropped when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	server := os.Getenv(PostgresEnv)
	if server == "" {
		return filepath.Join(t.TempDir(), "test.db")
	}
	return NewPostgresDatabase(t, server)
}

// NewPostgresDatabase creates an empty database on the server at address and returns its
// address; the test's cleanup drops it.
func NewPostgresDatabase(t testing.TB, address string) string {
	t.Helper()
	admin, err := sql.Open("pgx", address)
	if err != nil {
		t.Fatalf("connect to %s: %v", PostgresEnv, err)
	}
	defer admin.Close()
	suffix := make([]byte, 8)
	rand.Read(suffix)
	name := "th_test_" + hex.EncodeToString(suffix)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", address)
		if err != nil {
			t.Errorf("connect to drop %s: %v", name, err)
			return
		}
		defer admin.Close()
		if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(address)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// AddressOf is where db lives, for a test that opens a second handle on it as another
// process would.
func AddressOf(t testing.TB, db *store.DB) string {
	t.Helper()
	a := db.Address()
	if a == "" {
		t.Fatal("this database has no address")
	}
	return a
}
