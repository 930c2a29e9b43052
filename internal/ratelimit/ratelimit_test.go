package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/ratelimit"
	"github.com/traininghub/traininghub/internal/testkit"
)

func TestTakeCountsEveryRuleAndRefusesUntilTheWindowEnds(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	l := ratelimit.New(env.DB, env.Clock.Now)
	ip := ratelimit.Rule{Key: "t:ip:a", Limit: 2, Window: time.Hour}
	all := ratelimit.Rule{Key: "t:all", Limit: 3, Window: time.Hour}
	for i := range 2 {
		if _, ok, err := l.Take(ctx, ip, all); err != nil || !ok {
			t.Fatalf("request %d refused: %v", i+1, err)
		}
	}
	retry, ok, err := l.Take(ctx, ip, all)
	if err != nil || ok {
		t.Fatalf("third request from one address: ok=%v err=%v", ok, err)
	}
	if want := testkit.Start.Add(time.Hour); !retry.Equal(want) {
		t.Errorf("retry at %v, want %v", retry, want)
	}
	// The refused request counted nowhere: another address still has the overall budget.
	other := ratelimit.Rule{Key: "t:ip:b", Limit: 2, Window: time.Hour}
	if _, ok, _ := l.Take(ctx, other, all); !ok {
		t.Fatal("another address refused although the overall limit had room")
	}
	// Now the overall limit is full for everyone.
	if _, ok, _ := l.Take(ctx, ratelimit.Rule{Key: "t:ip:c", Limit: 2, Window: time.Hour}, all); ok {
		t.Fatal("the overall limit let a fourth request through")
	}
	env.Clock.Advance(time.Hour)
	if _, ok, _ := l.Take(ctx, ip, all); !ok {
		t.Fatal("still refused after the window ended")
	}
	if n, err := l.Sweep(ctx); err != nil || n != 1 { // only t:ip:b ended: t:ip:a and t:all began new windows
		t.Errorf("sweep removed %d (%v), want 1 ended window", n, err)
	}
}

func TestCountsSurviveARestart(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	r := ratelimit.Rule{Key: "t:ip:a", Limit: 1, Window: time.Hour}
	if _, ok, _ := ratelimit.New(env.DB, env.Clock.Now).Take(ctx, r); !ok {
		t.Fatal("first request refused")
	}
	env.DB.Close()
	db := testkit.DBAt(t, env.Path)
	if _, ok, _ := ratelimit.New(db, env.Clock.Now).Take(ctx, r); ok {
		t.Fatal("a reopened database forgot the count")
	}
}

func TestClientKeyGroupsIPv6By64(t *testing.T) {
	cases := map[string]string{
		"192.0.2.7":                 "192.0.2.7",
		"::ffff:192.0.2.7":          "192.0.2.7",
		"2001:db8:1:2:aaaa::1":      "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff::9": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":           "2001:db8:1:3::/64",
		"not an address":            "not an address",
	}
	for in, want := range cases {
		if got := ratelimit.ClientKey(in); got != want {
			t.Errorf("ClientKey(%q) = %q, want %q", in, got, want)
		}
	}
}
