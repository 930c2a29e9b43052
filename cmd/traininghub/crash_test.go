package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/store"
)

// runMainEnv, when set, makes the test binary run the traininghub command itself with the
// JSON list of arguments it holds: the crash test starts a real server process this way
// and kills it, without needing a separate build.
const runMainEnv = "TRAININGHUB_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if raw := os.Getenv(runMainEnv); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			fmt.Fprintln(os.Stderr, runMainEnv+":", err)
			os.Exit(2)
		}
		os.Args = append([]string{"traininghub"}, args...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashFixture is a database with people, their API tokens and sessions to book.
type crashFixture struct {
	tokens   []string
	sessions []int64
}

func prepareCrashDatabase(t *testing.T, path string, people, sessions int) crashFixture {
	t.Helper()
	// Room for most, so the run makes both places and waiting-list entries.
	return prepareDatabase(t, path, people, sessions, people*3/4)
}

// prepareDatabase makes people practitioners with API tokens and sessions of capacity
// places each, starting twenty days from now.
func prepareDatabase(t *testing.T, path string, people, sessions, capacity int) crashFixture {
	t.Helper()
	ctx := context.Background()
	db, err := openAndMigrate(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	accounts := account.NewService(db, clock.System, account.NewHasher(account.TestHashParams, 2))
	courses := course.NewService(db, clock.System)
	org, err := accounts.CreateOrganisation(ctx, "Crash Test Agency", account.SocialCare)
	if err != nil {
		t.Fatal(err)
	}
	cid, err := courses.CreateCourse(ctx, course.CourseInput{Title: "Children missing from home", Summary: "Crash test",
		DurationMinutes: 120, Status: course.Published, Topics: []string{"Missing"}})
	if err != nil {
		t.Fatal(err)
	}
	var f crashFixture
	start := time.Now().Add(20 * 24 * time.Hour).Truncate(time.Hour)
	for i := range sessions {
		at := start.Add(time.Duration(i) * 24 * time.Hour)
		id, err := courses.CreateSession(ctx, course.SessionInput{CourseID: cid, StartsAt: at, EndsAt: at.Add(2 * time.Hour),
			Venue: "Guildhall, Bath", Capacity: capacity})
		if err != nil {
			t.Fatal(err)
		}
		f.sessions = append(f.sessions, id)
	}
	for i := range people {
		u, err := accounts.CreateUser(ctx, account.NewUser{Email: fmt.Sprintf("crash%03d@example.org", i),
			Name: fmt.Sprintf("Practitioner %d", i), OrganisationID: org.ID, Roles: []account.Role{account.Practitioner}})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := accounts.CreateToken(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		f.tokens = append(f.tokens, tok)
	}
	return f
}

// startServeProcess runs `traininghub serve` in a child process and returns its address
// once it listens.
func startServeProcess(t *testing.T, dbPath string, extra ...string) (*exec.Cmd, string) {
	t.Helper()
	// Without --smtp-url among extra, mail stays queued.
	args, _ := json.Marshal(append([]string{"serve", "--db", dbPath, "--addr", "127.0.0.1:0"}, extra...))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), runMainEnv+"="+string(args))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr, ended := make(chan string, 1), make(chan string, 1)
	go func() {
		var said strings.Builder
		lines := bufio.NewScanner(stderr)
		for lines.Scan() {
			said.WriteString(lines.Text() + "\n")
			var line struct{ Msg, Addr string }
			if json.Unmarshal(lines.Bytes(), &line) == nil && line.Msg == "listening" {
				addr <- line.Addr
			}
		}
		ended <- said.String()
	}()
	select {
	case a := <-addr:
		return cmd, "http://" + a
	case said := <-ended:
		t.Fatalf("serve ended before listening:\n%s", said)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start listening within 30 s")
	}
	return nil, ""
}

// acknowledged is a booking the server answered 201 for.
type acknowledged struct {
	ID        int64  `json:"id"`
	Status    string `json:"status"`
	SessionID int64  `json:"session_id"`
}

// TestKilledDuringBookingsKeepsEveryAnsweredBooking kills the server with SIGKILL while
// clients are booking. After restart, every booking it had answered 201 for is there, with
// its history and its confirmation email queued, and the database is intact.
func TestKilledDuringBookingsKeepsEveryAnsweredBooking(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a server process")
	}
	dbPath := filepath.Join(t.TempDir(), "crash.db")
	const people, sessions = 40, 25
	f := prepareCrashDatabase(t, dbPath, people, sessions)
	cmd, base := startServeProcess(t, dbPath)

	var mu sync.Mutex
	var answered []acknowledged
	var count atomic.Int64
	client := &http.Client{Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	for p := range people {
		wg.Go(func() {
			for _, sid := range f.sessions {
				req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/sessions/%d/bookings", base, sid), nil)
				req.Header.Set("Authorization", "Bearer "+f.tokens[p])
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					continue
				}
				var a acknowledged
				if err := json.Unmarshal(body, &a); err != nil {
					t.Errorf("201 with a body that is not a booking: %s", body)
					return
				}
				mu.Lock()
				answered = append(answered, a)
				mu.Unlock()
				count.Add(1)
			}
		})
	}
	// Kill it part-way through, while requests are in flight.
	deadline := time.Now().Add(60 * time.Second)
	for count.Load() < people*sessions/3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	wg.Wait()
	total := people * sessions
	if len(answered) == 0 || len(answered) >= total {
		t.Fatalf("%d of %d bookings answered before the kill: the kill did not land mid-load", len(answered), total)
	}
	t.Logf("killed after %d of %d bookings were answered 201", len(answered), total)

	db, err := store.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var integrity string
	if err := db.R.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check = %q, %v", integrity, err)
	}
	var missing []string
	for _, a := range answered {
		var status string
		var session int64
		var history, mail int
		err := db.R.QueryRow(`SELECT b.status, b.session_id,
			(SELECT count(*) FROM booking_history h WHERE h.booking_id = b.id),
			(SELECT count(*) FROM outbox o WHERE o.booking_id = b.id)
			FROM bookings b WHERE b.id = ?`, a.ID).Scan(&status, &session, &history, &mail)
		if err != nil || status != a.Status || session != a.SessionID || history == 0 || mail == 0 {
			missing = append(missing, fmt.Sprintf("booking %d (%s, session %d): status %q session %d, %d history, %d emails, %v",
				a.ID, a.Status, a.SessionID, status, session, history, mail, err))
		}
	}
	if len(missing) > 0 {
		t.Fatalf("%d of %d answered bookings lost or incomplete after the kill:\n%s", len(missing), len(answered),
			strings.Join(missing[:min(10, len(missing))], "\n"))
	}

	// The server starts again on the database it left behind.
	_, base = startServeProcess(t, dbPath)
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz after restart: %v %v", resp, err)
	}
	resp.Body.Close()
}
