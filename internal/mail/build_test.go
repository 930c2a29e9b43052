package mail

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/traininghub/traininghub/internal/calendar"
	"github.com/traininghub/traininghub/internal/mail/mailtest"
)

func invite(t testing.TB, cancelled bool) []byte {
	t.Helper()
	b, err := calendar.Invite(calendar.Event{
		UID:            "0123456789abcdef0123456789abcdef@training.example.org",
		Sequence:       2,
		Summary:        "Working Together: Level 3",
		Location:       "Room 2, Civic Centre",
		Description:    "Bring your agency ID.\nManage your booking: https://training.example.org/bookings/42",
		URL:            "https://training.example.org/bookings/42",
		Start:          time.Date(2026, 3, 30, 8, 30, 0, 0, time.UTC),
		End:            time.Date(2026, 3, 30, 11, 0, 0, 0, time.UTC),
		Stamp:          time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		OrganizerName:  "Safeguarding Partnership Training",
		OrganizerEmail: "training@example.org",
		AttendeeName:   "Seán Ó Briain",
		AttendeeEmail:  "sean@example.net",
		Cancelled:      cancelled,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func confirmation(t testing.TB) Message {
	return Message{
		MessageID: "<outbox-42@training.example.org>",
		From:      Address{Name: "Safeguarding Partnership Training", Email: "training@example.org"},
		To:        Address{Name: "Seán Ó Briain", Email: "sean@example.net"},
		Subject:   "Place confirmed: Working Together – Level 3 (Llun 30 Mawrth)",
		Text:      "Dear Seán,\n\nYour place is confirmed.\n",
		HTML:      "<p>Dear Seán,</p><p>Your place is confirmed.</p>",
		Calendar:  invite(t, false),
	}
}

// checkInviteTree checks the full tree of a message with an invite and returns the
// calendar part's bytes.
func checkInviteTree(t *testing.T, raw []byte, method string) []byte {
	t.Helper()
	mailtest.CheckRawLines(t, raw)
	h, root := mailtest.ParseMessage(t, raw)
	if h.Get("MIME-Version") != "1.0" {
		t.Errorf("MIME-Version %q", h.Get("MIME-Version"))
	}
	const want = "multipart/mixed[multipart/alternative[text/plain,text/html,text/calendar],application/ics]"
	if got := root.Shape(); got != want {
		t.Fatalf("MIME tree\n got %s\nwant %s", got, want)
	}
	alt := root.Children[0]
	for i, ct := range []string{"text/plain", "text/html", "text/calendar"} {
		p := alt.Children[i]
		if !strings.EqualFold(p.Params["charset"], "UTF-8") {
			t.Errorf("%s charset %q", ct, p.Params["charset"])
		}
		if p.Header.Get("Content-Disposition") != "" {
			t.Errorf("%s must not be an attachment: %q", ct, p.Header.Get("Content-Disposition"))
		}
	}
	cal := alt.Children[2]
	if cal.Params["method"] != method {
		t.Errorf("text/calendar method=%q, want %q", cal.Params["method"], method)
	}
	att := root.Children[1]
	if cd := att.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, `filename="invite.ics"`) {
		t.Errorf("invite.ics Content-Disposition %q", cd)
	}
	if att.Params["name"] != "invite.ics" {
		t.Errorf("invite.ics Content-Type params %v", att.Params)
	}
	if !bytes.Equal(att.Body, cal.Body) {
		t.Errorf("invite.ics differs from the inline text/calendar part")
	}
	// The METHOD inside equals the method= parameter, checked by a real parser.
	parsed, err := ics.ParseCalendar(bytes.NewReader(cal.Body))
	if err != nil {
		t.Fatalf("calendar part does not parse: %v", err)
	}
	inside := ""
	for _, p := range parsed.CalendarProperties {
		if p.IANAToken == "METHOD" {
			inside = p.Value
		}
	}
	if inside != method {
		t.Errorf("METHOD inside %q, parameter %q", inside, method)
	}
	return cal.Body
}

func TestBuildInviteTree(t *testing.T) {
	m := confirmation(t)
	raw, err := Build(m)
	if err != nil {
		t.Fatal(err)
	}
	body := checkInviteTree(t, raw, "REQUEST")
	if !bytes.Equal(body, m.Calendar) {
		t.Errorf("calendar bytes changed on the way:\n%q\n%q", body, m.Calendar)
	}
	h, root := mailtest.ParseMessage(t, raw)
	if h.Get("Message-ID") != "<outbox-42@training.example.org>" {
		t.Errorf("Message-ID %q", h.Get("Message-ID"))
	}
	if _, err := h.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if got := decodeHeader(t, h.Get("Subject")); got != m.Subject {
		t.Errorf("Subject %q", got)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "Seán Ó Briain" || to[0].Address != "sean@example.net" {
		t.Errorf("To %v %v", to, err)
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != m.From.Name || from[0].Address != m.From.Email {
		t.Errorf("From %v %v", from, err)
	}
	if got := string(root.Find("text/plain").Body); got != strings.ReplaceAll(m.Text, "\n", "\r\n") {
		t.Errorf("text body %q", got)
	}
	if got := string(root.Find("text/html").Body); got != m.HTML {
		t.Errorf("HTML body %q", got)
	}
}

func TestBuildCancelMethodFromCalendar(t *testing.T) {
	m := confirmation(t)
	m.Calendar = invite(t, true)
	m.CalendarMethod = "" // read from the ICS
	raw, err := Build(m)
	if err != nil {
		t.Fatal(err)
	}
	checkInviteTree(t, raw, "CANCEL")

	m.CalendarMethod = "REQUEST" // disagrees with METHOD:CANCEL inside
	if _, err := Build(m); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("a method that disagrees with the calendar must be refused, got %v", err)
	}
	m.CalendarMethod = "cancel"
	if _, err := Build(m); err != nil {
		t.Errorf("the method is case-insensitive: %v", err)
	}
}

func TestBuildWithoutCalendar(t *testing.T) {
	m := confirmation(t)
	m.Calendar = nil
	raw, err := Build(m)
	if err != nil {
		t.Fatal(err)
	}
	mailtest.CheckRawLines(t, raw)
	_, root := mailtest.ParseMessage(t, raw)
	if got := root.Shape(); got != "multipart/alternative[text/plain,text/html]" {
		t.Errorf("tree %s", got)
	}

	m.Attachments = []Attachment{{Filename: "../../Tystysgrif Seán \"Ó\".pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7 fake")}}
	raw, err = Build(m)
	if err != nil {
		t.Fatal(err)
	}
	mailtest.CheckRawLines(t, raw)
	_, root = mailtest.ParseMessage(t, raw)
	if got := root.Shape(); got != "multipart/mixed[multipart/alternative[text/plain,text/html],application/pdf]" {
		t.Errorf("tree %s", got)
	}
	pdf := root.Children[1]
	if string(pdf.Body) != "%PDF-1.7 fake" {
		t.Errorf("attachment body %q", pdf.Body)
	}
	_, params, err := mimeParse(pdf.Header.Get("Content-Disposition"))
	if err != nil || params["filename"] != `Tystysgrif Seán "Ó".pdf` {
		t.Errorf("filename %q (%v) from %q", params["filename"], err, pdf.Header.Get("Content-Disposition"))
	}

	m.HTML = ""
	m.Attachments = nil
	raw, err = Build(m)
	if err != nil {
		t.Fatal(err)
	}
	_, root = mailtest.ParseMessage(t, raw)
	if got := root.Shape(); got != "text/plain" {
		t.Errorf("text-only tree %s", got)
	}
}

func TestBuildInviteWithCertificate(t *testing.T) {
	m := confirmation(t)
	m.Attachments = []Attachment{{Filename: "certificate.pdf", ContentType: "application/pdf", Data: []byte("%PDF")}}
	raw, err := Build(m)
	if err != nil {
		t.Fatal(err)
	}
	_, root := mailtest.ParseMessage(t, raw)
	if got := root.Shape(); got != "multipart/mixed[multipart/alternative[text/plain,text/html,text/calendar],application/ics,application/pdf]" {
		t.Errorf("tree %s", got)
	}
}

func TestBuildHeaderInjection(t *testing.T) {
	m := confirmation(t)
	m.Subject = "Hi\r\nBcc: x@y"
	m.To.Name = "Seán\r\nBcc: evil@example.com"
	m.From.Name = "Training\nX-Injected: 1"
	raw, err := Build(m)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := mailtest.ParseMessage(t, raw)
	for _, k := range []string{"Bcc", "X-Injected"} {
		if _, ok := h[k]; ok {
			t.Errorf("header %s was injected:\n%s", k, raw)
		}
	}
	if got := decodeHeader(t, h.Get("Subject")); got != "Hi Bcc: x@y" {
		t.Errorf("Subject %q", got)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "sean@example.net" || to[0].Name != "Seán Bcc: evil@example.com" {
		t.Errorf("To %v %v", to, err)
	}
}

func TestBuildNonASCII(t *testing.T) {
	m := confirmation(t)
	m.Subject = "Cadarnhad: Hyfforddiant Diogelu Plant – Gweithdy ŵ ŷ 🛡️ " + strings.Repeat("é", 60)
	m.From.Name = "Partneriaeth Diogelu, Caerdydd a'r Fro"
	m.To.Name = "O'Brien, Seán"
	raw, err := Build(m)
	if err != nil {
		t.Fatal(err)
	}
	mailtest.CheckRawLines(t, raw)
	h, _ := mailtest.ParseMessage(t, raw)
	if got := decodeHeader(t, h.Get("Subject")); got != m.Subject {
		t.Errorf("Subject\n got %q\nwant %q", got, m.Subject)
	}
	to, err := h.AddressList("To")
	if err != nil || to[0].Name != "O'Brien, Seán" {
		t.Errorf("To %v %v", to, err)
	}
	from, err := h.AddressList("From")
	if err != nil || from[0].Name != m.From.Name {
		t.Errorf("From %v %v", from, err)
	}
}

func TestBuildRejects(t *testing.T) {
	cases := map[string]func(*Message){
		"no from":           func(m *Message) { m.From.Email = "" },
		"bad to":            func(m *Message) { m.To.Email = "not an address" },
		"named address":     func(m *Message) { m.To.Email = "Seán <sean@example.net>" },
		"injected address":  func(m *Message) { m.To.Email = "sean@example.net\r\nBcc: x@y" },
		"non-ASCII address": func(m *Message) { m.To.Email = "seán@example.net" },
		"no body":           func(m *Message) { m.Text, m.HTML = " ", "" },
		"bad Message-ID":    func(m *Message) { m.MessageID = "<a b@c>" },
		"Message-ID no @":   func(m *Message) { m.MessageID = "<outbox-42>" },
		"calendar no METHOD": func(m *Message) {
			m.Calendar = []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
		},
		"bad attachment type": func(m *Message) {
			m.Attachments = []Attachment{{Filename: "a.pdf", ContentType: "pdf", Data: []byte("x")}}
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			m := confirmation(t)
			mutate(&m)
			if _, err := Build(m); !errors.Is(err, ErrInvalidMessage) {
				t.Errorf("want ErrInvalidMessage, got %v", err)
			} else if Temporary(err) {
				t.Errorf("an invalid message is not temporary")
			}
		})
	}
}

func TestMessageID(t *testing.T) {
	got, err := messageID("outbox-7@training.example.org", "a@example.org")
	if err != nil || got != "<outbox-7@training.example.org>" {
		t.Errorf("brackets not added: %q %v", got, err)
	}
	gen, err := messageID("", "training@example.org")
	if err != nil || !messageIDRe.MatchString(gen) || !strings.HasSuffix(gen, "@example.org>") {
		t.Errorf("generated %q %v", gen, err)
	}
}

func TestCalendarMethodFolded(t *testing.T) {
	ics := []byte("BEGIN:VCALENDAR\r\nMETH\r\n OD:CANCEL\r\nBEGIN:VEVENT\r\nMETHOD:REQUEST\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	got, err := calendarMethod(ics, "")
	if err != nil || got != "CANCEL" {
		t.Errorf("got %q %v; a folded METHOD counts and one inside VEVENT does not", got, err)
	}
}
