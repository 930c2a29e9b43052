package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	netmail "net/mail"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/mail/mailtest"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// blackHole is a mail server that takes connections and never says a word: a sender
// talking to it is stuck mid-conversation, holding its lease on the message.
func blackHole(t *testing.T) (addr string, connected <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	first := make(chan struct{})
	go func() {
		var once sync.Once
		var held []net.Conn
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
			once.Do(func() { close(first) })
		}
	}()
	return ln.Addr().String(), first
}

// TestTwoServersOnOnePostgres runs two serve processes on one PostgreSQL database, with
// 200 people booking a 10-place session through both at once. Exactly 10 get places and
// 190 wait, each told a different place in the queue. Server A's mail server never
// answers, so A is stuck mid-send when it is killed with SIGKILL; server B sends
// everything, A's leased messages once their leases run out, and every message reaches
// B's mail server exactly once.
func TestTwoServersOnOnePostgres(t *testing.T) {
	address := os.Getenv(testkit.PostgresEnv)
	if address == "" {
		t.Skip("set TRAININGHUB_TEST_POSTGRES to run two servers on PostgreSQL (.ci/run does)")
	}
	if testing.Short() {
		t.Skip("starts two server processes")
	}
	dsn := testkit.NewPostgresDatabase(t, address)
	const people, capacity = 200, 10
	f := prepareDatabase(t, dsn, people, 1, capacity)
	sid := f.sessions[0]

	smtp := mailtest.Start(t, mailtest.Options{})
	hole, holeConnected := blackHole(t)
	key := filepath.Join(t.TempDir(), "secret.key")
	common := []string{"--secret-key-file", key, "--smtp-tls", "none", "--smtp-timeout", "2s",
		"--mail-from", "Partnership Training <training@example.org>", "--reminders", "1h"}
	a, baseA := startServeProcess(t, dsn, append(common, "--smtp-url", "smtp://"+hole)...)
	_, baseB := startServeProcess(t, dsn, append(common, "--smtp-url", "smtp://"+smtp.Addr())...)

	type answer struct {
		Status           string `json:"status"`
		WaitlistPosition *int   `json:"waitlist_position"`
	}
	answers := make([]answer, people)
	client := &http.Client{Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	var retries atomic.Int64
	start := make(chan struct{})
	for p := range people {
		base := []string{baseA, baseB}[p%2]
		wg.Go(func() {
			<-start
			// Like any client told "busy, nothing changed", it tries again with the same
			// idempotency key: on a loaded machine 200 bookings queued on one session's
			// row lock can outlast the write deadline.
			var status int
			var body []byte
			for try := 0; ; try++ {
				req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/sessions/%d/bookings", base, sid), nil)
				req.Header.Set("Authorization", "Bearer "+f.tokens[p])
				req.Header.Set("Idempotency-Key", fmt.Sprintf("multiserver-%d", p))
				resp, err := client.Do(req)
				if err != nil {
					t.Errorf("person %d: %v", p, err)
					return
				}
				body, _ = io.ReadAll(resp.Body)
				resp.Body.Close()
				status = resp.StatusCode
				if status != http.StatusServiceUnavailable || try == 5 {
					break
				}
				retries.Add(1)
				time.Sleep(time.Duration(100*(try+1)) * time.Millisecond)
			}
			if status != http.StatusCreated {
				t.Errorf("person %d: %d %s", p, status, body)
				return
			}
			if err := json.Unmarshal(body, &answers[p]); err != nil {
				t.Errorf("person %d: %v", p, err)
			}
		})
	}
	close(start)
	wg.Wait()
	t.Logf("%d bookings were told the system was busy and tried again", retries.Load())
	var confirmed int
	var positions []int
	for _, a := range answers {
		switch {
		case a.Status == "confirmed":
			confirmed++
		case a.Status == "waitlisted" && a.WaitlistPosition != nil:
			positions = append(positions, *a.WaitlistPosition)
		}
	}
	slices.Sort(positions)
	if confirmed != capacity || len(positions) != people-capacity {
		t.Fatalf("%d confirmed and %d waiting, want %d and %d", confirmed, len(positions), capacity, people-capacity)
	}
	for i, p := range positions {
		if p != i+1 {
			t.Fatalf("the waiting list positions told are not 1 to %d in turn: %v", people-capacity, positions)
		}
	}

	// A is stuck talking to a mail server that never answers: kill it there.
	select {
	case <-holeConnected:
	case <-time.After(20 * time.Second):
		t.Fatal("server A never tried to send mail")
	}
	if err := a.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = a.Wait()

	db, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var queued int
	if err := db.R.QueryRow(`SELECT count(*) FROM outbox`).Scan(&queued); err != nil {
		t.Fatal(err)
	}
	if queued < people {
		t.Fatalf("%d emails queued for %d bookings", queued, people)
	}
	var leased int
	if err := db.R.QueryRow(`SELECT count(*) FROM outbox WHERE claimed_until IS NOT NULL AND status <> 'sent'`).Scan(&leased); err != nil {
		t.Fatal(err)
	}
	t.Logf("A was killed holding leases on %d of %d emails", leased, queued)

	// B's lease limit is a few commands' worth of --smtp-timeout, plus 10 s.
	got := smtp.WaitFor(queued, 60*time.Second)
	seen := map[string]int{}
	for _, m := range got {
		msg, err := netmail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		seen[msg.Header.Get("Message-Id")]++
	}
	time.Sleep(time.Second) // anything sent twice would arrive now
	if n := len(smtp.Messages()); n != queued || len(seen) != queued {
		t.Fatalf("B's mail server received %d messages (%d different) of %d queued", n, len(seen), queued)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s arrived %d times", id, n)
		}
	}
	var unsent int
	if err := db.R.QueryRow(`SELECT count(*) FROM outbox WHERE status <> 'sent'`).Scan(&unsent); err != nil || unsent != 0 {
		t.Errorf("%d emails not recorded as sent (%v)", unsent, err)
	}
}
