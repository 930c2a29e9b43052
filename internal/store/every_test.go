package store

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestEveryRunsAtOnceThenEachIntervalLogsFailuresAndStops(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "every.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	buf := safeWriter{w: &bytes.Buffer{}}
	log := slog.New(slog.NewTextHandler(&buf, nil))
	ctx, cancel := context.WithCancel(context.Background())
	var passes atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		db.Every(ctx, "test_job", 5*time.Millisecond, log, func(context.Context) error {
			if passes.Add(1) == 3 {
				cancel()
			}
			return errors.New("boom")
		})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Every did not stop when its context ended")
	}
	if n := passes.Load(); n != 3 {
		t.Fatalf("%d passes, want 3 (the first at once)", n)
	}
	if got := buf.String(); strings.Count(got, "test_job") != 2 || !strings.Contains(got, "boom") {
		t.Fatalf("logged %q: want the two failures before the context ended, not the last", got)
	}
}

// safeWriter guards a buffer the job's goroutine writes while the test reads.
type safeWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *safeWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *safeWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}
