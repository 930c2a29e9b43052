package notify

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/outbox"
)

// signupKinds are self-registration's messages: the confirmation link, the warning to an
// address's owner that someone tried to register it again, and the join request with its
// answers. They carry an account.SignupMessage.
var signupKinds = map[outbox.Kind]kindInfo{
	account.KindEmailConfirmation: {build: (*Renderer).signupView},
	account.KindAccountExists:     {build: (*Renderer).signupView},
	account.KindJoinRequested:     {build: (*Renderer).signupView},
	account.KindJoinApproved:      {build: (*Renderer).signupView},
	account.KindJoinDeclined:      {build: (*Renderer).signupView},
}

// signupExtra is view.Extra for the signup messages.
type signupExtra struct {
	ConfirmURL   string // email_confirmation
	Requested    bool   // email_confirmation: the organisation must still approve
	Organisation string
	ForgotURL    string // account_exists
	SignInURL    string
	Person       string // join_requested
	PersonEmail  string
	JobTitle     string
	DecideURL    string
}

func (r *Renderer) signupView(e outbox.Envelope) (view, []mail.Attachment, error) {
	if len(e.Payload.Data) == 0 {
		return view{}, nil, fmt.Errorf("notify: %s message has no data", e.Kind)
	}
	var m account.SignupMessage
	if err := json.Unmarshal(e.Payload.Data, &m); err != nil {
		return view{}, nil, fmt.Errorf("notify: %s data: %w", e.Kind, err)
	}
	x := signupExtra{
		Organisation: line(m.Organisation),
		Requested:    m.Requested,
		ForgotURL:    r.cfg.BaseURL + "/password/forgot",
		SignInURL:    r.cfg.BaseURL + "/login",
		Person:       firstNonEmpty(line(m.PersonName), line(m.PersonEmail)),
		PersonEmail:  line(m.PersonEmail),
		JobTitle:     line(m.JobTitle),
	}
	v := view{SiteName: r.cfg.SiteName, Name: firstNonEmpty(line(m.Name), line(e.To.Name)), Extra: &x}
	switch e.Kind {
	case account.KindEmailConfirmation:
		token := strings.TrimSpace(e.Payload.LinkToken) // minted as the email is sent
		if token == "" || m.ExpiresAt.IsZero() {
			return view{}, nil, fmt.Errorf("notify: %s message has no link", e.Kind)
		}
		x.ConfirmURL = r.cfg.BaseURL + "/register/confirm/" + url.PathEscape(token)
		v.Expires = londonTime(m.ExpiresAt) + " on " + londonDate(m.ExpiresAt)
	case account.KindJoinRequested:
		if m.RequestID == 0 {
			return view{}, nil, fmt.Errorf("notify: %s message has no request", e.Kind)
		}
		x.DecideURL = fmt.Sprintf("%s/join-requests/%d", r.cfg.BaseURL, m.RequestID)
	}
	return v, nil, nil
}
