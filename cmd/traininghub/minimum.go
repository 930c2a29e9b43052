package main

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/minimum"
	"github.com/traininghub/traininghub/internal/store"
)

// newMinimumNotices is the scheduler of the below-minimum emails, or nil when
// --minimum-notice is off.
func newMinimumNotices(setting string, db *store.DB, now clock.Clock, log *slog.Logger) (*minimum.Notices, error) {
	if strings.TrimSpace(setting) == "" {
		setting = "7d"
	}
	notice, on, err := minimum.ParseNotice(setting)
	if err != nil {
		return nil, fmt.Errorf("TRAININGHUB_MINIMUM_NOTICE %w", err)
	}
	if !on {
		log.Info("minimum numbers", "when", "never: switched off")
		return nil, nil
	}
	log.Info("minimum numbers", "notice", notice.Label())
	return &minimum.Notices{DB: db, Notice: notice, Now: now, Log: log}, nil
}
