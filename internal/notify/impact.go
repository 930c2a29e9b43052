package notify

import (
	"encoding/json"
	"fmt"

	"github.com/traininghub/traininghub/internal/impact"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/outbox"
)

// impactKinds are the "did it change practice?" follow-up some weeks after a session,
// and its one reminder: plain email with a link to the short form (internal/impact).
var impactKinds = map[outbox.Kind]kindInfo{
	impact.KindFollowUp: {build: (*Renderer).impactView},
	impact.KindReminder: {build: (*Renderer).impactView},
}

// impactExtra is view.Extra for the impact follow-up and reminder.
type impactExtra struct {
	FormURL string // the form for this booking; the reader signs in
	Closes  string // "Monday 30 March 2026"
}

func (r *Renderer) impactView(e outbox.Envelope) (view, []mail.Attachment, error) {
	v, _, err := r.bookingView(e, kindInfo{})
	if err != nil {
		return view{}, nil, err
	}
	var m impact.Message
	if len(e.Payload.Data) > 0 {
		if err := json.Unmarshal(e.Payload.Data, &m); err != nil {
			return view{}, nil, fmt.Errorf("notify: %s: %w", e.Kind, err)
		}
	}
	if m.Closes.IsZero() {
		return view{}, nil, fmt.Errorf("notify: %s message has no closing date", e.Kind)
	}
	v.RecordURL = r.cfg.BaseURL + "/my/record"
	v.Extra = impactExtra{FormURL: fmt.Sprintf("%s/impact/%d", r.cfg.BaseURL, e.Payload.Booking.BookingID),
		Closes: londonDate(m.Closes)}
	return v, nil, nil
}
