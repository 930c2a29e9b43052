package main

import (
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/clock"
)

// TestDigestSwitch: --digest / TRAININGHUB_DIGEST is on by default, off turns the weekly
// managers' digest off, and anything else stops serve with a message naming the setting.
func TestDigestSwitch(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for setting, want := range map[string]bool{"on": true, "": true, "ON": true, " off ": false, "off": false} {
		d, err := newDigests(setting, nil, clock.System, log)
		if err != nil || (d != nil) != want {
			t.Errorf("%q: scheduler %v, err %v; want running=%v", setting, d != nil, err, want)
		}
	}
	if _, err := newDigests("weekly", nil, clock.System, log); err == nil {
		t.Error(`"weekly" was accepted`)
	}
	t.Setenv("TRAININGHUB_DIGEST", "sometimes")
	dbPath := filepath.Join(t.TempDir(), "digest.db")
	if _, err := runCmd(t, "", "serve", "--addr", "127.0.0.1:0", "--db", dbPath); err == nil || !strings.Contains(err.Error(), "TRAININGHUB_DIGEST") {
		t.Fatalf("a bad digest setting must stop serve and name the variable, got %v", err)
	}
}
