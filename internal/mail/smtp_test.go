package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/mail/mailtest"
)

func senderFor(srv *mailtest.Server, policy TLSPolicy) *SMTP {
	return NewSMTP(SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: policy, HeloName: "traininghub.test", Timeout: 5 * time.Second})
}

func TestSendInviteThroughRealServer(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	m := confirmation(t)
	if err := senderFor(srv, TLSNone).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(1, 5*time.Second)
	if len(got) != 1 {
		t.Fatalf("server received %d messages", len(got))
	}
	r := got[0]
	if r.From != "training@example.org" || len(r.To) != 1 || r.To[0] != "sean@example.net" {
		t.Errorf("envelope from %q to %v", r.From, r.To)
	}
	body := checkInviteTree(t, r.Data, "REQUEST")
	if !bytes.Equal(body, m.Calendar) {
		t.Errorf("calendar changed in transit")
	}
	h, _ := mailtest.ParseMessage(t, r.Data)
	if h.Get("Message-ID") != m.MessageID {
		t.Errorf("Message-ID %q", h.Get("Message-ID"))
	}
	if got := decodeHeader(t, h.Get("Subject")); got != m.Subject {
		t.Errorf("Subject %q", got)
	}
	to, err := h.AddressList("To")
	if err != nil || to[0].Name != "Seán Ó Briain" {
		t.Errorf("To %v %v", to, err)
	}
}

func TestSendCancelThroughRealServer(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	m := confirmation(t)
	m.Calendar, m.CalendarMethod = invite(t, true), "CANCEL"
	if err := senderFor(srv, TLSOpportunistic).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(1, 5*time.Second)
	checkInviteTree(t, got[0].Data, "CANCEL")
}

func TestSendHeaderInjection(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	m := confirmation(t)
	m.Subject = "Hi\r\nBcc: x@y"
	if err := senderFor(srv, TLSNone).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	r := srv.WaitFor(1, 5*time.Second)[0]
	if len(r.To) != 1 || r.To[0] != "sean@example.net" {
		t.Errorf("recipients %v", r.To)
	}
	h, _ := mailtest.ParseMessage(t, r.Data)
	if _, ok := h["Bcc"]; ok {
		t.Errorf("Bcc header injected")
	}
	if got := decodeHeader(t, h.Get("Subject")); got != "Hi Bcc: x@y" {
		t.Errorf("Subject %q", got)
	}
}

func TestSendErrorsAreClassified(t *testing.T) {
	m := confirmation(t)

	t.Run("451 is temporary, then it goes through", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{})
		srv.FailNext(2, 451)
		s := senderFor(srv, TLSNone)
		for i := range 2 {
			err := s.Send(context.Background(), m)
			if err == nil || !Temporary(err) {
				t.Fatalf("attempt %d: want a temporary error, got %v", i+1, err)
			}
			var tp *textproto.Error
			if !errors.As(err, &tp) || tp.Code != 451 {
				t.Errorf("want the 451 reply in the chain, got %v", err)
			}
		}
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatalf("third attempt: %v", err)
		}
		if n, a := len(srv.Messages()), srv.Attempts(); n != 1 || a != 3 {
			t.Errorf("delivered %d in %d attempts, want 1 in 3", n, a)
		}
	})

	t.Run("550 is permanent", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{})
		srv.Reject(550)
		err := senderFor(srv, TLSNone).Send(context.Background(), m)
		if err == nil || Temporary(err) {
			t.Fatalf("want a permanent error, got %v", err)
		}
		if !strings.Contains(err.Error(), "550") {
			t.Errorf("error should carry the reply: %v", err)
		}
	})

	t.Run("connection refused is temporary", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		s := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: port, TLS: TLSNone, Timeout: 2 * time.Second})
		err = s.Send(context.Background(), m)
		if err == nil || !Temporary(err) {
			t.Fatalf("want a temporary error, got %v", err)
		}
	})

	t.Run("a hung server times out and is temporary", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{})
		srv.Hang(true)
		defer srv.Hang(false)
		const timeout = 400 * time.Millisecond
		s := NewSMTP(SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: TLSNone, Timeout: timeout})
		start := time.Now()
		err := s.Send(context.Background(), m)
		took := time.Since(start)
		if err == nil || !Temporary(err) {
			t.Fatalf("want a temporary error, got %v", err)
		}
		if took > timeout+time.Second {
			t.Errorf("took %v with a timeout of %v", took, timeout)
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("want a timeout in the chain, got %v", err)
		}
	})

	t.Run("a server that never greets times out", func(t *testing.T) {
		// go-mail sets its deadline only after the greeting; NewSMTP's dial hook covers it.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		var mu sync.Mutex
		var conns []net.Conn
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				mu.Lock()
				conns = append(conns, c) // hold it open, say nothing
				mu.Unlock()
			}
		}()
		defer func() {
			mu.Lock()
			defer mu.Unlock()
			for _, c := range conns {
				c.Close()
			}
		}()
		const timeout = 400 * time.Millisecond
		s := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, TLS: TLSNone, Timeout: timeout})
		start := time.Now()
		err = s.Send(context.Background(), m)
		if took := time.Since(start); took > timeout+time.Second {
			t.Errorf("took %v with a timeout of %v", took, timeout)
		}
		if err == nil || !Temporary(err) {
			t.Fatalf("want a temporary error, got %v", err)
		}
	})

	t.Run("an invalid message is permanent and sends nothing", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{})
		bad := m
		bad.To.Email = "nobody"
		err := senderFor(srv, TLSNone).Send(context.Background(), bad)
		if !errors.Is(err, ErrInvalidMessage) || Temporary(err) {
			t.Fatalf("got %v", err)
		}
		if srv.Attempts() != 0 {
			t.Errorf("server saw %d attempts", srv.Attempts())
		}
	})

	t.Run("a cancelled context sends nothing", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := senderFor(srv, TLSNone).Send(ctx, m)
		if !errors.Is(err, context.Canceled) || !Temporary(err) {
			t.Fatalf("got %v", err)
		}
		if srv.Attempts() != 0 {
			t.Errorf("server saw %d attempts", srv.Attempts())
		}
	})

	t.Run("a context deadline shortens the timeout", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{})
		srv.Hang(true)
		defer srv.Hang(false)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := senderFor(srv, TLSNone).Send(ctx, m) // Timeout 5s
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("took %v; the context allowed 300ms", took)
		}
		if err == nil || !Temporary(err) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestTLSPolicies(t *testing.T) {
	m := confirmation(t)

	t.Run("none and opportunistic against a plain server", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{})
		for _, p := range []TLSPolicy{TLSNone, TLSOpportunistic} {
			if err := senderFor(srv, p).Send(context.Background(), m); err != nil {
				t.Errorf("%s: %v", p, err)
			}
		}
		for _, r := range srv.WaitFor(2, 5*time.Second) {
			if r.TLS {
				t.Errorf("plain server reported TLS")
			}
		}
	})

	t.Run("mandatory against a plain server fails clearly and for good", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{})
		err := senderFor(srv, TLSMandatory).Send(context.Background(), m)
		if err == nil {
			t.Fatal("sent in the clear under a mandatory policy")
		}
		if !errors.Is(err, ErrNoSTARTTLS) || Temporary(err) || !strings.Contains(err.Error(), "STARTTLS") {
			t.Errorf("want a clear permanent STARTTLS error, got %v (temporary %v)", err, Temporary(err))
		}
		if srv.Attempts() != 0 {
			t.Errorf("the server saw a message")
		}
	})

	t.Run("mandatory and opportunistic against a STARTTLS server", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{STARTTLS: true})
		for _, p := range []TLSPolicy{TLSMandatory, TLSOpportunistic} {
			s := NewSMTP(SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: p, Timeout: 5 * time.Second, TLSConfig: &tls.Config{RootCAs: srv.RootCAs}})
			if err := s.Send(context.Background(), m); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
		}
		for _, r := range srv.WaitFor(2, 5*time.Second) {
			if !r.TLS {
				t.Errorf("message arrived without TLS")
			}
		}
	})

	t.Run("an untrusted certificate is permanent", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{STARTTLS: true})
		err := senderFor(srv, TLSMandatory).Send(context.Background(), m) // system roots
		if err == nil || Temporary(err) {
			t.Fatalf("want a permanent certificate error, got %v", err)
		}
	})

	t.Run("implicit TLS", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{ImplicitTLS: true})
		s := NewSMTP(SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: TLSImplicit, Timeout: 5 * time.Second, TLSConfig: &tls.Config{RootCAs: srv.RootCAs}})
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		if r := srv.WaitFor(1, 5*time.Second); len(r) != 1 || !r[0].TLS {
			t.Errorf("received %+v", r)
		}
	})
}

func TestAuth(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{Users: map[string]string{"training@example.org": "p@ss w:rd/%"}})
	m := confirmation(t)
	good := fmt.Sprintf("smtp://training%%40example.org:p%%40ss%%20w%%3Ard%%2F%%25@%s", srv.Addr())
	cfg, err := ParseSMTPURL(good, "none")
	if err != nil {
		t.Fatal(err)
	}
	if err := NewSMTP(cfg).Send(context.Background(), m); err != nil {
		t.Fatalf("with the right password: %v", err)
	}
	cfg.Password = "wrong"
	err = NewSMTP(cfg).Send(context.Background(), m)
	if err == nil || Temporary(err) {
		t.Fatalf("a wrong password must fail for good, got %v", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error repeats the password: %v", err)
	}
	if len(srv.Messages()) != 1 {
		t.Errorf("received %d", len(srv.Messages()))
	}
}
