package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/outbox"
)

func TestSignupMessagesCarryTheirLinks(t *testing.T) {
	r := newTest(t)
	token := "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"
	cases := []struct {
		kind    outbox.Kind
		m       account.SignupMessage
		subject string
		want    []string
	}{
		{account.KindEmailConfirmation, account.SignupMessage{Name: "Nia", Organisation: "Sirona",
			ExpiresAt: time.Date(2026, 6, 2, 9, 0, 0, 0, time.UTC), Requested: true},
			"Confirm your email address", []string{"http://localhost:8080/register/confirm/" + token, "until 10am on Tuesday 2 June 2026", "its manager is asked to approve"}},
		{account.KindAccountExists, account.SignupMessage{Name: "Pat"},
			"Someone tried to create an account with your email address", []string{"http://localhost:8080/password/forgot", "nothing was changed"}},
		{account.KindJoinRequested, account.SignupMessage{Name: "Boss", Organisation: "Barnardo's", PersonName: "Vic", PersonEmail: "vic@gmail.example", JobTitle: "Volunteer", RequestID: 7},
			"Vic asks to join Barnardo's", []string{"http://localhost:8080/join-requests/7", "vic@gmail.example", "decline the request"}},
		{account.KindJoinApproved, account.SignupMessage{Name: "Vic", Organisation: "Barnardo's"},
			"You have joined Barnardo's", []string{"You can now book training"}},
		{account.KindJoinDeclined, account.SignupMessage{Name: "Vic", Organisation: "Barnardo's"},
			"Your request to join Barnardo's was declined", []string{"removed in a week"}},
	}
	for _, tc := range cases {
		data, _ := json.Marshal(tc.m)
		msg, err := r.Render(outbox.Envelope{ID: 60, Kind: tc.kind, To: mail.Address{Name: tc.m.Name, Email: "x@example.org"}, Payload: outbox.Payload{Data: data, LinkToken: token}})
		if err != nil {
			t.Fatalf("%s: %v", tc.kind, err)
		}
		if !strings.HasPrefix(msg.Subject, tc.subject) {
			t.Errorf("%s subject %q", tc.kind, msg.Subject)
		}
		for _, w := range tc.want {
			if !strings.Contains(msg.Text, w) {
				t.Errorf("%s text lacks %q:\n%s", tc.kind, w, msg.Text)
			}
		}
		if msg.Calendar != nil {
			t.Errorf("%s has a calendar part", tc.kind)
		}
	}
	// A confirmation message without its link is an error, not an email with a dead link.
	data, _ := json.Marshal(account.SignupMessage{Name: "Nia"})
	if _, err := r.Render(outbox.Envelope{Kind: account.KindEmailConfirmation, Payload: outbox.Payload{Data: data}}); err == nil {
		t.Error("rendered a confirmation email with no link")
	}
}
