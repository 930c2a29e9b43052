// Package testkit builds real, migrated SQLite databases and small fixtures for tests.
package testkit

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/secretkey"
	"github.com/traininghub/traininghub/internal/store"
)

// Clock is a settable clock for tests; safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t.UTC()} }

// Now returns the current fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t.UTC()
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// DB opens a fresh migrated database: a file in t.TempDir(), or a PostgreSQL database of
// its own under TRAININGHUB_TEST_POSTGRES.
func DB(t testing.TB) *store.DB {
	t.Helper()
	return DBAt(t, NewDatabase(t))
}

// DBAt opens (creating and migrating) the database at path, a file or a postgres://
// address; tests that restart the "process" open the same path twice.
func DBAt(t testing.TB, path string) *store.DB {
	t.Helper()
	db, err := store.Open(path)
	if err != nil {
		t.Fatalf("open db: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// Env is a database with services sharing one fake clock.
type Env struct {
	Path     string // the database file, or its postgres:// address
	DB       *store.DB
	Clock    *Clock
	Accounts *account.Service
	Courses  *course.Service
}

// Start is the fake "now" every Env begins at: a Wednesday in November, London on GMT.
var Start = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// New builds an Env at Start.
func New(t testing.TB) *Env {
	t.Helper()
	path := NewDatabase(t)
	db := DBAt(t, path)
	clk := NewClock(Start)
	return &Env{
		Path:     path,
		DB:       db,
		Clock:    clk,
		Accounts: Accounts(t, db, clk.Now),
		Courses:  course.NewService(db, clk.Now),
	}
}

// Accounts is the account service over db with SecretKey, as a serve process starts it
// (tests that restart the "process" build a second one over the same file).
func Accounts(t testing.TB, db *store.DB, now func() time.Time) *account.Service {
	t.Helper()
	accounts := account.NewService(db, now, account.NewHasher(account.TestHashParams, 4))
	if _, err := accounts.UseSecretKey(context.Background(), SecretKey(t)); err != nil {
		t.Fatalf("use the secret key: %v", err)
	}
	return accounts
}

// SecretKey is the fixed secret key every Env uses, as a serve process uses its key file.
func SecretKey(t testing.TB) *secretkey.Key {
	t.Helper()
	k, err := secretkey.New([]byte("traininghub test key, 32 bytes!!"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Org creates an organisation.
func (e *Env) Org(t testing.TB, name string, typ account.OrgType) account.Organisation {
	t.Helper()
	o, err := e.Accounts.CreateOrganisation(context.Background(), name, typ)
	if err != nil {
		t.Fatalf("create organisation %q: %v", name, err)
	}
	return o
}

// Password is the password every fixture user gets.
const Password = "correct horse battery"

// User creates an active user in org with the given roles.
func (e *Env) User(t testing.TB, email string, orgID int64, roles ...account.Role) *account.User {
	t.Helper()
	u, err := e.Accounts.CreateUser(context.Background(), account.NewUser{
		Email: email, Name: "Person " + email, JobTitle: "Practitioner", OrganisationID: orgID,
		Password: Password, Roles: roles,
	})
	if err != nil {
		t.Fatalf("create user %q: %v", email, err)
	}
	return u
}

// Course creates a published course.
func (e *Env) Course(t testing.TB, title string, topics ...string) int64 {
	t.Helper()
	id, err := e.Courses.CreateCourse(context.Background(), course.CourseInput{
		Title: title, Summary: "About " + title, DurationMinutes: 180, Status: course.Published, Topics: topics,
	})
	if err != nil {
		t.Fatalf("create course %q: %v", title, err)
	}
	return id
}

// Session creates an in-person session starting `in` from the fake now, lasting 3 hours.
func (e *Env) Session(t testing.TB, courseID int64, in time.Duration, capacity int) int64 {
	t.Helper()
	start := e.Clock.Now().Add(in)
	id, err := e.Courses.CreateSession(context.Background(), course.SessionInput{
		CourseID: courseID, StartsAt: start, EndsAt: start.Add(3 * time.Hour),
		Venue: "Guildhall, Bath", Capacity: capacity,
	})
	if err != nil {
		t.Fatalf("create session: %v", err)
	}
	return id
}

// Exec runs q as a write of its own and fails the test if it fails; for a q ending
// RETURNING id it gives the new row's id (0 otherwise): the way test fixtures put rows
// in on SQLite and PostgreSQL alike.
func Exec(t testing.TB, db *store.DB, q string, args ...any) int64 {
	t.Helper()
	var id int64
	var err error
	if strings.HasSuffix(strings.TrimSpace(q), "RETURNING id") {
		id, err = db.Insert(context.Background(), q, args...)
	} else {
		_, err = db.Exec(context.Background(), q, args...)
	}
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}
