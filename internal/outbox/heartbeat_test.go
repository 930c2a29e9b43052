package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/mail/mailtest"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/testkit"
)

// TestHeartbeatStopsWhileEveryConnectionIsHung: the worker's beat is fresh while it idles,
// stands still while its only connection waits on a server that never answers, and moves
// again once the server does. /readyz reads it to say the mail worker is stuck.
func TestHeartbeatStopsWhileEveryConnectionIsHung(t *testing.T) {
	env := testkit.New(t)
	srv := mailtest.Start(t, mailtest.Options{})
	w := poolWorker(env, srv, 1, 30*time.Second)
	if !w.LastBeat().IsZero() {
		t.Fatal("beat before Run")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	defer func() { cancel(); srv.Hang(false); <-done }()

	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal(what)
			}
		}
	}
	waitFor("no beat while idle", func() bool { return time.Since(w.LastBeat()) < 200*time.Millisecond })

	srv.Hang(true)
	enqueue(t, env, outbox.BookingConfirmed, 1)
	time.Sleep(300 * time.Millisecond) // the lane takes the message and waits on MAIL FROM
	stuck := w.LastBeat()
	time.Sleep(500 * time.Millisecond)
	if got := w.LastBeat(); !got.Equal(stuck) {
		t.Fatalf("beat moved from %v to %v while the only connection was hung", stuck, got)
	}

	srv.Hang(false)
	waitFor("beat did not resume after the server answered", func() bool { return w.LastBeat().After(stuck) })
	if got := srv.WaitFor(1, 5*time.Second); len(got) != 1 {
		t.Fatalf("%d messages delivered after the hang ended", len(got))
	}
}
