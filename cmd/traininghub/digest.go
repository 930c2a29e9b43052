package main

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/store"
)

// newDigests is the managers' weekly digest scheduler, or nil when --digest is off.
func newDigests(setting string, db *store.DB, now clock.Clock, log *slog.Logger) (*compliance.Digests, error) {
	switch strings.ToLower(strings.TrimSpace(setting)) {
	case "on", "":
		log.Info("manager digests", "when", "Mondays 08:00 Europe/London")
		return &compliance.Digests{DB: db, Compliance: compliance.NewService(db, now), Now: now, Log: log}, nil
	case "off":
		log.Info("manager digests", "when", "never: switched off")
		return nil, nil
	}
	return nil, fmt.Errorf("TRAININGHUB_DIGEST %q: write on or off", setting)
}
