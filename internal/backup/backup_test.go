package backup

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/testkit"
)

// TestNightlyKeepsTheNewestN takes a backup on each of ten nights by an injected clock:
// the directory ends with the newest three, named by their times, every one passing
// integrity_check, and files that are not the server's backups are left alone.
func TestNightlyKeepsTheNewestN(t *testing.T) {
	env := testkit.New(t)
	dir := t.TempDir()
	mine := filepath.Join(dir, "before-upgrade.db")
	os.WriteFile(mine, []byte("the operator's own copy"), 0o600)
	lookalike := filepath.Join(dir, "traininghub-20260101-023000.db.bak")
	os.WriteFile(lookalike, nil, 0o600)

	n := Nightly{Dir: dir, Keep: 3, Hour: 2, Minute: 30}
	if err := n.Check(); err != nil {
		t.Fatal(err)
	}
	clk := testkit.NewClock(time.Date(2026, 3, 25, 12, 0, 0, 0, time.UTC))
	var taken []string
	for range 10 {
		clk.Set(n.Next(clk.Now()))
		env.Org(t, "Agency "+clk.Now().Format("0102"), "police") // something new in each copy
		path, _, err := n.Take(context.Background(), env.DB, clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		taken = append(taken, filepath.Base(path))
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := append([]string{"before-upgrade.db"}, taken[7:]...)
	want = append(want, "traininghub-20260101-023000.db.bak")
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("directory holds %v, want %v", names, want)
	}
	// 02:30 London is 01:30 UTC in summer time, which began on 29 March 2026.
	if taken[0] != "traininghub-20260326-023000.db" || taken[9] != "traininghub-20260404-013000.db" {
		t.Errorf("names %s ... %s", taken[0], taken[9])
	}
}

// TestCheckSaysWhatIsWrong: a missing directory, a file, and Keep 0 are refused at start
// with the reason.
func TestCheckSaysWhatIsWrong(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, nil, 0o600)
	for _, c := range []struct {
		n    Nightly
		want string
	}{
		{Nightly{Dir: filepath.Join(dir, "nope"), Keep: 7}, "no such file or directory"},
		{Nightly{Dir: file, Keep: 7}, "is not a directory"},
		{Nightly{Dir: dir, Keep: 0}, "1 or more"},
	} {
		if err := c.n.Check(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Check(%+v) = %v, want %q", c.n, err, c.want)
		}
	}
	if os.Geteuid() == 0 {
		t.Log("running as root: a read-only directory is still writable, so that case is not checked")
		return
	}
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o500)
	if err := (Nightly{Dir: ro, Keep: 7}).Check(); err == nil || !strings.Contains(err.Error(), "cannot write to") {
		t.Errorf("read-only directory: %v", err)
	}
}

func TestParseAt(t *testing.T) {
	if h, m, err := ParseAt("02:30"); err != nil || h != 2 || m != 30 {
		t.Errorf("02:30 = %d %d %v", h, m, err)
	}
	for _, bad := range []string{"2", "24:00", "02:60", "2:3", "noon", ""} {
		if _, _, err := ParseAt(bad); err == nil {
			t.Errorf("ParseAt(%q) accepted", bad)
		}
	}
}
