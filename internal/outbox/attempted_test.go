package outbox_test

import (
	"sync"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/mail/mailtest"
	"github.com/traininghub/traininghub/internal/outbox"
)

// TestWorkerReportsEachHandover: the metrics hook hears every attempt at the real SMTP
// server: accepted, refused for now (retried), refused for good.
func TestWorkerReportsEachHandover(t *testing.T) {
	r := newRig(t)
	srv := mailtest.Start(t, mailtest.Options{})
	var mu sync.Mutex
	counts := map[string]int{}
	w := r.workerWith(t, r.env.DB, srv.Addr(), func(c *outbox.Config) {
		c.Attempted = func(err error, willRetry bool) {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				counts["sent"]++
			case willRetry:
				counts["temporary"]++
			default:
				counts["permanent"]++
			}
		}
	})
	session := r.session(t, 7*24*time.Hour, 10)
	srv.FailNext(1, 451)
	r.book(t, session, r.person(t, "a@example.org"))
	drain(t, w)
	r.env.Clock.Advance(31 * time.Second)
	drain(t, w)
	srv.Reject(550)
	r.book(t, session, r.person(t, "b@example.org"))
	drain(t, w)

	mu.Lock()
	defer mu.Unlock()
	if counts["sent"] != 1 || counts["temporary"] != 1 || counts["permanent"] != 1 {
		t.Fatalf("attempts heard: %v; want one of each", counts)
	}
	if got := statuses(t, r.env.DB); got[outbox.Sent] != 1 || got[outbox.Failed] != 1 {
		t.Fatalf("outbox statuses %v", got)
	}
}
