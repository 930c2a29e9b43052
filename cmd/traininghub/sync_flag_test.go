package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A mistyped --sync stops serve before it touches the database, naming the choices.
func TestServeRefusesAnUnknownSyncSetting(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "sync.db")
	_, err := runCmd(t, "", "serve", "--db", dbPath, "--addr", "127.0.0.1:0", "--sync", "off")
	if err == nil || !strings.Contains(err.Error(), "full or normal") {
		t.Fatalf("serve --sync off = %v, want an error naming full and normal", err)
	}
	if _, statErr := os.Stat(dbPath); !os.IsNotExist(statErr) {
		t.Errorf("the database was created (%v) although the settings were refused", statErr)
	}
}
