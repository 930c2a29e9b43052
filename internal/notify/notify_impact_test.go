package notify

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/impact"
	"github.com/traininghub/traininghub/internal/outbox"
)

func TestImpactFollowUpAndReminder(t *testing.T) {
	r := newTest(t)
	data, _ := json.Marshal(impact.Message{Closes: time.Date(2026, 10, 30, 10, 0, 0, 0, time.UTC)})
	for kind, subject := range map[outbox.Kind]string{
		impact.KindFollowUp: "Did the training change your practice? Working Together to Safeguard Children",
		impact.KindReminder: "Reminder: did the training change your practice? Working Together to Safeguard Children",
	} {
		e := envelope(kind, snapshot())
		e.Payload.Data = data
		m, err := r.Render(e)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if m.Subject != subject {
			t.Errorf("%s subject %q", kind, m.Subject)
		}
		form := "http://localhost:8080/impact/" + strconv.FormatInt(snapshot().BookingID, 10)
		for _, w := range []string{form, "Wednesday 10 June 2026", "Friday 30 October 2026"} {
			if !strings.Contains(m.Text, w) || !strings.Contains(m.HTML, w) {
				t.Errorf("%s lacks %q:\n%s", kind, w, m.Text)
			}
		}
		if m.Calendar != nil || strings.Contains(m.Text+m.HTML, "meet.example.org") {
			t.Errorf("%s carries a calendar or the joining link", kind)
		}
	}
	// Without its closing date it is not sent half-written.
	if _, err := r.Render(envelope(impact.KindFollowUp, snapshot())); err == nil {
		t.Error("rendered a follow-up with no closing date")
	}
}
