package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/outbox"
)

func staffEnvelope(t *testing.T, kind outbox.Kind, v any) outbox.Envelope {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return outbox.Envelope{ID: 46, Kind: kind, To: mail.Address{Name: "Ann Archer", Email: "ann@example.org"},
		Payload: outbox.Payload{Data: data}}
}

func TestStaffNominated(t *testing.T) {
	r := newTest(t)
	start := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
	m, err := r.Render(staffEnvelope(t, compliance.NominationKind, compliance.Nomination{
		ManagerName: "Mia <i>Manager</i>", PersonName: "Ann Archer", SessionID: 12, CourseID: 3,
		CourseTitle: "Child sexual exploitation awareness", StartsAt: start, EndsAt: start.Add(3 * time.Hour), Venue: "Guildhall, Bath"}))
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if want := "Mia <i>Manager</i> has nominated you for Child sexual exploitation awareness on Monday 7 December 2026"; m.Subject != want {
		t.Errorf("subject %q, want %q", m.Subject, want)
	}
	for _, w := range []string{"Hello Ann Archer,", "Book your place: http://localhost:8080/sessions/12/book", "Guildhall, Bath",
		"9:30am", "http://localhost:8080/courses/3"} {
		if !strings.Contains(m.Text, w) {
			t.Errorf("text lacks %q:\n%s", w, m.Text)
		}
	}
	for _, w := range []string{`<a href="http://localhost:8080/sessions/12/book">Book your place</a>`, "Mia &lt;i&gt;Manager&lt;/i&gt;"} {
		if !strings.Contains(m.HTML, w) {
			t.Errorf("HTML lacks %q:\n%s", w, m.HTML)
		}
	}
	if m.Calendar != nil {
		t.Error("a nomination carries a calendar invite, but nothing is booked")
	}
}

func TestTrainingDue(t *testing.T) {
	r := newTest(t)
	m, err := r.Render(staffEnvelope(t, compliance.TrainingDueKind, compliance.TrainingDue{
		ManagerName: "Mia Manager", PersonName: "Ann Archer", Items: []compliance.DueItem{
			{CourseID: 3, Course: "Child sexual exploitation awareness", State: compliance.Expired,
				ExpiresOn: time.Date(2026, 7, 24, 23, 0, 0, 0, time.UTC)},
			{CourseID: 4, Course: "Neglect", State: compliance.NotBooked},
		}}))
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if m.Subject != "Reminder: training you need to book" {
		t.Errorf("subject %q", m.Subject)
	}
	for _, w := range []string{"Mia Manager has asked us to remind you",
		"- Child sexual exploitation awareness: Expired on 25 July 2026. Dates: http://localhost:8080/courses/3",
		"- Neglect: Not done yet. Dates: http://localhost:8080/courses/4", "http://localhost:8080/\n"} {
		if !strings.Contains(m.Text, w) {
			t.Errorf("text lacks %q:\n%s", w, m.Text)
		}
	}
	if !strings.Contains(m.HTML, `<a href="http://localhost:8080/courses/4">Neglect</a>: Not done yet`) {
		t.Errorf("HTML lacks the Neglect line:\n%s", m.HTML)
	}
	if _, err := r.Render(staffEnvelope(t, compliance.TrainingDueKind, compliance.TrainingDue{PersonName: "Ann"})); err == nil {
		t.Error("a reminder naming no training rendered")
	}
}
