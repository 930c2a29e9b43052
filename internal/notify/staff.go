package notify

import (
	"encoding/json"
	"fmt"

	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/outbox"
)

// staffKinds are what a manager sends a member of staff from their home page: a
// nomination for a session (with a link to book it themselves; no invite, since nothing
// is booked yet) and a reminder of the training due.
var staffKinds = map[outbox.Kind]kindInfo{
	compliance.NominationKind:  {build: (*Renderer).nominationView},
	compliance.TrainingDueKind: {build: (*Renderer).trainingDueView},
}

// nominationExtra is view.Extra for staff_nominated.
type nominationExtra struct {
	Manager string
	BookURL string // the session's booking page; the reader signs in and confirms there
}

func (r *Renderer) nominationView(e outbox.Envelope) (view, []mail.Attachment, error) {
	if len(e.Payload.Data) == 0 {
		return view{}, nil, fmt.Errorf("notify: %s message has no nomination", e.Kind)
	}
	var n compliance.Nomination
	if err := json.Unmarshal(e.Payload.Data, &n); err != nil {
		return view{}, nil, fmt.Errorf("notify: %s nomination: %w", e.Kind, err)
	}
	if n.SessionID == 0 || n.StartsAt.IsZero() || n.EndsAt.IsZero() {
		return view{}, nil, fmt.Errorf("notify: %s message has no session", e.Kind)
	}
	v := view{
		SiteName:  r.cfg.SiteName,
		Name:      firstNonEmpty(line(n.PersonName), line(e.To.Name)),
		Course:    firstNonEmpty(line(n.CourseTitle), "the training"),
		When:      when(n.StartsAt, n.EndsAt),
		Date:      londonDate(n.StartsAt),
		Start:     londonTime(n.StartsAt),
		Online:    n.Online,
		Venue:     line(n.Venue),
		CourseURL: fmt.Sprintf("%s/courses/%d", r.cfg.BaseURL, n.CourseID),
		ManageURL: r.cfg.BaseURL + "/my/training",
		Extra: nominationExtra{Manager: firstNonEmpty(line(n.ManagerName), "Your manager"),
			BookURL: fmt.Sprintf("%s/sessions/%d/book", r.cfg.BaseURL, n.SessionID)},
	}
	return v, nil, nil
}

// trainingDueExtra is view.Extra for training_due.
type trainingDueExtra struct {
	Manager string
	Items   []dueLine
	HomeURL string // the reader's home page, which lists what is due with a Book button each
}

// dueLine is one course due, in words.
type dueLine struct {
	Course    string
	State     string // "Expired on 25 July 2026", "Expires on 25 December 2026", "Not done yet"
	CourseURL string
}

func (r *Renderer) trainingDueView(e outbox.Envelope) (view, []mail.Attachment, error) {
	if len(e.Payload.Data) == 0 {
		return view{}, nil, fmt.Errorf("notify: %s message has no training", e.Kind)
	}
	var d compliance.TrainingDue
	if err := json.Unmarshal(e.Payload.Data, &d); err != nil {
		return view{}, nil, fmt.Errorf("notify: %s training: %w", e.Kind, err)
	}
	if len(d.Items) == 0 {
		return view{}, nil, fmt.Errorf("notify: %s message names no training", e.Kind)
	}
	x := trainingDueExtra{Manager: firstNonEmpty(line(d.ManagerName), "Your manager"), HomeURL: r.cfg.BaseURL + "/"}
	for _, it := range d.Items {
		l := dueLine{Course: firstNonEmpty(line(it.Course), "Required training"),
			CourseURL: fmt.Sprintf("%s/courses/%d", r.cfg.BaseURL, it.CourseID)}
		switch {
		case it.State == compliance.Expired:
			l.State = "Expired on " + digestDate(it.ExpiresOn)
		case it.State == compliance.Expiring:
			l.State = "Expires on " + digestDate(it.ExpiresOn)
		case it.State == compliance.Waitlisted:
			l.State = "On a waiting list, no place yet"
		default:
			l.State = "Not done yet"
		}
		x.Items = append(x.Items, l)
	}
	return view{
		SiteName:  r.cfg.SiteName,
		Name:      firstNonEmpty(line(d.PersonName), line(e.To.Name)),
		ManageURL: r.cfg.BaseURL + "/my/training",
		Extra:     x,
	}, nil, nil
}
