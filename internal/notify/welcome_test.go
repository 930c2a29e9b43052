package notify

import (
	"strings"
	"testing"
)

// A new account's set-password link is a reset link worded as a welcome.
func TestWelcomeLink(t *testing.T) {
	r := newTest(t)
	e := resetEnvelope()
	e.Payload.Reset.Welcome = true
	m, err := r.Render(e)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.Subject, "Set your password for ") {
		t.Errorf("subject = %q", m.Subject)
	}
	for name, body := range map[string]string{"text": m.Text, "HTML": m.HTML} {
		for _, w := range []string{"An account has been made for you", "http://localhost:8080/password/reset/tok-en_123",
			"10:45am on Wednesday 10 June 2026", "Forgotten your password?"} {
			if !strings.Contains(body, w) {
				t.Errorf("%s body lacks %q:\n%s", name, w, body)
			}
		}
		if strings.Contains(body, "Someone asked to reset") {
			t.Errorf("%s body reads as a reset:\n%s", name, body)
		}
	}
	sendable(t, m)
}
