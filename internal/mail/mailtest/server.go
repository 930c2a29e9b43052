// Package mailtest runs a real SMTP server (github.com/emersion/go-smtp) on 127.0.0.1 for
// tests: it records what it receives and can be told to answer 4xx or 5xx, or to hang,
// so senders and the outbox are tested against a real protocol peer instead of a mock.
package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	smtp "github.com/emersion/go-smtp"
)

// Options shape the server.
type Options struct {
	// STARTTLS makes the server offer STARTTLS with a self-signed certificate for
	// 127.0.0.1 and localhost; trust it with Server.RootCAs.
	STARTTLS bool
	// ImplicitTLS makes the server speak TLS from the first byte (as on port 465).
	ImplicitTLS bool
	// Users, when set, makes the server offer AUTH PLAIN (also without TLS) and accept
	// only these user names and passwords.
	Users map[string]string
	// Addr, when set, is the host:port to listen on, so a test can bring a "crashed" mail
	// server back on the address the sender already uses. Default: a free loopback port.
	Addr string
}

// Received is one message the server accepted.
type Received struct {
	From string
	To   []string
	Data []byte
	TLS  bool // the message came over an encrypted connection
}

// Server is a running test SMTP server.
type Server struct {
	Host string // always 127.0.0.1
	Port int
	// RootCAs trusts the server's certificate (STARTTLS or ImplicitTLS only).
	RootCAs *x509.CertPool

	srv   *smtp.Server
	users map[string]string

	mu       sync.Mutex
	received []Received
	attempts int           // DATA commands, accepted or not
	failNext int           // answer the next failNext DATA commands with failCode
	failCode int           // for failNext
	reject   int           // answer every DATA with this code while non-zero
	hang     chan struct{} // non-nil: MAIL FROM waits until it is closed
	hangNext int           // the next hangNext MAIL FROMs wait on hangSome
	hangSome chan struct{} // closed by Hang(false) or Close
	changed  chan struct{} // closed and replaced whenever a message arrives
	closed   chan struct{}
}

// Start runs a server until the test ends.
func Start(tb testing.TB, opt Options) *Server {
	tb.Helper()
	s := &Server{
		Host:    "127.0.0.1",
		users:   opt.Users,
		changed: make(chan struct{}),
		closed:  make(chan struct{}),
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 20 << 20
	srv.MaxRecipients = 50
	srv.AllowInsecureAuth = true
	srv.ErrorLog = log.New(io.Discard, "", 0)

	var ln net.Listener
	var err error
	addr := "127.0.0.1:0"
	if opt.Addr != "" {
		addr = opt.Addr
	}
	if opt.STARTTLS || opt.ImplicitTLS {
		cert, pool, cerr := selfSigned()
		if cerr != nil {
			tb.Fatalf("mailtest: certificate: %v", cerr)
		}
		s.RootCAs = pool
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if opt.ImplicitTLS {
		ln, err = tls.Listen("tcp", addr, srv.TLSConfig)
		srv.TLSConfig = nil // no STARTTLS on an already encrypted connection
	} else {
		ln, err = net.Listen("tcp", addr)
	}
	if err != nil {
		tb.Fatalf("mailtest: listen: %v", err)
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	s.srv = srv
	go func() { _ = srv.Serve(ln) }()
	tb.Cleanup(s.Close)
	return s
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Close stops the server and releases any hung session. Safe to call twice.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		return
	default:
		close(s.closed)
	}
	s.mu.Unlock()
	_ = s.srv.Close()
}

// Messages returns what has been accepted so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Attempts counts DATA commands, answered with success or failure.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// WaitFor waits until at least n messages have arrived or timeout passes, and returns
// what has arrived.
func (s *Server) WaitFor(n int, timeout time.Duration) []Received {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, ch := len(s.received), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-ch:
		case <-deadline.C:
			return s.Messages()
		}
	}
}

// FailNext answers the next n messages with code (e.g. 451) after reading them.
func (s *Server) FailNext(n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failCode = n, code
}

// Reject answers every message with code (e.g. 550) until Reject(0).
func (s *Server) Reject(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject = code
}

// Hang makes MAIL FROM wait without answering, until Hang(false) or Close.
func (s *Server) Hang(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case on && s.hang == nil:
		s.hang = make(chan struct{})
	case !on && s.hang != nil:
		close(s.hang)
		s.hang = nil
	}
	if !on {
		s.hangNext = 0
		if s.hangSome != nil {
			close(s.hangSome)
			s.hangSome = nil
		}
	}
}

// HangNext makes the next n MAIL FROM commands wait without answering (until Hang(false)
// or Close) while every other conversation goes on normally: one stuck connection.
func (s *Server) HangNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hangNext = n
	if s.hangSome == nil {
		s.hangSome = make(chan struct{})
	}
}

func smtpError(code int) *smtp.SMTPError {
	class := code / 100
	return &smtp.SMTPError{
		Code:         code,
		EnhancedCode: smtp.EnhancedCode{class, 0, 0},
		Message:      "mailtest says " + strconv.Itoa(code),
	}
}

type session struct {
	s      *Server
	conn   *smtp.Conn
	from   string
	to     []string
	authed bool
}

func (x *session) AuthMechanisms() []string {
	if x.s.users == nil {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || x.s.users == nil {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if want, ok := x.s.users[user]; ok && want == pass {
			x.authed = true
			return nil
		}
		return smtp.ErrAuthFailed
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.users != nil && !x.authed {
		return smtp.ErrAuthRequired
	}
	x.s.mu.Lock()
	hang := x.s.hang
	if hang == nil && x.s.hangNext > 0 {
		x.s.hangNext--
		hang = x.s.hangSome
	}
	x.s.mu.Unlock()
	if hang != nil {
		select {
		case <-hang:
		case <-x.s.closed:
			return smtpError(421)
		}
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := x.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts++
	switch {
	case s.reject != 0:
		return smtpError(s.reject)
	case s.failNext > 0:
		s.failNext--
		return smtpError(s.failCode)
	}
	_, isTLS := x.conn.TLSConnectionState()
	s.received = append(s.received, Received{From: x.from, To: append([]string(nil), x.to...), Data: data, TLS: isTLS})
	close(s.changed)
	s.changed = make(chan struct{})
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

// selfSigned makes a short-lived certificate for 127.0.0.1 and localhost.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
