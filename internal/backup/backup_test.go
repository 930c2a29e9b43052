package backup_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/backup"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/server"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// TestCopyWhileBookingsArrive: a copy taken while people book is whole (SQLite's
// integrity check passes), consistent (every booking in it has its history and its
// email, and no session holds more than its places), and a server started on it, as
// after a restore, serves the catalogue and a person's bookings.
func TestCopyWhileBookingsArrive(t *testing.T) {
	skipOnPostgres(t)
	env := testkit.New(t)
	ctx := context.Background()
	svc := booking.NewService(env.DB, env.Clock.Now)
	org := env.Org(t, "Bath and North East Somerset Council", account.SocialCare)
	courseID := env.Course(t, "Child sexual exploitation awareness", "Exploitation")
	sessions := []int64{env.Session(t, courseID, 7*24*time.Hour, 20), env.Session(t, courseID, 8*24*time.Hour, 20)}
	var people []*account.User
	for i := range 60 {
		people = append(people, env.User(t, fmt.Sprintf("p%02d@example.org", i), org.ID, account.Practitioner))
	}

	var booked atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			p, s := people[i%len(people)], sessions[(i/len(people))%len(sessions)]
			if i >= len(people)*len(sessions) {
				return
			}
			if _, err := svc.Book(ctx, booking.Request{SessionID: s, UserID: p.ID}); err != nil {
				t.Errorf("book: %v", err)
				return
			}
			booked.Add(1)
		}
	}()
	for booked.Load() < 20 {
		time.Sleep(time.Millisecond)
	}
	dest := filepath.Join(t.TempDir(), "copy.db")
	res, err := backup.Copy(ctx, env.DB, dest, false)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if res.Bookings < 20 || res.People != int64(len(people)) || res.Bytes == 0 {
		t.Fatalf("the copy holds %d bookings and %d people (%d bytes); want at least 20 and %d", res.Bookings, res.People, res.Bytes, len(people))
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), ".*partial*"))
	if len(leftovers) != 0 {
		t.Errorf("partial files left beside the copy: %v", leftovers)
	}

	restored, err := store.Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if err := restored.Migrate(ctx); err != nil {
		t.Fatalf("migrate the restored copy: %v", err)
	}
	var orphans, silent, over int
	if err := restored.R.QueryRow(`SELECT
		(SELECT count(*) FROM bookings b WHERE NOT EXISTS (SELECT 1 FROM booking_history h WHERE h.booking_id = b.id)),
		(SELECT count(*) FROM bookings b WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.booking_id = b.id)),
		(SELECT count(*) FROM course_sessions WHERE confirmed_count > capacity)`).Scan(&orphans, &silent, &over); err != nil {
		t.Fatal(err)
	}
	if orphans+silent+over != 0 {
		t.Fatalf("inconsistent copy: %d bookings without history, %d without their email, %d sessions over capacity", orphans, silent, over)
	}

	accounts := testkit.Accounts(t, restored, env.Clock.Now)
	app, err := server.New(server.Config{}, server.Deps{DB: restored, Accounts: accounts,
		Courses: course.NewService(restored, env.Clock.Now), Bookings: booking.NewService(restored, env.Clock.Now),
		Now: env.Clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler)
	defer srv.Close()
	token, err := accounts.CreateToken(ctx, people[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/courses", "/api/v1/me/bookings"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s on the restored copy: %d", path, resp.StatusCode)
		}
	}
}

// TestCopyNeverOverwritesByAccident: an existing file is left alone unless overwriting
// was asked for.
func TestCopyNeverOverwritesByAccident(t *testing.T) {
	skipOnPostgres(t)
	env := testkit.New(t)
	ctx := context.Background()
	dest := filepath.Join(t.TempDir(), "monday.db")
	if err := os.WriteFile(dest, []byte("last week's backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Copy(ctx, env.DB, dest, false); !errors.Is(err, backup.ErrExists) {
		t.Fatalf("copy over an existing file: %v, want ErrExists", err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "last week's backup" {
		t.Fatalf("the existing file was changed")
	}
	if _, err := backup.Copy(ctx, env.DB, dest, true); err != nil {
		t.Fatalf("copy with overwrite: %v", err)
	}
	if b, _ := os.ReadFile(dest); string(b[:15]) != "SQLite format 3" {
		t.Fatalf("the file is not a database after the overwrite")
	}
}

// TestCopyIntoAMissingPlaceFailsCleanly: a directory that is not there is an error,
// and nothing is left behind.
func TestCopyIntoAMissingPlaceFailsCleanly(t *testing.T) {
	skipOnPostgres(t)
	env := testkit.New(t)
	dir := t.TempDir()
	if _, err := backup.Copy(context.Background(), env.DB, filepath.Join(dir, "no-such-dir", "copy.db"), false); err == nil {
		t.Fatal("a copy into a missing directory succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

// TestNightlyKeepsTheNewest: each night's copy is named by its London time; only the
// newest Keep nightly copies stay, and other files in the directory are never touched.
func TestNightlyKeepsTheNewest(t *testing.T) {
	skipOnPostgres(t)
	env := testkit.New(t)
	dir := t.TempDir()
	others := []string{"notes.txt", "traininghub-before-upgrade.db", "traininghub.db"}
	for _, name := range others {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("keep me"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	clk := testkit.NewClock(time.Date(2026, 3, 27, 2, 30, 0, 0, time.UTC)) // the clocks go forward on the 29th
	n := &backup.Nightly{DB: env.DB, Dir: dir, Keep: 2, Now: clk.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for range 4 {
		if _, err := n.TakeOne(context.Background()); err != nil {
			t.Fatal(err)
		}
		clk.Advance(24 * time.Hour)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := append(slices.Clone(others), "traininghub-20260329-033000.db", "traininghub-20260330-033000.db")
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("directory holds %v, want %v", names, want)
	}
	if last := n.Last(); last.Err != nil || filepath.Base(last.Path) != "traininghub-20260330-033000.db" {
		t.Fatalf("last status %+v", last)
	}
}

func TestParseTimeOfDay(t *testing.T) {
	for in, want := range map[string]string{"02:30": "02:30", " 23:05 ": "23:05", "00:00": "00:00"} {
		got, err := backup.ParseTimeOfDay(in)
		if err != nil || got.String() != want {
			t.Errorf("ParseTimeOfDay(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "2:3", "24:00", "12:60", "half past two", "02:30:00", "-1:30"} {
		if _, err := backup.ParseTimeOfDay(bad); err == nil {
			t.Errorf("ParseTimeOfDay(%q) accepted", bad)
		}
	}
}

// TestNextRunFollowsLondon: 02:30 London is 02:30 UTC in winter and 01:30 UTC in summer.
func TestNextRunFollowsLondon(t *testing.T) {
	at := backup.TimeOfDay{Hour: 2, Minute: 30}
	for _, c := range []struct{ now, want time.Time }{
		{time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC), time.Date(2026, 1, 11, 2, 30, 0, 0, time.UTC)},
		{time.Date(2026, 1, 10, 1, 0, 0, 0, time.UTC), time.Date(2026, 1, 10, 2, 30, 0, 0, time.UTC)},
		{time.Date(2026, 7, 10, 12, 0, 0, 0, time.UTC), time.Date(2026, 7, 11, 1, 30, 0, 0, time.UTC)},
		{time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)},
	} {
		if got := backup.NextRun(c.now, at); !got.Equal(c.want) {
			t.Errorf("NextRun(%v) = %v, want %v", c.now, got, c.want)
		}
	}
}

// skipOnPostgres: these backups are SQLite's; TestCopyRefusesPostgres covers PostgreSQL.
func skipOnPostgres(t *testing.T) {
	t.Helper()
	if testkit.OnPostgres() {
		t.Skip("copies a SQLite file")
	}
}

// On PostgreSQL Copy refuses plainly and writes nothing: the database's own tools back it up.
func TestCopyRefusesPostgres(t *testing.T) {
	if !testkit.OnPostgres() {
		t.Skip("set TRAININGHUB_TEST_POSTGRES to run against PostgreSQL")
	}
	db := testkit.DB(t)
	dest := filepath.Join(t.TempDir(), "copy.db")
	if _, err := backup.Copy(context.Background(), db, dest, false); !errors.Is(err, backup.ErrNotSQLite) {
		t.Fatalf("Copy on PostgreSQL: %v, want ErrNotSQLite", err)
	}
	if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused copy left %s (%v)", dest, err)
	}
}
