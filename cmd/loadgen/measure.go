package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// result gathers counts and latencies for one phase.
type result struct {
	ok, busy, errors      int64
	confirmed, waitlisted int64
	elapsed               time.Duration
	latencies             []time.Duration
}

func (r result) rate() float64 { return float64(r.ok) / r.elapsed.Seconds() }

// p returns the q-th percentile latency.
func (r result) p(q int) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	i := min(len(s)-1, len(s)*q/100)
	return s[i].Round(10 * time.Microsecond)
}

type job struct {
	session int64
	user    int
}

func newClient(clients int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients,
	}}
}

// loadBookings sends every (user, session) booking once from o.clients workers, retrying
// 503s as a well-behaved client would.
// With several bases, the clients take turns between them, as behind a load balancer.
func loadBookings(ctx context.Context, bases []string, f *fixture, o options) (result, error) {
	jobs := make(chan job)
	go func() {
		defer close(jobs)
		// Interleave sessions so concurrent requests contend for the same session.
		for u := range f.userIDs {
			for _, s := range f.sessions {
				jobs <- job{session: s, user: u}
			}
		}
	}()
	client := newClient(o.clients)
	deadline := time.Now().Add(o.maxDuration)
	var mu sync.Mutex
	var r result
	var ok, busy, failed, confirmed, waitlisted atomic.Int64
	var wg sync.WaitGroup
	began := time.Now()
	for c := range o.clients {
		base := bases[c%len(bases)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			for j := range jobs {
				for attempt := 0; ; attempt++ {
					if time.Now().After(deadline) {
						failed.Add(1)
						break
					}
					t0 := time.Now()
					status, body, err := post(ctx, client, fmt.Sprintf("%s/api/v1/sessions/%d/bookings", base, j.session), f.tokens[j.user])
					if err == nil && status == http.StatusServiceUnavailable && attempt < 20 {
						busy.Add(1)
						time.Sleep(time.Duration(10*(attempt+1)) * time.Millisecond)
						continue
					}
					local = append(local, time.Since(t0))
					if err != nil || status != http.StatusCreated {
						failed.Add(1)
						break
					}
					ok.Add(1)
					switch body.Status {
					case "confirmed":
						confirmed.Add(1)
					case "waitlisted":
						waitlisted.Add(1)
					}
					break
				}
			}
			mu.Lock()
			r.latencies = append(r.latencies, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	r.elapsed = time.Since(began)
	r.ok, r.busy, r.errors, r.confirmed, r.waitlisted = ok.Load(), busy.Load(), failed.Load(), confirmed.Load(), waitlisted.Load()
	return r, nil
}

// sampleAnswer keeps the first real 201 booking answer, for the bare handler to send.
var sampleAnswer atomic.Pointer[[]byte]

type bookingBody struct {
	Status string `json:"status"`
}

func post(ctx context.Context, c *http.Client, url, token string) (int, bookingBody, error) {
	var b bookingBody
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(nil))
	if err != nil {
		return 0, b, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return 0, b, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, b, err
	}
	if resp.StatusCode == http.StatusCreated {
		sampleAnswer.CompareAndSwap(nil, &data)
		err = json.Unmarshal(data, &b)
	}
	return resp.StatusCode, b, err
}

// loadCatalogue fetches the catalogue page from o.clients workers for o.catalogue.
func loadCatalogue(ctx context.Context, base string, o options) (result, error) {
	return loadGets(ctx, base+"/courses", nil, o)
}

// loadGets has o.clients workers fetch url for o.catalogue, each request signed with the
// next of tokens in turn (none when tokens is empty), and times every answer.
func loadGets(ctx context.Context, url string, tokens []string, o options) (result, error) {
	client := newClient(o.clients)
	stop := time.Now().Add(o.catalogue)
	var mu sync.Mutex
	var r result
	var ok, failed, next atomic.Int64
	var wg sync.WaitGroup
	began := time.Now()
	for range o.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			for time.Now().Before(stop) {
				t0 := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
				if len(tokens) > 0 {
					req.Header.Set("Authorization", "Bearer "+tokens[int(next.Add(1))%len(tokens)])
				}
				resp, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				local = append(local, time.Since(t0))
				if err != nil || resp.StatusCode != http.StatusOK {
					failed.Add(1)
					continue
				}
				ok.Add(1)
			}
			mu.Lock()
			r.latencies = append(r.latencies, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	r.elapsed = time.Since(began)
	r.ok, r.errors = ok.Load(), failed.Load()
	return r, nil
}

// checkConsistency proves the run did not overbook: no session's confirmed count exceeds
// its capacity or disagrees with its rows, and every booking made by the run has exactly
// one history row. (The load sessions are the last ones created.)
func checkConsistency(ctx context.Context, f *fixture, r result) error {
	var over, history, bookings int
	first := f.sessions[0]
	err := f.db.R.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM course_sessions WHERE confirmed_count > capacity OR
			confirmed_count <> (SELECT count(*) FROM bookings b WHERE b.session_id = course_sessions.id AND b.status = 'confirmed')),
		(SELECT count(*) FROM booking_history h JOIN bookings b ON b.id = h.booking_id WHERE b.session_id >= ?),
		(SELECT count(*) FROM bookings WHERE session_id >= ?)`, first, first).Scan(&over, &history, &bookings)
	if err != nil {
		return err
	}
	if over != 0 || history != bookings || int64(bookings) != r.ok {
		return fmt.Errorf("inconsistent: %d sessions miscounted, %d history rows for %d bookings, %d ok responses",
			over, history, bookings, r.ok)
	}
	return nil
}
