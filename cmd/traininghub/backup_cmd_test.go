package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupCommand: `traininghub backup` writes a checked copy, says what it holds,
// refuses to write over a file unless told, and takes its flags before or after FILE.
func TestBackupCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "traininghub.db")
	if err := run(ctx, []string{"migrate", "--db", db}, strings.NewReader(""), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(dir, "before-upgrade.db")
	var out bytes.Buffer
	if err := run(ctx, []string{"backup", "--db", db, dest}, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Backed up "+db+" to "+dest) || !strings.Contains(out.String(), "integrity check ok") {
		t.Errorf("backup said %q", out.String())
	}
	err := run(ctx, []string{"backup", dest, "--db", db}, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "already exists") || !strings.Contains(err.Error(), "--force") {
		t.Errorf("second backup to the same file: %v", err)
	}
	if err := run(ctx, []string{"backup", dest, "--db", db, "--force"}, strings.NewReader(""), io.Discard, io.Discard); err != nil {
		t.Errorf("backup --force: %v", err)
	}
	for _, args := range [][]string{{"backup", "--db", db}, {"backup", "--db", db, "a.db", "b.db"}} {
		if err := run(ctx, args, strings.NewReader(""), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "give one file name") {
			t.Errorf("%v: %v", args, err)
		}
	}
	err = run(ctx, []string{"backup", "--db", filepath.Join(dir, "missing.db"), filepath.Join(dir, "x.db")}, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no database at") {
		t.Errorf("backup of a missing database: %v", err)
	}
}

// TestServeRefusesBadOperationsSettings: a mistyped backup time, keep count or disk
// threshold stops serve before it opens anything.
func TestServeRefusesBadOperationsSettings(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ flag, value, want string }{
		{"--backup-at", "2:30pm", "--backup-at"},
		{"--backup-keep", "0", "--backup-keep"},
		{"--min-free-disk", "plenty", "--min-free-disk"},
	} {
		db := filepath.Join(dir, "never.db")
		err := run(context.Background(), []string{"serve", "--db", db, "--addr", "127.0.0.1:0", c.flag, c.value},
			strings.NewReader(""), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: %v", c.flag, c.value, err)
		}
		if matches, _ := filepath.Glob(db + "*"); len(matches) != 0 {
			t.Errorf("%s %s: the database was created: %v", c.flag, c.value, matches)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]uint64{"100MB": 100e6, "2GB": 2e9, "500m": 500e6, "4096": 4096, " 1 GB ": 1e9} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "MB", "-5MB", "1.5GB", "lots"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}
