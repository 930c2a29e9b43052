package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/mail/mailtest"
	"github.com/traininghub/traininghub/internal/outbox"
)

func digestEnvelope(t *testing.T, d compliance.Digest) outbox.Envelope {
	t.Helper()
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return outbox.Envelope{ID: 45, Kind: compliance.DigestKind, To: mail.Address{Name: "Rachel Whitfield", Email: "rachel@example.org"},
		Payload: outbox.Payload{Data: data}}
}

func TestManagerDigest(t *testing.T) {
	r := newTest(t)
	d := compliance.Digest{Week: "2026-W48", ManagerName: "Rachel Whitfield", Organisation: "B&NES Children's Social Care",
		Expired: 1, Expiring: 1, People: 2, More: 3, Items: []compliance.DigestItem{
			{PersonID: 1, Name: "Cat <b>Cole</b>", Course: "Child sexual exploitation awareness", State: compliance.Expired,
				ExpiresOn: time.Date(2026, 7, 24, 23, 0, 0, 0, time.UTC)}, // London midnight, 25 July (BST)
			{PersonID: 2, Name: "Ben\r\nBcc: evil@example.org", Course: "Neglect", State: compliance.Expiring,
				ExpiresOn: time.Date(2026, 12, 25, 0, 0, 0, 0, time.UTC)},
		}}
	m, err := r.Render(digestEnvelope(t, d))
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if want := "Staff training to renew: 1 expired, 1 expiring"; m.Subject != want {
		t.Errorf("subject %q, want %q", m.Subject, want)
	}
	wantText := []string{"Hello Rachel Whitfield,", "B&NES Children's Social Care staff", "1 expired, 1 expiring, for 2 people",
		"- Cat <b>Cole</b>: Child sexual exploitation awareness, expired on 25 July 2026",
		"- Ben Bcc: evil@example.org: Neglect, expires on 25 December 2026",
		"And 3 more", "http://localhost:8080/manager?status=attention"}
	for _, w := range wantText {
		if !strings.Contains(m.Text, w) {
			t.Errorf("text lacks %q:\n%s", w, m.Text)
		}
	}
	for _, w := range []string{"<h1>Staff training to renew</h1>", `<th scope="col">Name</th>`,
		"<td>Cat &lt;b&gt;Cole&lt;/b&gt;</td><td>Child sexual exploitation awareness</td><td><strong>Expired</strong>: expired on 25 July 2026</td>",
		"<td>Expiring: expires on 25 December 2026</td>", `href="http://localhost:8080/manager?status=attention"`, "B&amp;NES"} {
		if !strings.Contains(m.HTML, w) {
			t.Errorf("HTML lacks %q:\n%s", w, m.HTML)
		}
	}
	if strings.Contains(m.HTML, "<b>Cole") {
		t.Error("a name's markup reached the HTML unescaped")
	}
	if m.Calendar != nil || len(m.Attachments) != 0 {
		t.Error("a digest carries a calendar part or an attachment")
	}
	raw := sendable(t, m)
	mailtest.CheckRawLines(t, raw)
	h, _ := mailtest.ParseMessage(t, raw)
	if h.Get("Bcc") != "" {
		t.Error("a name injected a header")
	}

	// Only expired, or only expiring: the subject says so.
	d.Expired, d.Expiring = 0, 2
	if m, err := r.Render(digestEnvelope(t, d)); err != nil || m.Subject != "Staff training to renew: 2 expiring" {
		t.Errorf("expiring only: %q, %v", m.Subject, err)
	}
	// A digest with nobody in it, or no digest at all, is a bug, not an email.
	d.Items = nil
	if _, err := r.Render(digestEnvelope(t, d)); err == nil {
		t.Error("an empty digest rendered")
	}
	if _, err := r.Render(outbox.Envelope{ID: 46, Kind: compliance.DigestKind}); err == nil {
		t.Error("a digest without data rendered")
	}
}
