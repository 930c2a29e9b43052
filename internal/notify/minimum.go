package notify

import (
	"encoding/json"
	"fmt"

	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/minimum"
	"github.com/traininghub/traininghub/internal/outbox"
)

// minimumKinds is the email telling a session's provider and the admins that it is below
// its minimum numbers as the date draws near. It carries a minimum.Message and no invite:
// nothing changes in anyone's calendar until someone decides.
var minimumKinds = map[outbox.Kind]kindInfo{
	minimum.Kind: {build: (*Renderer).minimumView},
}

// minimumExtra is view.Extra for session_below_minimum.
type minimumExtra struct {
	Confirmed, Capacity, MinPlaces, Waitlisted int
	Short                                      int    // places still needed to reach the minimum
	Provider                                   string // the training partner, "" for the partnership's own
	// SessionURL is where the reader can fill or cancel the session: the admin session
	// page, or the partner's own for a partner's people. Either needs signing in.
	SessionURL string
	Partner    bool
}

func (r *Renderer) minimumView(e outbox.Envelope) (view, []mail.Attachment, error) {
	if len(e.Payload.Data) == 0 {
		return view{}, nil, fmt.Errorf("notify: %s message has no session", e.Kind)
	}
	var m minimum.Message
	if err := json.Unmarshal(e.Payload.Data, &m); err != nil {
		return view{}, nil, fmt.Errorf("notify: %s session: %w", e.Kind, err)
	}
	if m.SessionID == 0 || m.StartsAt.IsZero() || m.EndsAt.IsZero() {
		return view{}, nil, fmt.Errorf("notify: %s message has no session", e.Kind)
	}
	x := minimumExtra{Confirmed: m.Confirmed, Capacity: m.Capacity, MinPlaces: m.MinPlaces, Waitlisted: m.Waitlisted,
		Short: max(0, m.MinPlaces-m.Confirmed), Provider: line(m.Provider), Partner: m.Partner,
		SessionURL: fmt.Sprintf("%s/admin/sessions/%d", r.cfg.BaseURL, m.SessionID)}
	if m.Partner {
		x.SessionURL = fmt.Sprintf("%s/partner/sessions/%d", r.cfg.BaseURL, m.SessionID)
	}
	return view{
		SiteName:  r.cfg.SiteName,
		Name:      line(e.To.Name),
		Course:    firstNonEmpty(line(m.CourseTitle), "the training"),
		When:      when(m.StartsAt, m.EndsAt),
		Date:      londonDate(m.StartsAt),
		Start:     londonTime(m.StartsAt),
		Online:    m.Online,
		Venue:     line(m.Venue),
		CourseURL: fmt.Sprintf("%s/courses/%d", r.cfg.BaseURL, m.CourseID),
		ManageURL: r.cfg.BaseURL + "/my/training",
		Extra:     x,
	}, nil, nil
}
