package main

import (
	"flag"
	"fmt"

	"github.com/traininghub/traininghub/internal/backup"
)

// nightlyFlags are --backup-dir, --backup-keep and --backup-at
// (TRAININGHUB_BACKUP_DIR and so on).
type nightlyFlags struct {
	dir, at string
	keep    int
}

func (f *nightlyFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.dir, "backup-dir", "", "take a backup every night into this directory (off when empty)")
	fs.IntVar(&f.keep, "backup-keep", backup.DefaultKeep, "how many nightly backups to keep; older ones are deleted")
	fs.StringVar(&f.at, "backup-at", backup.DefaultAt, "when the nightly backup is taken, HH:MM London time")
}

// nightly checks the settings before the server starts; nil when backups are off.
func (f *nightlyFlags) nightly() (*backup.Nightly, error) {
	if f.dir == "" {
		return nil, nil
	}
	h, m, err := backup.ParseAt(f.at)
	if err != nil {
		return nil, fmt.Errorf("--backup-at: %w", err)
	}
	n := &backup.Nightly{Dir: f.dir, Keep: f.keep, Hour: h, Minute: m}
	if err := n.Check(); err != nil {
		return nil, fmt.Errorf("--backup-dir: %w", err)
	}
	return n, nil
}
