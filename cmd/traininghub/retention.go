package main

import (
	"context"
	"flag"
	"log/slog"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/privacy"
)

// retentionFlags adds --retain-inactive and --retain-email (TRAININGHUB_RETAIN_INACTIVE,
// TRAININGHUB_RETAIN_EMAIL). Six years follows the Limitation Act 1980's six-year period
// for claims and common practice for training records; the partnership decides.
func retentionFlags(fs *flag.FlagSet) *privacy.Retention {
	r := privacy.DefaultRetention
	fs.Var(&r.Inactive, "retain-inactive", "anonymise accounts with no sign-in, booking, attendance or certificate for this long, e.g. 6y, 72m, 2190d; 0 or off: never")
	fs.Var(&r.Email, "retain-email", "delete the text and address of emails older than this, e.g. 90d; 0 or off: never")
	return &r
}

// sweepRetention runs the retention rules every night at 03:30 London time.
func sweepRetention(ctx context.Context, p *privacy.Service, now clock.Clock, log *slog.Logger) {
	for {
		wait := time.Until(privacy.NextRun(now()))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		var accounts, emails int
		ran, err := p.DB.Exclusively(ctx, "retention", func() error {
			var err error
			accounts, emails, err = p.Sweep(ctx)
			return err
		})
		if !ran && err == nil {
			log.Info("retention", "ran", "at another server")
			continue
		}
		if err != nil {
			log.Warn("retention", "err", err, "accounts_anonymised", accounts, "emails_emptied", emails)
			continue
		}
		log.Info("retention", "accounts_anonymised", accounts, "emails_emptied", emails,
			"retain_inactive", p.Retention.Inactive.String(), "retain_email", p.Retention.Email.String())
	}
}
