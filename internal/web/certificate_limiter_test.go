package web

import (
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/testkit"
)

func TestLookupLimiter(t *testing.T) {
	clk := testkit.NewClock(testkit.Start)
	l := newLookupLimiter(clk.Now, 3, 10*time.Minute)
	for i := range 3 {
		if w := l.take("203.0.113.7"); w != 0 {
			t.Fatalf("lookup %d waited %v", i+1, w)
		}
		clk.Advance(time.Minute)
	}
	// The oldest lookup leaves the window 10 minutes after it was made: 7 minutes from now.
	if w := l.take("203.0.113.7"); w != 7*time.Minute {
		t.Fatalf("4th lookup: wait %v, want 7m", w)
	}
	if w := l.take("203.0.113.8"); w != 0 {
		t.Errorf("another address was limited: %v", w)
	}
	clk.Advance(7 * time.Minute)
	if w := l.take("203.0.113.7"); w != 0 {
		t.Errorf("after the oldest left the window: wait %v", w)
	}
	if w := l.take("203.0.113.7"); w == 0 {
		t.Error("the allowance came back in full too soon")
	}

	// IPv6 addresses count per /64.
	for i, a := range []string{"2001:db8::1", "2001:db8::2", "2001:db8::ffff:1"} {
		if w := l.take(a); w != 0 {
			t.Fatalf("IPv6 lookup %d waited %v", i+1, w)
		}
	}
	if w := l.take("2001:db8::abcd"); w == 0 {
		t.Error("a fourth address in the same /64 was not limited")
	}
	if w := l.take("2001:db8:0:1::1"); w != 0 {
		t.Error("the next /64 was limited")
	}

	// Forgotten once quiet, so memory stays bounded.
	clk.Advance(time.Hour)
	l.take("198.51.100.1")
	if n := len(l.seen); n != 1 {
		t.Errorf("%d addresses remembered after an hour, want 1", n)
	}
}

func TestLookupKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7": "203.0.113.7", "::ffff:203.0.113.7": "::ffff:203.0.113.7",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64", "not an address": "not an address",
	} {
		if got := lookupKey(in); got != want {
			t.Errorf("lookupKey(%q) = %q, want %q", in, got, want)
		}
	}
}
