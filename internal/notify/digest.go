package notify

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/outbox"
)

// digestKinds are the managers' weekly digest messages.
var digestKinds = map[outbox.Kind]kindInfo{
	compliance.DigestKind: {build: (*Renderer).digestView},
}

// digestView is what templates/email/manager_digest.* read from view.Extra.
type digestView struct {
	Organisation string
	Summary      string // "2 expired, 1 expiring"
	People       string // "3 people"
	Items        []digestLine
	More         int    // lines left out of the email
	MatrixURL    string // the matrix, filtered to expired or expiring
}

// digestLine is one person and course.
type digestLine struct {
	Name    string
	Course  string
	State   string // "Expired", "Expiring"
	When    string // "expired on 25 July 2026", "expires on 25 December 2026"
	Expired bool
}

// digestView words a manager's weekly digest from its snapshot (compliance.Digest).
func (r *Renderer) digestView(e outbox.Envelope) (view, []mail.Attachment, error) {
	if len(e.Payload.Data) == 0 {
		return view{}, nil, fmt.Errorf("notify: %s message has no digest", e.Kind)
	}
	var d compliance.Digest
	if err := json.Unmarshal(e.Payload.Data, &d); err != nil {
		return view{}, nil, fmt.Errorf("notify: %s digest: %w", e.Kind, err)
	}
	if len(d.Items) == 0 {
		return view{}, nil, fmt.Errorf("notify: %s digest lists nobody", e.Kind)
	}
	x := digestView{
		Organisation: line(d.Organisation),
		Summary:      digestSummary(d.Expired, d.Expiring),
		People:       count(d.People, "person", "people"),
		More:         d.More,
		MatrixURL:    r.cfg.BaseURL + "/manager?status=attention",
	}
	if x.Organisation == "" {
		x.Organisation = "your organisation"
	}
	for _, it := range d.Items {
		l := digestLine{Name: line(it.Name), Course: line(it.Course), Expired: it.State == compliance.Expired}
		switch {
		case l.Expired:
			l.State, l.When = "Expired", "expired"
		default:
			l.State, l.When = "Expiring", "expires"
		}
		if !it.ExpiresOn.IsZero() {
			l.When += " on " + digestDate(it.ExpiresOn)
		}
		x.Items = append(x.Items, l)
	}
	return view{
		SiteName:  r.cfg.SiteName,
		Name:      firstNonEmpty(line(d.ManagerName), line(e.To.Name)),
		ManageURL: x.MatrixURL,
		Extra:     x,
	}, nil, nil
}

// digestSummary counts in words: "2 expired, 1 expiring".
func digestSummary(expired, expiring int) string {
	switch {
	case expired > 0 && expiring > 0:
		return strconv.Itoa(expired) + " expired, " + strconv.Itoa(expiring) + " expiring"
	case expired > 0:
		return strconv.Itoa(expired) + " expired"
	}
	return strconv.Itoa(expiring) + " expiring"
}

// count writes "1 person", "3 people".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// digestDate is a London date without its weekday: "25 December 2026".
func digestDate(t time.Time) string { return t.In(clock.London).Format("2 January 2006") }
