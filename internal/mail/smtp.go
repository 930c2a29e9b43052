package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/go-mail/mail/v2"
)

// TLSPolicy says how the connection to the SMTP server is protected.
type TLSPolicy string

// The TLS policies. Mandatory is the default: credentials and personal data never cross
// the network in the clear unless someone chose "none" for a trusted local relay.
const (
	TLSMandatory     TLSPolicy = "mandatory"     // STARTTLS required; fail if the server lacks it
	TLSOpportunistic TLSPolicy = "opportunistic" // STARTTLS when the server offers it
	TLSNone          TLSPolicy = "none"          // never STARTTLS (a local relay, mailpit)
	TLSImplicit      TLSPolicy = "implicit"      // TLS from the first byte (port 465, smtps://)
)

// DefaultTimeout bounds each network step of a send when SMTPConfig.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// SMTPConfig says where and how to send.
type SMTPConfig struct {
	Host               string
	Port               int
	Username, Password string
	TLS                TLSPolicy
	// HeloName is sent with EHLO; empty sends "localhost", which some servers refuse.
	HeloName string
	// Timeout bounds each network step: the connection and the server's greeting, then
	// each command and its reply, and each chunk of DATA; zero means DefaultTimeout.
	Timeout time.Duration
	// TLSConfig, when set, replaces the default (system roots, ServerName = Host).
	TLSConfig *tls.Config
}

// String describes the configuration without the password, so logging it is safe.
func (c SMTPConfig) String() string {
	user := ""
	if c.Username != "" {
		user = c.Username + ":***@"
	}
	return fmt.Sprintf("smtp://%s%s tls=%s", user, net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), c.TLS)
}

// ParseTLSPolicy reads a policy name; empty is mandatory.
func ParseTLSPolicy(s string) (TLSPolicy, error) {
	switch p := TLSPolicy(strings.ToLower(strings.TrimSpace(s))); p {
	case "":
		return TLSMandatory, nil
	case TLSMandatory, TLSOpportunistic, TLSNone, TLSImplicit:
		return p, nil
	}
	return "", fmt.Errorf("mail: unknown SMTP TLS policy %q (use mandatory, opportunistic, none or implicit)", s)
}

// ParseSMTPURL reads smtp://user:pass@host:port (or smtps:// for implicit TLS) and a TLS
// policy name. The port defaults to 587, or 465 for implicit TLS. Special characters in
// the user name or password must be percent-encoded. Error messages never repeat the
// password.
func ParseSMTPURL(raw string, tlsPolicy string) (SMTPConfig, error) {
	var cfg SMTPConfig
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return cfg, errors.New("mail: the SMTP URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the whole URL, password included: keep only the reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return cfg, fmt.Errorf("mail: the SMTP URL is not a valid URL (%v); percent-encode special characters in the user name and password", err)
	}
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return cfg, errors.New("mail: the SMTP URL must look like smtp://user:password@host:port (or smtps:// for TLS on connect)")
	}
	if u.Opaque != "" || u.Host == "" {
		return cfg, errors.New("mail: the SMTP URL has no host; write it as smtp://host:port")
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return cfg, errors.New("mail: the SMTP URL must not have a path, query or fragment")
	}
	cfg.Host = u.Hostname()
	if cfg.Host == "" {
		return cfg, errors.New("mail: the SMTP URL has no host")
	}
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
	}

	if strings.TrimSpace(tlsPolicy) == "" && u.Scheme == "smtps" {
		tlsPolicy = string(TLSImplicit)
	}
	if cfg.TLS, err = ParseTLSPolicy(tlsPolicy); err != nil {
		return SMTPConfig{}, err
	}
	if u.Scheme == "smtps" && cfg.TLS != TLSImplicit {
		return SMTPConfig{}, fmt.Errorf("mail: smtps:// means TLS on connect, but the TLS policy says %q", cfg.TLS)
	}

	switch p := u.Port(); {
	case p == "" && cfg.TLS == TLSImplicit:
		cfg.Port = 465
	case p == "":
		cfg.Port = 587
	default:
		cfg.Port, err = strconv.Atoi(p)
		if err != nil || cfg.Port < 1 || cfg.Port > 65535 {
			return SMTPConfig{}, fmt.Errorf("mail: SMTP port %q is not a number from 1 to 65535", p)
		}
	}
	if cfg.Port == 465 && cfg.TLS != TLSImplicit {
		return SMTPConfig{}, fmt.Errorf("mail: port 465 expects TLS on connect: set the TLS policy to implicit (it is %q)", cfg.TLS)
	}
	cfg.Timeout = DefaultTimeout
	return cfg, nil
}

// SMTP sends each message on a connection of its own through go-mail's Dialer.
type SMTP struct {
	cfg SMTPConfig
	now func() time.Time
}

var _ Sender = (*SMTP)(nil)

// dialHook makes go-mail bound the wait for the server's greeting.
var dialHook sync.Once

// NewSMTP makes a sender for cfg; an empty TLS policy is mandatory and a zero Timeout is
// DefaultTimeout. Bad settings surface as permanent errors from Send.
func NewSMTP(cfg SMTPConfig) *SMTP {
	if cfg.TLS == "" {
		cfg.TLS = TLSMandatory
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	// go-mail v2.3.0 sets its connection deadline only after net/smtp has read the 220
	// greeting, so a server that accepts and then says nothing hangs Dial for ever. Its
	// only seam is the package variable NetDialTimeout: replace it, once, with a dial that
	// also sets that deadline. The replacement behaves exactly like the original otherwise.
	dialHook.Do(func() { gomail.NetDialTimeout = dialWithDeadline })
	return &SMTP{cfg: cfg, now: time.Now}
}

func dialWithDeadline(network, address string, timeout time.Duration) (net.Conn, error) {
	conn, err := net.DialTimeout(network, address, timeout)
	if err != nil || timeout <= 0 {
		return conn, err
	}
	_ = conn.SetDeadline(time.Now().Add(timeout))
	return &commandConn{Conn: conn, timeout: timeout}, nil
}

// commandConn gives every SMTP command its own Timeout. go-mail sets one deadline for all
// of EHLO to AUTH and one for all of MAIL FROM to the end of DATA, so a slow but honest
// server sending a large attachment could time out while a hung one is caught late.
// Here each write (a command, or a chunk of DATA) restarts the clock for that write and
// the reply that follows it. go-mail's own SetDeadline calls still apply until the next
// write, so the wait for the greeting stays bounded too.
type commandConn struct {
	net.Conn
	timeout time.Duration
}

func (c *commandConn) Write(p []byte) (int, error) {
	_ = c.Conn.SetDeadline(time.Now().Add(c.timeout))
	return c.Conn.Write(p)
}

// Send delivers m on a new connection. Cancellation of ctx is honoured before dialling,
// and ctx's deadline shortens the per-step timeout; a conversation that has started runs
// until it ends or times out, so a shutdown never abandons a message half-sent. Classify
// the error with Temporary.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	gm, env, err := compose(m, s.now())
	if err != nil {
		return err
	}
	timeout := s.cfg.Timeout
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if left <= 0 {
			return context.DeadlineExceeded
		}
		timeout = min(timeout, left)
	}
	d, err := s.dialer(timeout)
	if err != nil {
		return err
	}
	where := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))

	sc, err := d.Dial()
	if err != nil {
		var noTLS gomail.StartTLSUnsupportedError
		if errors.As(err, &noTLS) {
			return fmt.Errorf("%w: %s does not offer STARTTLS and the TLS policy is mandatory; use a server with STARTTLS, implicit TLS on port 465, or the policy \"none\" only for a trusted local relay", ErrNoSTARTTLS, where)
		}
		return fmt.Errorf("mail: connect to %s: %w", where, err)
	}
	if err := sc.Send(env.from, []string{env.to}, gm); err != nil {
		_ = sc.Close()
		return fmt.Errorf("mail: send %s via %s: %w", gm.GetHeader("Message-ID")[0], where, err)
	}
	// The server has taken the message (250 after DATA): a failing QUIT must not turn
	// into an error, or the outbox would send it twice.
	_ = sc.Close()
	return nil
}

// ErrNoSTARTTLS is returned when the policy is mandatory and the server lacks STARTTLS.
var ErrNoSTARTTLS = errors.New("mail: the SMTP server does not offer STARTTLS")

// ErrConfig marks settings that cannot work; fix the configuration, retrying is pointless.
var ErrConfig = errors.New("mail: bad SMTP configuration")

// dialer makes a fresh go-mail Dialer per send: Dial writes the chosen AUTH mechanism into
// its Dialer, so sharing one between concurrent sends would race.
func (s *SMTP) dialer(timeout time.Duration) (*gomail.Dialer, error) {
	c := s.cfg
	if c.Host == "" || c.Port < 1 || c.Port > 65535 {
		return nil, fmt.Errorf("%w: host %q port %d", ErrConfig, c.Host, c.Port)
	}
	d := &gomail.Dialer{
		Host:      c.Host,
		Port:      c.Port,
		Username:  c.Username,
		Password:  c.Password,
		LocalName: c.HeloName,
		Timeout:   timeout,
		// go-mail would redial once and resend on a timeout or EOF at MAIL FROM; the
		// outbox owns retries, with backoff.
		RetryFailure: false,
		TLSConfig:    s.tlsConfig(),
	}
	switch c.TLS {
	case TLSMandatory:
		d.StartTLSPolicy = gomail.MandatoryStartTLS
	case TLSOpportunistic:
		d.StartTLSPolicy = gomail.OpportunisticStartTLS
	case TLSNone:
		d.StartTLSPolicy = gomail.NoStartTLS
	case TLSImplicit:
		d.SSL = true
		d.StartTLSPolicy = gomail.NoStartTLS
	default:
		return nil, fmt.Errorf("%w: unknown TLS policy %q", ErrConfig, c.TLS)
	}
	return d, nil
}

func (s *SMTP) tlsConfig() *tls.Config {
	var tc *tls.Config
	if s.cfg.TLSConfig != nil {
		tc = s.cfg.TLSConfig.Clone()
	} else {
		tc = &tls.Config{}
	}
	if tc.ServerName == "" {
		tc.ServerName = s.cfg.Host
	}
	if tc.MinVersion == 0 {
		tc.MinVersion = tls.VersionTLS12
	}
	return tc
}
