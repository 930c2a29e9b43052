package outbox_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/mail/mailtest"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/testkit"
)

// kindRenderer writes the kind as the subject, so the test can see what arrived when.
type kindRenderer struct{}

func (kindRenderer) Render(e outbox.Envelope) (mail.Message, error) {
	return mail.Message{Subject: "kind " + string(e.Kind), Text: "Message " + fmt.Sprint(e.ID)}, nil
}

func poolWorker(env *testkit.Env, srv *mailtest.Server, conns int, timeout time.Duration) *outbox.Worker {
	return outbox.NewWorker(env.DB, outbox.Config{
		Sender:   mail.NewSMTP(mail.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: mail.TLSNone, Timeout: timeout}),
		Renderer: kindRenderer{}, Host: host, From: mail.Address{Email: "training@" + host},
		Now: env.Clock.Now, Connections: conns, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
}

func enqueue(t *testing.T, env *testkit.Env, kind outbox.Kind, n int) {
	t.Helper()
	err := env.DB.Write(context.Background(), func(tx *sql.Tx) error {
		for i := range n {
			if _, err := outbox.EnqueueTx(context.Background(), tx, outbox.Row{Kind: kind,
				ToEmail: fmt.Sprintf("%s-%d@example.org", kind, i), ToName: "Someone"}, env.Clock.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestHungConnectionDoesNotHoldUpOtherMail: the server accepts a connection and then never
// answers its MAIL FROM. While that conversation waits for its timeout, the other
// connections deliver everything else.
func TestHungConnectionDoesNotHoldUpOtherMail(t *testing.T) {
	env := testkit.New(t)
	srv := mailtest.Start(t, mailtest.Options{})
	const timeout = 8 * time.Second
	w := poolWorker(env, srv, 4, timeout)
	enqueue(t, env, outbox.BookingConfirmed, 12)
	srv.HangNext(1)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	defer func() { cancel(); srv.Hang(false); <-done }()

	start := time.Now()
	got := srv.WaitFor(11, timeout/2)
	if len(got) != 11 {
		t.Fatalf("with one connection hung, %d of the other 11 messages arrived within %s", len(got), timeout/2)
	}
	t.Logf("11 messages past a hung connection in %s", time.Since(start))
}

// TestHungServerTimesOutPerCommand: a server that accepts and never answers MAIL FROM
// costs one connection its Timeout, not more, and the message is retried later.
func TestHungServerTimesOutPerCommand(t *testing.T) {
	env := testkit.New(t)
	srv := mailtest.Start(t, mailtest.Options{})
	srv.Hang(true)
	defer srv.Hang(false)
	w := poolWorker(env, srv, 2, 500*time.Millisecond)
	enqueue(t, env, outbox.BookingConfirmed, 2)
	start := time.Now()
	n, err := w.RunOnce(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("two hung sends over two connections took %s; each should cost about 500ms", took)
	}
	counts, err := outbox.Log{DB: env.DB}.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if counts[outbox.Retrying] != 2 {
		t.Fatalf("after a timeout: %v, want both retrying", counts)
	}
}

// TestResetGoesBeforeBulkMail: a password reset queued behind 200 reminders is sent
// among the first messages, and set-password (welcome) mail is the same kind.
func TestResetGoesBeforeBulkMail(t *testing.T) {
	env := testkit.New(t)
	srv := mailtest.Start(t, mailtest.Options{})
	w := poolWorker(env, srv, 4, 5*time.Second)
	enqueue(t, env, outbox.Reminder, 200)
	enqueue(t, env, outbox.BookingCancelled, 1)
	enqueue(t, env, outbox.PasswordReset, 1)

	n, err := w.RunOnce(context.Background())
	if err != nil || n != 202 {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	got := srv.Messages()
	if len(got) != 202 {
		t.Fatalf("%d messages arrived, want 202", len(got))
	}
	pos := func(kind outbox.Kind) int {
		for i, m := range got {
			if bytes.Contains(m.Data, []byte("Subject: kind "+string(kind)+"\r\n")) {
				return i
			}
		}
		t.Fatalf("no %s message arrived", kind)
		return -1
	}
	// Four connections start at once, so the reset is among the first four to arrive and
	// the cancellation among the first eight; neither waits for the 200 reminders.
	if p := pos(outbox.PasswordReset); p >= 4 {
		t.Errorf("the reset arrived %dth, behind %d reminders", p+1, p)
	}
	if p := pos(outbox.BookingCancelled); p >= 8 {
		t.Errorf("the cancellation arrived %dth, behind bulk mail", p+1)
	}
}

func TestPriority(t *testing.T) {
	for kind, want := range map[outbox.Kind]int{
		outbox.PasswordReset: outbox.PriorityUrgent, outbox.Reminder: outbox.PriorityBulk,
		"manager_digest": outbox.PriorityBulk, outbox.BookingConfirmed: outbox.PriorityNormal,
	} {
		if got := outbox.Priority(kind); got != want {
			t.Errorf("Priority(%s) = %d, want %d", kind, got, want)
		}
	}
}
