package main

import (
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/outbox"
)

// TestMinimumNoticeSetting: --minimum-notice / TRAININGHUB_MINIMUM_NOTICE is a week by
// default, takes days or hours, off stops the emails, and anything else stops serve with
// a message naming the setting.
func TestMinimumNoticeSetting(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for setting, want := range map[string]outbox.Lead{"": {Days: 7}, "7d": {Days: 7}, "10d": {Days: 10}, "36h": {Hours: 36}} {
		n, err := newMinimumNotices(setting, nil, clock.System, log)
		if err != nil || n == nil || n.Notice != want {
			t.Errorf("%q: %+v, %v; want notice %v", setting, n, err, want)
		}
	}
	if n, err := newMinimumNotices(" OFF ", nil, clock.System, log); n != nil || err != nil {
		t.Errorf("off: %v, %v; want no scheduler", n, err)
	}
	if _, err := newMinimumNotices("a week", nil, clock.System, log); err == nil {
		t.Error(`"a week" was accepted`)
	}
	t.Setenv("TRAININGHUB_MINIMUM_NOTICE", "fortnight")
	dbPath := filepath.Join(t.TempDir(), "minimum.db")
	if _, err := runCmd(t, "", "serve", "--addr", "127.0.0.1:0", "--db", dbPath); err == nil || !strings.Contains(err.Error(), "TRAININGHUB_MINIMUM_NOTICE") {
		t.Fatalf("a bad notice setting must stop serve and name the variable, got %v", err)
	}
}
