package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/mail/mailtest"
)

// TestServeDemoSendsMailAndStopsCleanly runs the real serve command with demo data and a
// real SMTP server: the demo's bookings are mailed, a booking made through the API is
// confirmed by email within seconds, and an interrupt stops the server without error.
func TestServeDemoSendsMailAndStopsCleanly(t *testing.T) {
	smtp := mailtest.Start(t, mailtest.Options{})
	dbPath := filepath.Join(t.TempDir(), "serve.db")
	t.Setenv("TRAININGHUB_SMTP_URL", "smtp://"+smtp.Addr())
	t.Setenv("TRAININGHUB_SMTP_TLS", "none")
	t.Setenv("TRAININGHUB_MAIL_FROM", "Partnership Training <training@example.org>")

	srv := startServe(t, dbPath)
	base := srv.base
	if !strings.Contains(srv.out.String(), "admin@example.org") {
		t.Errorf("demo sign-ins not printed:\n%s", srv.out.String())
	}
	demoMail := smtp.WaitFor(1, 10*time.Second)
	if len(demoMail) == 0 {
		t.Fatal("no demo mail delivered")
	}

	tokenOut, err := runCmd(t, "", "token", "add", "--db", dbPath, "--email", "practitioner@example.org")
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(tokenOut)
	before := len(smtp.Messages())
	bookSomewhere(t, base, token)
	deadline := time.Now().Add(10 * time.Second)
	for len(smtp.Messages()) <= before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if len(smtp.Messages()) <= before {
		t.Fatal("the API booking's confirmation did not arrive within 10 s")
	}

	srv.stop(t)
}

// served is `serve --demo` running in this process.
type served struct {
	base        string
	out, errOut *syncBuffer
	cancel      context.CancelFunc
	done        chan error
}

// syncBuffer is a buffer the server writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// listeningRE finds the address serve logs when it starts listening.
var listeningRE = regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)

// runServe starts serve with args on a port the system picks, and waits until it is
// listening and healthy. Asking for port 0 and reading the address back means another
// test's server can never be mistaken for this one.
func runServe(t *testing.T, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{out: &syncBuffer{}, errOut: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() {
		s.done <- run(ctx, append([]string{"serve", "--demo", "--addr", "127.0.0.1:0"}, args...), nil, s.out, s.errOut)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for s.base == "" {
		select {
		case err := <-s.done:
			t.Fatalf("serve exited early: %v\n%s", err, s.errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start listening within 30 s:\n%s", s.errOut.String())
		}
		if m := listeningRE.FindStringSubmatch(s.errOut.String()); m != nil {
			s.base = "http://" + m[1]
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	waitHealthy(t, s.base, s.done)
	return s
}

// startServe runs `serve --demo` over dbPath and waits until it is healthy.
func startServe(t *testing.T, dbPath string) *served {
	t.Helper()
	return runServe(t, "--db", dbPath)
}

// stop interrupts the server as Ctrl-C would and fails the test unless it stops cleanly.
func (s *served) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("serve stopped with %v\n%s", err, s.errOut.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop within 20 s of the interrupt")
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitHealthy(t *testing.T, base string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v", err)
		default:
		}
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("server not healthy within 30 s")
}

// bookSomewhere books the token's user onto the first open session that takes them.
func bookSomewhere(t *testing.T, base, token string) {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/sessions")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Sessions []struct {
			ID int64 `json:"id"`
		} `json:"sessions"`
	}
	err = jsonDecode(resp.Body, &list)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list.Sessions {
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/sessions/%d/bookings", base, s.ID), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusCreated {
			return
		}
	}
	t.Fatal("no demo session accepted a booking")
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
