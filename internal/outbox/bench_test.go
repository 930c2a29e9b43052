package outbox_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/mail/mailtest"
)

// BenchmarkWorkerDelivery measures how many queued confirmations (each with a calendar
// invite) the worker renders and delivers per second to a local SMTP server.
func BenchmarkWorkerDelivery(b *testing.B) {
	r := newRig(b)
	smtp := mailtest.Start(b, mailtest.Options{})
	w := r.worker(b, r.env.DB, smtp.Addr())
	sessionID := r.session(b, 30*24*time.Hour, 1000)
	users := make([]int64, b.N)
	for i := range users {
		users[i] = r.person(b, "p"+strconv.Itoa(i)+"@example.org")
	}
	for _, u := range users {
		r.book(b, sessionID, u)
	}
	b.ResetTimer()
	start := time.Now()
	for {
		n, err := w.RunOnce(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	if got := len(smtp.Messages()); got != b.N {
		b.Fatalf("delivered %d of %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
}
