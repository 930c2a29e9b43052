package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestServeDemoPrintsSignInsAtEveryStart: the demo sign-ins and how to reset the demo are
// printed on the start that seeds the data and on every later start, but not for a
// database whose data is not the demo's.
func TestServeDemoPrintsSignInsAtEveryStart(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "demo.db")
	first := serveOnce(t, dbPath)
	second := serveOnce(t, dbPath)
	for name, out := range map[string]string{"first": first, "second": second} {
		for _, want := range []string{"admin@example.org", "demo-admin-2026", "trainer@example.org", "To start the demo afresh", dbPath} {
			if !strings.Contains(out, want) {
				t.Errorf("%s start does not print %q:\n%s", name, want, out)
			}
		}
	}
	if !strings.Contains(first, "Demo partnership ready") || !strings.Contains(second, "seeded earlier") {
		t.Errorf("the starts do not say which seeded the data:\nfirst:\n%s\nsecond:\n%s", first, second)
	}

	other := filepath.Join(t.TempDir(), "real.db")
	if _, err := runCmd(t, "a long memorable passphrase\n", "user", "add", "--db", other, "--email", "lead@council.example",
		"--name", "Training Lead", "--org", "Example Council", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	out := serveOnce(t, other)
	if strings.Contains(out, "demo-admin-2026") || !strings.Contains(out, "nothing was added") {
		t.Errorf("a database that is not the demo's printed demo sign-ins:\n%s", out)
	}
}

// serveOnce runs `serve --demo` until it is healthy, stops it and returns what it printed.
func serveOnce(t *testing.T, dbPath string) string {
	t.Helper()
	t.Setenv("TRAININGHUB_SMTP_URL", "")
	s := startServe(t, dbPath)
	s.stop(t)
	return s.out.String()
}
