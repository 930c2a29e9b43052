package browsertest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/demo"
	"github.com/traininghub/traininghub/internal/secretkey"
	"github.com/traininghub/traininghub/internal/server"
	"github.com/traininghub/traininghub/internal/store"
)

// DemoNow is the moment the demo site lives at: a Wednesday morning in November (London on
// GMT), fixed so the pages, and the screenshots of them, are the same on every run.
var DemoNow = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// Site is the real server over a real SQLite file seeded with the demo partnership,
// listening on a loopback port.
type Site struct {
	URL    string
	Logins []demo.Login
	db     *store.DB
	srv    *http.Server
}

// Login returns the demo sign-in for role.
func (s *Site) Login(role account.Role) (demo.Login, bool) {
	for _, l := range s.Logins {
		if l.Role == role {
			return l, true
		}
	}
	return demo.Login{}, false
}

// StartDemo migrates a new database in dir, seeds the demo data into it and serves the
// application on 127.0.0.1 on a free port, as `traininghub serve --demo` would (without
// mail). Close stops it.
func StartDemo(dir string) (*Site, error) {
	ctx := context.Background()
	db, err := store.Open(filepath.Join(dir, "browser.db"))
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	now := func() time.Time { return DemoNow }
	accounts := account.NewService(db, now, account.NewHasher(account.TestHashParams, 4))
	key, _, err := secretkey.Generate()
	if err == nil {
		_, err = accounts.UseSecretKey(ctx, key)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("secret key: %w", err)
	}
	courses := course.NewService(db, now)
	bookings := booking.NewService(db, now)
	logins, err := demo.Seed(ctx, accounts, courses, bookings, now())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("seed demo data: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		db.Close()
		return nil, err
	}
	base := "http://" + ln.Addr().String()
	app, err := server.New(server.Config{BaseURL: base, SiteName: "Safeguarding Children Partnership training"},
		server.Deps{DB: db, Accounts: accounts, Courses: courses, Bookings: bookings, Now: now,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		ln.Close()
		db.Close()
		return nil, err
	}
	srv := server.HTTPServer(ln.Addr().String(), app.Handler)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("browsertest server", "err", err)
		}
	}()
	return &Site{URL: base, Logins: logins, db: db, srv: srv}, nil
}

// Close stops the server and closes the database.
func (s *Site) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
	s.db.Close()
}
