package mail

import (
	"context"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/mail/mailtest"
)

// BenchmarkSMTPSend sends confirmation e-mails with calendar invites to a local go-smtp
// server, one connection per message as SMTP.Send does, and reports messages per second.
func BenchmarkSMTPSend(b *testing.B) {
	srv := mailtest.Start(b, mailtest.Options{})
	s := NewSMTP(SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: TLSNone, Timeout: 10 * time.Second})
	m := confirmation(b)
	ctx := context.Background()
	b.ReportAllocs()
	start := time.Now()
	n := 0
	for b.Loop() {
		if err := s.Send(ctx, m); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "msgs/s")
	if got := len(srv.WaitFor(n, 10*time.Second)); got != n {
		b.Fatalf("server received %d of %d", got, n)
	}
}

// BenchmarkBuild measures composing the raw message alone.
func BenchmarkBuild(b *testing.B) {
	m := confirmation(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(m); err != nil {
			b.Fatal(err)
		}
	}
}
