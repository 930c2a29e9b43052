package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/minimum"
)

// TestSessionBelowMinimum: the email states the course, the London date and time, the
// fill against places and minimum, the waiting list and the reader's own session link.
func TestSessionBelowMinimum(t *testing.T) {
	r := newTest(t)
	start := time.Date(2027, 3, 29, 8, 30, 0, 0, time.UTC) // 9:30am in London, after the clocks go forward
	msg := minimum.Message{SessionID: 31, CourseID: 4, CourseTitle: "Modern slavery <awareness>", StartsAt: start,
		EndsAt: start.Add(3 * time.Hour), Venue: "Guildhall, Bath", Capacity: 20, MinPlaces: 8, Confirmed: 3,
		Waitlisted: 2, Provider: "Freedom Pathways"}
	m, err := r.Render(staffEnvelope(t, minimum.Kind, msg))
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if want := "Below minimum numbers: Modern slavery <awareness> on Monday 29 March 2027"; m.Subject != want {
		t.Errorf("subject %q, want %q", m.Subject, want)
	}
	for _, w := range []string{"Hello Ann Archer,", "9:30am", "Guildhall, Bath", "Delivered by: Freedom Pathways",
		"Places:       3 booked of 20", "Minimum:      8 (5 more needed)", "Waiting list: 2",
		"Waiting list: 2\n\nPromote it or cancel it: http://localhost:8080/admin/sessions/31"} {
		if !strings.Contains(m.Text, w) {
			t.Errorf("text lacks %q:\n%s", w, m.Text)
		}
	}
	for _, w := range []string{`<a href="http://localhost:8080/admin/sessions/31">Promote it or cancel it</a>`,
		"Modern slavery &lt;awareness&gt;", "<dd>3 booked of 20</dd>", "<dd>8 (5 more needed)</dd>"} {
		if !strings.Contains(m.HTML, w) {
			t.Errorf("HTML lacks %q:\n%s", w, m.HTML)
		}
	}
	if m.Calendar != nil {
		t.Error("the email carries a calendar part")
	}

	// A partner's people get their own session page.
	msg.Partner = true
	m, err = r.Render(staffEnvelope(t, minimum.Kind, msg))
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if !strings.Contains(m.Text, "http://localhost:8080/partner/sessions/31") || strings.Contains(m.Text, "/admin/") {
		t.Errorf("partner's text:\n%s", m.Text)
	}
	if _, err := r.Render(staffEnvelope(t, minimum.Kind, minimum.Message{CourseTitle: "No session"})); err == nil {
		t.Error("a message with no session rendered")
	}
}
