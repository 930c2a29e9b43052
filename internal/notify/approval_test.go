package notify

import (
	"bytes"
	"encoding/json"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/approval"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/outbox"
)

// approvalMessage is a request for an online session in British Summer Time with a place
// held until 5pm on 5 June.
func approvalMessage() approval.Message {
	return approval.Message{
		RequestID: 9, PersonName: "Siobhan O'Brien", PersonEmail: "siobhan@example.org",
		JobTitle: "Family support worker", Team: "North", Organisation: "Bath Council",
		CourseID: 12, CourseTitle: "Working Together to Safeguard Children", SessionID: 3,
		StartsAt: time.Date(2026, 6, 10, 8, 30, 0, 0, time.UTC), EndsAt: time.Date(2026, 6, 10, 11, 30, 0, 0, time.UTC),
		Online: true, HoldUntil: time.Date(2026, 6, 5, 16, 0, 0, 0, time.UTC),
		Decider: "Mo Manager", Reason: "Please go.\nSee me first.", Outcome: "confirmed",
	}
}

func approvalEnvelope(t *testing.T, kind outbox.Kind, m approval.Message, to mail.Address) outbox.Envelope {
	t.Helper()
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return outbox.Envelope{ID: 50, Kind: kind, To: to, Payload: outbox.Payload{Data: data}}
}

var (
	manager      = mail.Address{Name: "Mo Manager", Email: "mo@example.org"}
	practitioner = mail.Address{Name: "Siobhan O'Brien", Email: "siobhan@example.org"}
)

func TestApprovalMessages(t *testing.T) {
	r := newTest(t)
	const when = "Wednesday 10 June 2026, 9:30am to 12:30pm"
	decide := "http://localhost:8080/manager/approvals/9"
	cases := []struct {
		name    string
		kind    outbox.Kind
		to      mail.Address
		mutate  func(*approval.Message)
		subject string
		words   []string
		not     []string
	}{
		{"requested with a hold", approval.KindRequested, manager, nil,
			"Approval needed: Siobhan O'Brien wants a place on Working Together to Safeguard Children on Wednesday 10 June 2026",
			[]string{"Hello Mo Manager", "Siobhan O'Brien (Family support worker) from Bath Council has asked for a place",
				"A place is held for Siobhan O'Brien until 5pm on Friday 5 June 2026", decide + "?decision=approve",
				decide + "?decision=decline", "http://localhost:8080/manager/approvals", "You will need to sign in"},
			[]string{"session is full"}},
		{"requested, full", approval.KindRequested, manager, func(m *approval.Message) { m.HoldUntil, m.Full = time.Time{}, true },
			"Approval needed: Siobhan O'Brien wants a place on Working Together to Safeguard Children on Wednesday 10 June 2026",
			[]string{"The session is full at the moment. If you approve, Siobhan O'Brien joins the waiting list."},
			[]string{"is held"}},
		{"requested, no hold", approval.KindRequested, manager, func(m *approval.Message) { m.HoldUntil = time.Time{} },
			"Approval needed: Siobhan O'Brien wants a place on Working Together to Safeguard Children on Wednesday 10 June 2026",
			[]string{"No place is held meanwhile."}, nil},
		{"approved", approval.KindApproved, practitioner, nil,
			"Approved: Working Together to Safeguard Children on Wednesday 10 June 2026",
			[]string{"Hello Siobhan O", "Mo Manager has approved your request", "Please go.", "See me first.",
				"Your booking confirmation, with a calendar invite, comes in a separate email", "http://localhost:8080/my/training"},
			[]string{"/manager/approvals/9", "waiting list"}},
		{"approved onto the waiting list", approval.KindApproved, practitioner,
			func(m *approval.Message) { m.Outcome, m.Position, m.Reason = "waitlisted", 3, "" },
			"Approved: Working Together to Safeguard Children on Wednesday 10 June 2026",
			[]string{"you are on the waiting list, number 3"}, []string{"calendar invite", "Their note"}},
		{"declined", approval.KindDeclined, practitioner, func(m *approval.Message) { m.Reason = "We are short-staffed that week." },
			"Not approved: Working Together to Safeguard Children on Wednesday 10 June 2026",
			[]string{"Mo Manager has declined your request", "The reason given:", "We are short-staffed that week.",
				"The place held for you has been released", "http://localhost:8080/courses/12"},
			[]string{"/manager/approvals/9"}},
		{"hold expired", approval.KindHoldExpired, practitioner, nil,
			"Place no longer held: Working Together to Safeguard Children on Wednesday 10 June 2026",
			[]string{"until 5pm on Friday 5 June 2026", "released for others", "still with your manager"}, nil},
		{"closed", approval.KindClosed, practitioner, func(m *approval.Message) { m.Reason = "the session has been cancelled" },
			"Request closed: Working Together to Safeguard Children on Wednesday 10 June 2026",
			[]string{"has been closed because the session has been cancelled"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := approvalMessage()
			if tc.mutate != nil {
				tc.mutate(&m)
			}
			msg, err := r.Render(approvalEnvelope(t, tc.kind, m, tc.to))
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if msg.Subject != tc.subject {
				t.Errorf("subject = %q, want %q", msg.Subject, tc.subject)
			}
			for name, body := range map[string]string{"text": msg.Text, "HTML": msg.HTML} {
				for _, w := range append([]string{when, "Working Together to Safeguard Children"}, tc.words...) {
					if !strings.Contains(body, w) && !strings.Contains(body, html.EscapeString(w)) {
						t.Errorf("%s body lacks %q:\n%s", name, w, body)
					}
				}
				for _, w := range tc.not {
					if strings.Contains(body, w) {
						t.Errorf("%s body contains %q:\n%s", name, w, body)
					}
				}
			}
			// Nothing goes in a calendar before approval, and no joining link either.
			if msg.Calendar != nil || msg.CalendarMethod != "" || len(msg.Attachments) != 0 {
				t.Error("an approval message carries a calendar part or attachment")
			}
			if strings.Contains(msg.Text+msg.HTML, "meet.example.org") {
				t.Error("an approval message carries the joining link")
			}
			sendable(t, msg)
		})
	}
}

func TestApprovalMessageErrors(t *testing.T) {
	r := newTest(t)
	if _, err := r.Render(outbox.Envelope{Kind: approval.KindApproved}); err == nil {
		t.Error("an approval message without data rendered")
	}
	m := approvalMessage()
	m.RequestID = 0
	if _, err := r.Render(approvalEnvelope(t, approval.KindRequested, m, manager)); err == nil {
		t.Error("a request without its number rendered")
	}
	if _, err := r.Render(outbox.Envelope{Kind: approval.KindDeclined, Payload: outbox.Payload{Data: []byte(`"x"`)}}); err == nil {
		t.Error("unreadable approval data rendered")
	}
}

func TestApprovalEvilText(t *testing.T) {
	r := newTest(t)
	m := approvalMessage()
	m.CourseTitle = "<script>alert(1)</script> Safeguarding\r\nBcc: victim@example.com"
	m.PersonName = "Eve <b>\r\nBcc: x@example.com"
	m.Reason = "<iframe src=//evil>"
	m.Venue, m.Online = `<img src=x onerror=alert(1)>`, false
	for _, kind := range approval.Kinds {
		msg, err := r.Render(approvalEnvelope(t, kind, m, mail.Address{Name: m.PersonName, Email: "eve@example.org"}))
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		for _, bad := range []string{"<script", "<img", "<b>", "<iframe"} {
			if strings.Contains(msg.HTML, bad) {
				t.Errorf("%s: HTML contains %q unescaped:\n%s", kind, bad, msg.HTML)
			}
		}
		if strings.ContainsAny(msg.Subject, "\r\n") {
			t.Errorf("%s: subject has a line break: %q", kind, msg.Subject)
		}
		raw := sendable(t, msg)
		head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
		if bytes.Contains(bytes.ToLower(head), []byte("\nbcc:")) {
			t.Errorf("%s: a Bcc header was injected:\n%s", kind, head)
		}
	}
}

// TestSubstitutionMessages: the giver's invite is cancelled (same UID, higher SEQUENCE in
// the snapshot), the colleague gets an invite; each names the other person.
func TestSubstitutionMessages(t *testing.T) {
	r := newTest(t)
	out := snapshot()
	out.Reason = "Bea Colleague"
	m, err := r.Render(envelope(booking.SubstitutionOut, out))
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Place handed on: Working Together to Safeguard Children on Wednesday 10 June 2026" || m.CalendarMethod != "CANCEL" {
		t.Errorf("substitution_out: subject %q, method %q", m.Subject, m.CalendarMethod)
	}
	checkCalendar(t, m.Calendar, "CANCEL", false)
	for _, body := range []string{m.Text, m.HTML} {
		if !strings.Contains(body, "You have given your place to Bea Colleague") || strings.Contains(body, joinLink) {
			t.Errorf("substitution_out body:\n%s", body)
		}
	}

	in := snapshot()
	in.Reason = "Siobhan O'Brien"
	m, err = r.Render(envelope(booking.SubstitutionIn, in))
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "You have a place: Working Together to Safeguard Children on Wednesday 10 June 2026" || m.CalendarMethod != "REQUEST" {
		t.Errorf("substitution_in: subject %q, method %q", m.Subject, m.CalendarMethod)
	}
	checkCalendar(t, m.Calendar, "REQUEST", true)
	if !strings.Contains(m.Text, "Siobhan O'Brien, a colleague from your organisation, has given you their place") ||
		!strings.Contains(m.Text, joinLink) {
		t.Errorf("substitution_in text:\n%s", m.Text)
	}
	in.ByOrganiser = true
	if m, err = r.Render(envelope(booking.SubstitutionIn, in)); err != nil || !strings.Contains(m.Text, "The training organiser has given you the place Siobhan O'Brien had") {
		t.Errorf("substitution_in by organiser: %v\n%s", err, m.Text)
	}
}
