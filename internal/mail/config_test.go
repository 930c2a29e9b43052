package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"testing"

	gomail "github.com/go-mail/mail/v2"
)

var (
	gomailSendError451 = gomail.SendError{Cause: &textproto.Error{Code: 451, Msg: "try later"}}
	gomailSendError550 = gomail.SendError{Cause: &textproto.Error{Code: 550, Msg: "no such user"}}
)

func TestParseSMTPURL(t *testing.T) {
	ok := []struct {
		raw, tls string
		want     SMTPConfig
	}{
		{"smtp://user:pass@mail.example.org:2525", "opportunistic", SMTPConfig{Host: "mail.example.org", Port: 2525, Username: "user", Password: "pass", TLS: TLSOpportunistic}},
		{"smtp://mail.example.org", "", SMTPConfig{Host: "mail.example.org", Port: 587, TLS: TLSMandatory}},
		{"smtp://mail.example.org/", "MANDATORY", SMTPConfig{Host: "mail.example.org", Port: 587, TLS: TLSMandatory}},
		{"smtp://mail.example.org", "implicit", SMTPConfig{Host: "mail.example.org", Port: 465, TLS: TLSImplicit}},
		{"smtps://u@mail.example.org", "", SMTPConfig{Host: "mail.example.org", Port: 465, Username: "u", TLS: TLSImplicit}},
		{"smtp://127.0.0.1:1025", "none", SMTPConfig{Host: "127.0.0.1", Port: 1025, TLS: TLSNone}},
		{"smtp://[::1]:1025", "none", SMTPConfig{Host: "::1", Port: 1025, TLS: TLSNone}},
		{" smtp://a%40b.org:p%3Ass@h:25 ", "none", SMTPConfig{Host: "h", Port: 25, Username: "a@b.org", Password: "p:ss", TLS: TLSNone}},
	}
	for _, tc := range ok {
		got, err := ParseSMTPURL(tc.raw, tc.tls)
		if err != nil {
			t.Errorf("%q: %v", tc.raw, err)
			continue
		}
		tc.want.Timeout = DefaultTimeout
		if got != tc.want {
			t.Errorf("%q\n got %+v\nwant %+v", tc.raw, got, tc.want)
		}
	}
	bad := []struct{ raw, tls, mention string }{
		{"", "", "empty"},
		{"mail.example.org:587", "", "smtp://"},
		{"http://mail.example.org", "", "smtp://"},
		{"smtp://", "", "host"},
		{"smtp://mail.example.org:0", "", "port"},
		{"smtp://mail.example.org:70000", "", "port"},
		{"smtp://mail.example.org:abc", "", "not a valid URL"},
		{"smtp://user:se cret@mail.example.org", "", "percent-encode"},
		{"smtp://mail.example.org/path", "", "path"},
		{"smtp://mail.example.org?x=1", "", "query"},
		{"smtp://mail.example.org", "starttls", "mandatory, opportunistic, none or implicit"},
		{"smtps://mail.example.org", "none", "smtps"},
		{"smtp://mail.example.org:465", "mandatory", "implicit"},
	}
	for _, tc := range bad {
		_, err := ParseSMTPURL(tc.raw, tc.tls)
		if err == nil {
			t.Errorf("%q accepted", tc.raw)
			continue
		}
		if !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("%q: error %q should mention %q", tc.raw, err, tc.mention)
		}
		if strings.Contains(err.Error(), "cret") {
			t.Errorf("%q: error repeats the password: %v", tc.raw, err)
		}
	}
	cfg, _ := ParseSMTPURL("smtp://u:topsecret@h:25", "none")
	if s := fmt.Sprint(cfg); strings.Contains(s, "topsecret") {
		t.Errorf("printing the config shows the password: %s", s)
	}
}

func TestTemporary(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"421", &textproto.Error{Code: 421, Msg: "busy"}, true},
		{"451 wrapped", fmt.Errorf("x: %w", &textproto.Error{Code: 451}), true},
		{"452", &textproto.Error{Code: 452}, true},
		{"550", &textproto.Error{Code: 550}, false},
		{"554", &textproto.Error{Code: 554}, false},
		{"SendError 451 (no Unwrap)", fmt.Errorf("w: %w", &gomailSendError451), true},
		{"SendError 550", &gomailSendError550, false},
		{"DNS temporary", &net.DNSError{Err: "server misbehaving", IsTemporary: true}, true},
		{"DNS timeout", &net.DNSError{Err: "i/o timeout", IsTimeout: true}, true},
		{"DNS not found", &net.DNSError{Err: "no such host", IsNotFound: true}, false},
		{"deadline", context.DeadlineExceeded, true},
		{"invalid message", fmt.Errorf("%w: x", ErrInvalidMessage), false},
		{"no STARTTLS", ErrNoSTARTTLS, false},
		{"unknown", errors.New("something odd"), false},
	}
	for _, tc := range cases {
		if got := Temporary(tc.err); got != tc.want {
			t.Errorf("%s: Temporary = %v, want %v", tc.name, got, tc.want)
		}
	}
}
