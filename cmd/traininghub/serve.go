package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/demo"
	"github.com/traininghub/traininghub/internal/ratelimit"

	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/metrics"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/privacy"
	"github.com/traininghub/traininghub/internal/server"
	"github.com/traininghub/traininghub/internal/store"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve")
	addr := fs.String("addr", ":8080", "address to listen on")
	dbPath := dbFlag(fs)
	baseURL := fs.String("base-url", "", "public address, e.g. https://training.example.org")
	siteName := fs.String("site-name", "", "name shown in the header")
	partnership := fs.String("partnership", "Safeguarding Children Partnership", "the partnership's name, printed on certificates")
	demoData := fs.Bool("demo", false, "seed demo data into an empty database")
	syncSetting := fs.String("sync", string(store.SyncFull), "full: every commit waits for the disk, so a booking answered as made survives a power cut; normal: faster alone, but a power cut can lose the last bookings")
	proxies := fs.String("trusted-proxies", "", "comma-separated proxy addresses whose X-Forwarded-For is believed")
	var ms mailSettings
	fs.StringVar(&ms.smtpURL, "smtp-url", "", "mail server, smtp://user:pass@host:port; none: keep messages unsent")
	fs.StringVar(&ms.smtpTLS, "smtp-tls", "mandatory", "STARTTLS policy: mandatory, opportunistic, none, or implicit (TLS on 465)")
	fs.IntVar(&ms.connections, "smtp-connections", outbox.DefaultConnections, "how many messages are sent at once, each on its own connection")
	fs.DurationVar(&ms.timeout, "smtp-timeout", mail.DefaultTimeout, "longest wait for the mail server to connect or answer any one command")
	fs.StringVar(&ms.from, "mail-from", "", "sender, e.g. Partnership Training <training@example.org>")
	fs.StringVar(&ms.reminders, "reminders", "3d,1d", "when reminders go before a session, e.g. 3d,1d or 2h")
	fs.StringVar(&ms.minimumNotice, "minimum-notice", "7d", "how long before a session below its minimum numbers its provider and the admins get one email, e.g. 7d or 48h; off: never")
	fs.StringVar(&ms.digest, "digest", "on", "weekly email to managers about staff training expired or expiring (Mondays 08:00 London): on or off")
	keyFile := secretKeyFlag(fs)
	var oidc oidcSettings
	oidc.register(fs)
	retention := retentionFlags(fs)
	ops := opsFlags(fs)
	metricsToken := fs.String("metrics-token", "", "bearer token a Prometheus scraper presents at /metrics; empty: no /metrics")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := ops.check(*dbPath); err != nil {
		return err
	}
	oidcCfg, err := oidc.config()
	if err != nil {
		return err
	}
	if *siteName == "" {
		*siteName = "Safeguarding Children Partnership training"
	}
	log := newLogger(stderr)

	sync, err := store.ParseSync(*syncSetting)
	if err != nil {
		return fmt.Errorf("--sync: %w", err)
	}
	db, err := openAndMigrateSync(ctx, *dbPath, sync)
	if err != nil {
		return err
	}
	defer db.Close()

	now := clock.System
	accounts := account.NewService(db, now, account.NewHasher(account.DefaultHashParams, 4))
	if err := openSecretKey(ctx, accounts, secretKeyPath(*keyFile, *dbPath), *dbPath, log); err != nil {
		return err
	}
	courses := course.NewService(db, now)
	bookings := booking.NewService(db, now)

	if *demoData {
		seeded, err := demo.Seed(ctx, accounts, courses, bookings, now())
		if err != nil {
			return fmt.Errorf("seed demo data: %w", err)
		}
		logins, err := demo.ExistingLogins(ctx, accounts)
		if err != nil {
			return fmt.Errorf("read demo sign-ins: %w", err)
		}
		printLogins(stdout, logins, len(seeded) > 0, *addr, *dbPath)
	}

	figures := metrics.New(db, now)
	ms.attempted = figures.MailAttempt
	public := publicBaseURL(*baseURL, *addr) // links in emails and calendar UIDs both use it
	mailer, err := newMailer(ms, public, *siteName, *partnership, db, now, log)
	if err != nil {
		return err
	}

	var trusted []string
	if *proxies != "" {
		trusted = strings.Split(*proxies, ",")
	}
	app, err := server.New(server.Config{BaseURL: public, SiteName: *siteName, Partnership: *partnership, TrustedProxies: trusted, OIDC: oidcCfg,
		Retention: retention, Ready: ops.readyChecks(*dbPath, mailer.worker.Heartbeat, ms.timeout),
		MetricsToken: *metricsToken},
		server.Deps{DB: db, Accounts: accounts, Courses: courses, Bookings: bookings, Now: now, Log: log, Metrics: figures})
	if err != nil {
		return err
	}
	srv := server.HTTPServer(*addr, app.Handler)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	log.Info("listening", "addr", ln.Addr().String(), "db", store.SafeAddress(*dbPath))
	go sweepSessions(ctx, db, log)
	go sweepSignups(ctx, accounts, log)
	go sweepRetention(ctx, privacy.New(db, nil, now, *retention, *partnership), now, log)
	go runNightly(ctx, ops.nightly(db, now, log))
	mailCtx, stopMail := context.WithCancel(context.WithoutCancel(ctx))
	defer mailer.wait()
	defer stopMail()
	mailer.start(mailCtx)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// openAndMigrate opens the database for a command, waiting for the disk at every commit.
func openAndMigrate(ctx context.Context, path string) (*store.DB, error) {
	return openAndMigrateSync(ctx, path, store.SyncFull)
}

func openAndMigrateSync(ctx context.Context, path string, sync store.Sync) (*store.DB, error) {
	db, err := store.OpenSync(path, sync)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// printLogins tells a newcomer how to sign in to the demo, at every start, and how to
// begin it afresh. fresh says whether this start seeded the data.
func printLogins(w io.Writer, logins []demo.Login, fresh bool, addr, dbPath string) {
	if len(logins) == 0 {
		fmt.Fprintln(w, "Demo data: the database already has data that is not the demo's, so nothing was added.")
		return
	}
	host := addr
	if strings.HasPrefix(host, ":") {
		host = "localhost" + host
	}
	if fresh {
		fmt.Fprintf(w, "\nDemo partnership ready at http://%s\n", host)
	} else {
		fmt.Fprintf(w, "\nDemo partnership (seeded earlier, with any changes you made) at http://%s\n", host)
	}
	fmt.Fprintln(w, "Sign in as:")
	for _, l := range logins {
		fmt.Fprintf(w, "  %-13s %-28s password: %s\n", l.Role, l.Email, l.Password)
	}
	if store.IsPostgresURL(dbPath) {
		fmt.Fprintf(w, "To start the demo afresh, stop the servers, drop and recreate the database %s and run it again.\n\n", store.SafeAddress(dbPath))
		return
	}
	fmt.Fprintf(w, "To start the demo afresh, stop the server, delete %s (with its -wal and -shm files) and run it again.\n\n", dbPath)
}

// sweepSessions deletes expired sign-in sessions hourly.
func sweepSessions(ctx context.Context, db *store.DB, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, err := db.Exclusively(ctx, "sweep_sessions", func() error { return (account.SessionStore{DB: db}).DeleteExpired(ctx) })
			if err != nil {
				log.Warn("sweep sessions", "err", err)
			}
		}
	}
}

// sweepSignups removes self-registered accounts left unconfirmed for a week (and declined
// join requests a week old), and forgets ended request-limit windows, hourly.
func sweepSignups(ctx context.Context, accounts *account.Service, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, err := accounts.DB.Exclusively(ctx, "sweep_signups", func() error {
				if n, err := accounts.SweepUnconfirmed(ctx); err != nil {
					log.Warn("sweep unconfirmed accounts", "err", err)
				} else if n > 0 {
					log.Info("removed unconfirmed accounts", "count", n)
				}
				_, err := ratelimit.New(accounts.DB, accounts.Now).Sweep(ctx)
				return err
			})
			if err != nil {
				log.Warn("sweep request limits", "err", err)
			}
		}
	}
}
