package approval_test

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/calendar/caltest"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/mail/mailtest"
	"github.com/traininghub/traininghub/internal/notify"
	"github.com/traininghub/traininghub/internal/outbox"
)

const host = "training.example.org"

// worker sends the outbox through the real renderer to a real SMTP server.
func (f *fix) worker(t *testing.T, smtp *mailtest.Server) *outbox.Worker {
	t.Helper()
	r, err := notify.New(notify.Config{BaseURL: "https://" + host, SiteName: "Test Partnership training",
		OrganizerName: "Partnership Training", OrganizerEmail: "training@" + host, UIDHost: host})
	if err != nil {
		t.Fatal(err)
	}
	h, p, _ := net.SplitHostPort(smtp.Addr())
	port, _ := strconv.Atoi(p)
	return outbox.NewWorker(f.DB, outbox.Config{
		Sender:   mail.NewSMTP(mail.SMTPConfig{Host: h, Port: port, TLS: mail.TLSNone, Timeout: 5 * time.Second}),
		Renderer: r, Host: host, From: mail.Address{Name: "Partnership Training", Email: "training@" + host},
		Now: f.Clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
}

func drain(t *testing.T, w *outbox.Worker) {
	t.Helper()
	for range 20 {
		n, err := w.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the outbox never ran dry")
}

// received is one delivered message, parsed.
type received struct {
	to      string
	subject string
	text    string
	root    *mailtest.Part
}

func deliveries(t *testing.T, msgs []mailtest.Received) []received {
	t.Helper()
	var out []received
	for _, m := range msgs {
		hdr, root := mailtest.ParseMessage(t, m.Data)
		subject, _ := new(mime.WordDecoder).DecodeHeader(hdr.Get("Subject"))
		text := ""
		if p := root.Find("text/plain"); p != nil {
			text = string(p.Body)
		}
		out = append(out, received{to: m.To[0], subject: subject, text: text, root: root})
	}
	return out
}

var linkRE = regexp.MustCompile(`https://` + regexp.QuoteMeta(host) + `/manager/approvals/([0-9]+)\?decision=approve`)

// TestApprovalMailEndToEnd runs one approval with a held place through the outbox worker
// and a real SMTP server: the managers get the request with working links and no calendar
// part; after approval the person gets the approval note and, separately, the booking
// confirmation whose calendar REQUEST carries the held booking's UID.
func TestApprovalMailEndToEnd(t *testing.T) {
	f := newFix(t, 3)
	ctx := context.Background()
	smtp := mailtest.Start(t, mailtest.Options{})
	w := f.worker(t, smtp)
	sessionID := f.Session(t, f.courseID, 2*week, 4)

	r := f.request(t, sessionID, f.pat).Request
	drain(t, w)
	got := deliveries(t, smtp.WaitFor(2, 5*time.Second))
	if len(got) != 2 {
		t.Fatalf("%d messages, want one to each manager", len(got))
	}
	var linked string
	for _, m := range got {
		if m.to != "mo@council.example.org" && m.to != "max@council.example.org" {
			t.Errorf("request mailed to %s", m.to)
		}
		if m.root.Find("text/calendar") != nil || m.root.Find("application/ics") != nil {
			t.Errorf("the request to %s carries a calendar part: %s", m.to, m.root.Shape())
		}
		if !strings.HasPrefix(m.subject, "Approval needed: Person pat@council.example.org wants a place on Child exploitation") {
			t.Errorf("subject = %q", m.subject)
		}
		match := linkRE.FindStringSubmatch(m.text)
		if match == nil || !strings.Contains(m.text, "A place is held for Person pat@council.example.org until") {
			t.Fatalf("request text:\n%s", m.text)
		}
		linked = match[1]
	}
	if linked != strconv.FormatInt(r.ID, 10) {
		t.Fatalf("the emailed link names request %s, want %d", linked, r.ID)
	}

	if _, err := f.svc.Approve(ctx, r.ID, f.mo, "See you there"); err != nil {
		t.Fatal(err)
	}
	drain(t, w)
	all := deliveries(t, smtp.WaitFor(4, 5*time.Second))
	if len(all) != 4 {
		t.Fatalf("%d messages, want 4", len(all))
	}
	confirm, approved := all[2], all[3]
	if confirm.to != "pat@council.example.org" || approved.to != "pat@council.example.org" {
		t.Fatalf("after approval mail went to %s and %s", confirm.to, approved.to)
	}
	if approved.root.Find("text/calendar") != nil || !strings.Contains(approved.text, "Person mo@council.example.org has approved your request") ||
		!strings.Contains(approved.text, "See you there") {
		t.Errorf("approval note (%s):\n%s", approved.root.Shape(), approved.text)
	}
	const shape = "multipart/mixed[multipart/alternative[text/plain,text/html,text/calendar],application/ics]"
	if confirm.root.Shape() != shape || confirm.root.Find("text/calendar").Params["method"] != "REQUEST" {
		t.Fatalf("confirmation MIME = %s", confirm.root.Shape())
	}
	ics := confirm.root.Find("text/calendar").Body
	caltest.CheckLines(t, ics)
	p := caltest.ParseBoth(t, ics)
	var uid string
	if err := f.DB.R.QueryRow(`SELECT ical_uid FROM bookings WHERE id = ?`, r.BookingID).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	if p.Method != "REQUEST" || p.UID != uid+"@"+host || p.Sequence != 0 || p.AttendeeEmail != "pat@council.example.org" {
		t.Fatalf("invite = %+v, want the held booking's UID %s", p, uid)
	}
}
