package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/approval"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/impact"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/minimum"
	"github.com/traininghub/traininghub/internal/notify"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/store"
)

// mailSettings are the serve flags about email.
type mailSettings struct {
	smtpURL   string
	smtpTLS   string
	from      string
	reminders string
	digest    string // "on" or "off": the managers' weekly digest
	// minimumNotice is how long before the start a session below its minimum numbers is
	// reported (7d, 48h), or "off".
	minimumNotice string
	// connections and timeout tune sending: messages at once, and the longest wait for
	// any one step of an SMTP conversation.
	connections int
	timeout     time.Duration
	// attempted hears each handover to the mail server, for the metrics.
	attempted func(err error, willRetry bool)
}

// mailer is the outbox worker and the schedulers (reminders, approval holds, managers'
// digests) running inside serve.
type mailer struct {
	worker    *outbox.Worker
	reminders *outbox.Reminders
	approvals *approval.Expiry    // releases places held past their hold; closes lapsed requests
	digests   *compliance.Digests // the managers' weekly digest; nil when switched off
	minimums  *minimum.Notices    // sessions below their minimum numbers; nil when switched off
	impact    *impact.FollowUps   // "did it change practice?" follow-ups and their reminders
	wg        sync.WaitGroup
}

// publicBaseURL is the address links in emails point at: --base-url, or this machine.
func publicBaseURL(baseURL, addr string) string {
	if baseURL != "" {
		return strings.TrimRight(baseURL, "/")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	if port == "" {
		port = "8080"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// mailServerURL is the --smtp-url to send through, or "" when it is empty or "none":
// messages are then kept unsent in the email log.
func mailServerURL(setting string) string {
	if v := strings.TrimSpace(setting); !strings.EqualFold(v, "none") {
		return v
	}
	return ""
}

func newMailer(s mailSettings, baseURL, siteName, partnership string, db *store.DB, now clock.Clock, log *slog.Logger) (*mailer, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("base URL %q: give a full address such as https://training.example.org", baseURL)
	}
	host := u.Hostname()
	fromText := s.from
	if fromText == "" {
		fromText = fmt.Sprintf("%s <training@%s>", siteName, host)
		if !strings.Contains(host, ".") {
			fromText = siteName + " <training@" + host + ".localdomain>"
		}
	}
	from, err := netmail.ParseAddress(fromText)
	if err != nil {
		return nil, fmt.Errorf("TRAININGHUB_MAIL_FROM %q: write it as Name <address@example.org>", s.from)
	}
	var sender mail.Sender
	if smtpURL := mailServerURL(s.smtpURL); smtpURL != "" {
		cfg, err := mail.ParseSMTPURL(smtpURL, s.smtpTLS)
		if err != nil {
			return nil, fmt.Errorf("TRAININGHUB_SMTP_URL: %w", err)
		}
		if s.timeout > 0 {
			cfg.Timeout = s.timeout
		}
		sender = mail.NewSMTP(cfg)
		log.Info("email", "smtp", cfg.String(), "from", from.String())
	} else {
		log.Info("email", "smtp", "none: messages are rendered and kept in the email log, not sent")
	}
	leads := outbox.DefaultLeads
	if s.reminders != "" {
		if leads, err = outbox.ParseLeads(s.reminders); err != nil {
			return nil, fmt.Errorf("TRAININGHUB_REMINDERS: %w", err)
		}
	}
	digests, err := newDigests(s.digest, db, now, log)
	if err != nil {
		return nil, err
	}
	minimums, err := newMinimumNotices(s.minimumNotice, db, now, log)
	if err != nil {
		return nil, err
	}
	renderer, err := notify.New(notify.Config{BaseURL: baseURL, SiteName: siteName, Partnership: partnership,
		OrganizerName: from.Name, OrganizerEmail: from.Address, UIDHost: host})
	if err != nil {
		return nil, err
	}
	return &mailer{
		worker: outbox.NewWorker(db, outbox.Config{Sender: sender, Renderer: renderer, Links: account.EmailLinks{DB: db, Now: now},
			From: mail.Address{Name: from.Name, Email: from.Address}, Host: host, Now: now, Log: log,
			Connections: s.connections, Attempted: s.attempted, SendTimeout: conversationLimit(s.timeout)}),
		reminders: &outbox.Reminders{DB: db, Leads: leads, Now: now, Log: log},
		approvals: &approval.Expiry{DB: db, Now: now, Log: log},
		digests:   digests,
		minimums:  minimums,
		impact:    &impact.FollowUps{DB: db, Now: now, Log: log},
	}, nil
}

// start runs the worker, the reminders, the approval holds, the impact follow-ups and
// (unless switched off) the managers' digests and the minimum-numbers emails until ctx
// ends.
func (m *mailer) start(ctx context.Context) {
	m.wg.Add(4)
	go func() { defer m.wg.Done(); m.worker.Run(ctx) }()
	go func() { defer m.wg.Done(); m.reminders.Run(ctx, time.Minute) }()
	go func() { defer m.wg.Done(); m.approvals.Run(ctx, time.Minute) }()
	go func() { defer m.wg.Done(); m.impact.Run(ctx, 10*time.Minute) }()
	if m.digests != nil {
		m.wg.Add(1)
		go func() { defer m.wg.Done(); m.digests.Run(ctx, time.Minute) }()
	}
	if m.minimums != nil {
		m.wg.Add(1)
		go func() { defer m.wg.Done(); m.minimums.Run(ctx, time.Minute) }()
	}
}

// wait returns once a send in flight has finished and its outcome is recorded.
func (m *mailer) wait() { m.wg.Wait() }

// conversationLimit bounds one whole conversation with the mail server: a few commands'
// worth of --smtp-timeout, at most a minute. It also sets how long a server's lease on a
// message lasts (outbox.Worker.Lease) before another server may send it instead.
func conversationLimit(perCommand time.Duration) time.Duration {
	if perCommand <= 0 {
		return 0 // the worker's default
	}
	return min(time.Minute, 4*perCommand)
}
