package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
)

// TestConcurrentBookingRace has 200 people book one 10-place session at the same moment
// through the HTTP API. Exactly 10 must be confirmed and 190 waitlisted with positions
// 1..190 each exactly once; the only acceptable refusal is a 503 with Retry-After, which
// the client retries; and the database must agree with what the clients were told.
func TestConcurrentBookingRace(t *testing.T) {
	const people, places = 200, 10
	f := newFixture(t)
	c := f.Course(t, "Safeguarding level 1")
	sid := f.Session(t, c, 7*24*time.Hour, places)
	url := f.URL + sessionPath(sid) + "/bookings"

	setup := time.Now()
	tokens := make([]string, people)
	for i := range tokens {
		u := f.User(t, fmt.Sprintf("p%03d@example.org", i), f.org.ID, account.Practitioner)
		tokens[i] = f.Token(t, u)
	}
	t.Logf("created %d users and tokens in %v", people, time.Since(setup))

	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConns: people, MaxIdleConnsPerHost: people, MaxConnsPerHost: 0},
	}
	defer client.CloseIdleConnections()

	results := make([]raceOutcome, people)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = bookWithRetry(client, url, tokens[i], "race-"+strconv.Itoa(i))
		}()
	}
	began := time.Now()
	close(start)
	wg.Wait()
	elapsed := time.Since(began)

	confirmed, retries := 0, 0
	positions := map[int]int{}
	ids := map[int64]bool{}
	for i, r := range results {
		retries += r.retries
		if r.err != nil {
			t.Fatalf("person %d: %v", i, r.err)
		}
		if r.status != http.StatusCreated && !(r.status == http.StatusOK && r.retries > 0) {
			t.Fatalf("person %d: status %d", i, r.status)
		}
		if ids[r.body.ID] {
			t.Fatalf("booking id %d given twice", r.body.ID)
		}
		ids[r.body.ID] = true
		switch r.body.Status {
		case "confirmed":
			confirmed++
			if r.body.WaitlistPosition != nil {
				t.Fatalf("person %d: confirmed with a waitlist position", i)
			}
		case "waitlisted":
			if r.body.WaitlistPosition == nil {
				t.Fatalf("person %d: waitlisted without a position", i)
			}
			positions[*r.body.WaitlistPosition]++
		default:
			t.Fatalf("person %d: status %q", i, r.body.Status)
		}
	}
	if confirmed != places {
		t.Fatalf("confirmed %d, want %d", confirmed, places)
	}
	if len(positions) != people-places {
		t.Fatalf("%d distinct waiting-list positions, want %d", len(positions), people-places)
	}
	for p := 1; p <= people-places; p++ {
		if positions[p] != 1 {
			t.Fatalf("waiting-list position %d given %d times", p, positions[p])
		}
	}

	var history, confirmedCount, liveConfirmed, waitlisted, capacity int
	err := f.DB.R.QueryRow(`SELECT
		(SELECT count(*) FROM booking_history h JOIN bookings b ON b.id = h.booking_id WHERE b.session_id = ?),
		(SELECT confirmed_count FROM course_sessions WHERE id = ?),
		(SELECT count(*) FROM bookings WHERE session_id = ? AND status = 'confirmed'),
		(SELECT count(*) FROM bookings WHERE session_id = ? AND status = 'waitlisted'),
		(SELECT capacity FROM course_sessions WHERE id = ?)`, sid, sid, sid, sid, sid).
		Scan(&history, &confirmedCount, &liveConfirmed, &waitlisted, &capacity)
	if err != nil {
		t.Fatal(err)
	}
	if history != people || confirmedCount != places || liveConfirmed != places || waitlisted != people-places || capacity != places {
		t.Fatalf("database: history %d (want %d), confirmed_count %d, confirmed rows %d, waitlisted %d, capacity %d",
			history, people, confirmedCount, liveConfirmed, waitlisted, capacity)
	}
	// Every history row is a first entry matching the booking's status.
	var mismatched int
	if err := f.DB.R.QueryRow(`SELECT count(*) FROM booking_history h JOIN bookings b ON b.id = h.booking_id
		WHERE b.session_id = ? AND (h.from_status IS NOT NULL OR h.to_status <> b.status)`, sid).Scan(&mismatched); err != nil || mismatched != 0 {
		t.Fatalf("history rows not matching their bookings: %d (%v)", mismatched, err)
	}
	t.Logf("%d concurrent bookings in %v (%.0f/s), %d retries after 503", people, elapsed,
		float64(people)/elapsed.Seconds(), retries)
}

type raceOutcome struct {
	body    bookingBody
	status  int
	retries int
	err     error
}

// bookWithRetry posts a booking, retrying only 503s that carry Retry-After (with the same
// Idempotency-Key, so a retry can never book twice).
func bookWithRetry(client *http.Client, url, token, key string) (out raceOutcome) {
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequest(http.MethodPost, url, nil)
		if err != nil {
			out.err = err
			return out
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Idempotency-Key", key)
		resp, err := client.Do(req)
		if err != nil {
			out.err = err
			return out
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			out.err = err
			return out
		}
		out.status = resp.StatusCode
		if resp.StatusCode == http.StatusServiceUnavailable && attempt < 50 {
			if resp.Header.Get("Retry-After") == "" {
				out.err = fmt.Errorf("503 without Retry-After: %s", raw)
				return out
			}
			out.retries++
			time.Sleep(time.Duration(10+attempt*10) * time.Millisecond)
			continue
		}
		// 200 is an Idempotency-Key replay: possible only if a 503'd attempt had committed.
		if resp.StatusCode != http.StatusCreated && !(resp.StatusCode == http.StatusOK && attempt > 0) {
			out.err = fmt.Errorf("status %d: %s", resp.StatusCode, raw)
			return out
		}
		out.err = json.Unmarshal(raw, &out.body)
		return out
	}
}
