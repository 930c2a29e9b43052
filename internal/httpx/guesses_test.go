package httpx

import (
	"testing"
	"time"
)

func TestGuessLimiter(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	l := NewGuessLimiter(func() time.Time { return now }, 3, 10*time.Minute)
	for range 3 {
		if w := l.Wait("203.0.113.7"); w != 0 {
			t.Fatalf("refused before the limit: %v", w)
		}
		l.Miss("203.0.113.7")
		now = now.Add(time.Minute)
	}
	if w := l.Wait("203.0.113.7"); w != 7*time.Minute {
		t.Fatalf("after 3 misses: wait %v, want 7m (the oldest miss leaves the window then)", w)
	}
	if w := l.Wait("203.0.113.8"); w != 0 {
		t.Fatalf("another address is not held up: %v", w)
	}
	now = now.Add(7 * time.Minute)
	if w := l.Wait("203.0.113.7"); w != 0 {
		t.Fatalf("after the window: %v", w)
	}
	// IPv6 counts per /64.
	for _, a := range []string{"2001:db8::1", "2001:db8::2", "2001:db8::3"} {
		l.Miss(a)
	}
	if w := l.Wait("2001:db8::abcd"); w == 0 {
		t.Fatal("hopping within a /64 bought more guesses")
	}
	if w := l.Wait("2001:db8:0:1::1"); w != 0 {
		t.Fatalf("a different /64 is held up: %v", w)
	}
}
