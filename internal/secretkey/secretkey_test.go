package secretkey_test

import (
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/secretkey"
)

func TestSealOpen(t *testing.T) {
	k, _, err := secretkey.Generate()
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := k.Seal([]byte("JBSWY3DPEHPK3PXP"), "user_totp.secret:7")
	if err != nil {
		t.Fatal(err)
	}
	if !secretkey.Sealed(sealed) || strings.Contains(sealed, "JBSWY3DPEHPK3PXP") {
		t.Fatalf("sealed = %q", sealed)
	}
	again, _ := k.Seal([]byte("JBSWY3DPEHPK3PXP"), "user_totp.secret:7")
	if again == sealed {
		t.Error("sealing twice gave the same text: the nonce is not fresh")
	}
	if plain, err := k.Open(sealed, "user_totp.secret:7"); err != nil || string(plain) != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("open: %q %v", plain, err)
	}
	other, _, _ := secretkey.Generate()
	tampered := sealed[:len(sealed)-2] + "AA"
	for name, try := range map[string]func() error{
		"another place": func() error { _, err := k.Open(sealed, "user_totp.secret:8"); return err },
		"another key":   func() error { _, err := other.Open(sealed, "user_totp.secret:7"); return err },
		"tampered":      func() error { _, err := k.Open(tampered, "user_totp.secret:7"); return err },
		"plain text":    func() error { _, err := k.Open("JBSWY3DPEHPK3PXP", "user_totp.secret:7"); return err },
		"short":         func() error { _, err := k.Open("v1:AAAA", "user_totp.secret:7"); return err },
	} {
		if err := try(); !errors.Is(err, secretkey.ErrNotOpened) {
			t.Errorf("%s: %v, want ErrNotOpened", name, err)
		}
	}
	if string(k.Derive("a")) == string(k.Derive("b")) || string(k.Derive("a")) != string(k.Derive("a")) {
		t.Error("derived keys are not distinct per purpose and stable")
	}
}

func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "traininghub.key")
	k, err := secretkey.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 || info.Size() != secretkey.Size {
		t.Fatalf("key file: %v %v", info, err)
	}
	if _, err := secretkey.Create(path); err == nil {
		t.Fatal("Create overwrote a key file")
	}
	loaded, err := secretkey.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := k.Seal([]byte("x"), "w")
	if _, err := loaded.Open(sealed, "w"); err != nil {
		t.Fatal("the loaded key is not the created one")
	}
	raw, _ := os.ReadFile(path)
	hexPath := filepath.Join(dir, "hex.key")
	os.WriteFile(hexPath, []byte(hex.EncodeToString(raw)+"\n"), 0o600)
	if fromHex, err := secretkey.Load(hexPath); err != nil {
		t.Fatal(err)
	} else if _, err := fromHex.Open(sealed, "w"); err != nil {
		t.Fatal("a hex key file does not load as the same key")
	}
	badPath := filepath.Join(dir, "bad.key")
	os.WriteFile(badPath, []byte("too short"), 0o600)
	if _, err := secretkey.Load(badPath); err == nil || !strings.Contains(err.Error(), "must hold 32 bytes") {
		t.Fatalf("a bad key file: %v", err)
	}
	if _, err := secretkey.Load(filepath.Join(dir, "none.key")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a missing key file: %v", err)
	}
	if got := secretkey.DefaultPath("/data/traininghub.db"); got != "/data/traininghub.key" {
		t.Errorf("default path %q", got)
	}
}
