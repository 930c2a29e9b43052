package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mountTmpfs mounts a small tmpfs at a fresh directory, or skips the test where mounting
// is not allowed (not root, or a container without the capability).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): the disk-full unit tests in internal/server and internal/health still run", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// fillDisk writes a ballast file until the file system refuses more.
func fillDisk(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for size := len(chunk); size > 0; size /= 2 {
		for {
			if _, err := f.Write(chunk[:size]); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				break
			}
		}
	}
}

// readyz is /readyz's answer, with each check's problem by name ("" when it passed).
type readyz struct {
	Ready  bool `json:"ready"`
	Checks []struct {
		Name    string `json:"name"`
		OK      bool   `json:"ok"`
		Problem string `json:"problem"`
	} `json:"checks"`
}

func (r readyz) failing(name string) bool {
	for _, c := range r.Checks {
		if c.Name == name {
			return !c.OK
		}
	}
	return false
}

func getReadyz(t *testing.T, base string) (int, readyz) {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r readyz
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, r
}

// TestServeOnAFullTmpfs runs the real serve command with its database on a small tmpfs
// and fills the disk for real: bookings answer 503 storage_full with Retry-After 30,
// /readyz fails disk_space and storage_not_full while /healthz stays ok; once the ballast is
// deleted bookings succeed again with no restart.
func TestServeOnAFullTmpfs(t *testing.T) {
	dir := mountTmpfs(t, "16m")
	dbPath := filepath.Join(dir, "traininghub.db")
	fixture := prepareCrashDatabase(t, dbPath, 40, 4)
	srv := runServe(t, "--db", dbPath, "--min-free-disk", "1MB") // the fixture's data, so --demo adds nothing
	defer srv.stop(t)
	base := srv.base
	if status, r := getReadyz(t, base); status != http.StatusOK {
		t.Fatalf("/readyz before the disk filled = %d %+v", status, r)
	}

	next := 0
	book := func() (int, string, string) {
		tok := fixture.tokens[next%len(fixture.tokens)]
		sess := fixture.sessions[next/len(fixture.tokens)%len(fixture.sessions)]
		next++
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/sessions/%d/bookings", base, sess), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Retry-After"), string(b)
	}
	if status, _, body := book(); status != http.StatusCreated {
		t.Fatalf("booking before the disk filled: %d %s", status, body)
	}

	ballast := filepath.Join(dir, "ballast")
	fillDisk(t, ballast)
	status, retry, body := book()
	for i := 0; i < 100 && status == http.StatusCreated; i++ { // the WAL may have room left in it
		status, retry, body = book()
	}
	if status != http.StatusServiceUnavailable || retry != "30" || !strings.Contains(body, `"storage_full"`) {
		t.Fatalf("booking on a full disk: %d Retry-After %q %s", status, retry, body)
	}
	t.Logf("full disk answer: %d Retry-After %s %s", status, retry, body)
	rs, r := getReadyz(t, base)
	if rs != http.StatusServiceUnavailable || !r.failing("disk_space") || !r.failing("storage_not_full") {
		t.Errorf("/readyz on a full disk = %d %+v", rs, r)
	}
	t.Logf("/readyz on a full disk: %d %+v", rs, r)
	if resp, err := http.Get(base + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz on a full disk: %v %v", resp, err)
	}

	if err := os.Remove(ballast); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for status, _, body = book(); status != http.StatusCreated && time.Now().Before(deadline); status, _, body = book() {
		time.Sleep(100 * time.Millisecond)
	}
	if status != http.StatusCreated {
		t.Fatalf("booking after space returned: %d %s", status, body)
	}
	if _, r := getReadyz(t, base); r.failing("disk_space") || r.failing("database_writable") {
		t.Errorf("/readyz after space returned: %+v", r)
	}
}

// TestServeSaysTheDatabaseDirectoryIsReadOnly: serve with its database on a file system
// mounted read-only (which stops root too) stops at start with a message naming the
// directory, not a later SQLite error.
func TestServeSaysTheDatabaseDirectoryIsReadOnly(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_RDONLY, "size=1m"); err != nil {
		t.Skipf("cannot mount a read-only tmpfs here (%v): internal/store's test covers an unwritable directory", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	_, err := runCmd(t, "", "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "traininghub.db"))
	if err == nil || !strings.Contains(err.Error(), "cannot write to "+dir+" (the database directory") {
		t.Fatalf("serve on a read-only directory: %v", err)
	}
	t.Logf("serve said: %v", err)
}
