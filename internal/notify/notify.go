// Package notify turns queued outbox messages into emails: a subject, a plain-text body,
// an HTML body and, for the kinds that carry one, a calendar invite (METHOD:REQUEST) or
// cancellation (METHOD:CANCEL).
//
// Every word a reader sees comes from the templates under templates/email: text/template
// for the subject and the plain-text body, html/template (which escapes everything it is
// given) for the HTML body. Course titles, venues, names and reasons are user-controlled;
// single-line values are stripped of control characters here, headers are made safe by
// mail.Build and calendar text by package calendar.
//
// Every time is shown in Europe/London. The joining link of an online session goes only to
// people with a confirmed place, never to the waiting list.
package notify

import (
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	netmail "net/mail"
	"net/url"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/traininghub/traininghub/internal/calendar"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/templates"
)

// Config says where links point and who organises the sessions.
type Config struct {
	// BaseURL is the site's absolute http(s) address, e.g. http://localhost:8080. Links:
	// BaseURL/my/training, BaseURL/courses/{id}, BaseURL/password/reset/{token}.
	BaseURL string
	// SiteName signs every message, e.g. "Bath and North East Somerset Safeguarding
	// Children Partnership training".
	SiteName string
	// OrganizerName and OrganizerEmail are the From mailbox, written as the invite's
	// ORGANIZER; the outbox worker's From should be the same mailbox.
	OrganizerName, OrganizerEmail string
	// UIDHost completes the calendar UID: snapshot UID + "@" + UIDHost. Default: the host
	// of BaseURL.
	UIDHost string
	// Partnership is the name printed on attached certificates, e.g. "Bath and North East
	// Somerset Safeguarding Children Partnership". Default: SiteName.
	Partnership string
}

// Renderer renders outbox messages; it implements outbox.Renderer and is safe for
// concurrent use.
type Renderer struct {
	cfg         Config
	kinds       map[outbox.Kind]*kindTemplates
	description *texttemplate.Template
}

type kindTemplates struct {
	text *texttemplate.Template // defines "subject" and "body"; executed as "layout"
	html *htmltemplate.Template // defines "body"; executed as "layout"
}

// kindInfo is what each kind carries besides its words.
type kindInfo struct {
	calendar string // "", calendar.MethodRequest or calendar.MethodCancel
	joinLink bool   // the reader holds a confirmed place, so may see the joining link
	reset    bool   // a password reset (ResetSnapshot), not a booking message
	// evaluation links to the post-course evaluation form of the booking.
	evaluation bool
	// certificate is an issued certificate (CertificateSnapshot), sent with its PDF.
	certificate bool
	// build words a kind with its own payload (outbox.Payload.Data): manager digests,
	// approval requests. Its templates read view.Extra.
	build func(r *Renderer, e outbox.Envelope) (view, []mail.Attachment, error)
}

// kinds is every message the renderer knows; each group lives beside its own code.
var kinds = mergeKinds(coreKinds, digestKinds, approvalKinds, staffKinds, signupKinds, minimumKinds, impactKinds)

func mergeKinds(groups ...map[outbox.Kind]kindInfo) map[outbox.Kind]kindInfo {
	all := map[outbox.Kind]kindInfo{}
	for _, g := range groups {
		for k, v := range g {
			all[k] = v
		}
	}
	return all
}

var coreKinds = map[outbox.Kind]kindInfo{
	outbox.BookingConfirmed:         {calendar: calendar.MethodRequest, joinLink: true},
	outbox.WaitlistJoined:           {},
	outbox.Promoted:                 {calendar: calendar.MethodRequest, joinLink: true},
	outbox.BookingCancelled:         {calendar: calendar.MethodCancel},
	outbox.WaitlistLeft:             {},
	outbox.SessionChanged:           {calendar: calendar.MethodRequest, joinLink: true},
	outbox.SessionChangedWaitlist:   {},
	outbox.SessionCancelled:         {calendar: calendar.MethodCancel},
	outbox.SessionCancelledWaitlist: {},
	outbox.Reminder:                 {joinLink: true},
	outbox.PasswordReset:            {reset: true},
	outbox.EvaluationRequested:      {evaluation: true},
	outbox.CertificateIssued:        {certificate: true},
}

// New checks cfg and parses the embedded email templates once; a missing or broken
// template fails New.
func New(cfg Config) (*Renderer, error) {
	return newRenderer(cfg, templates.FS)
}

func newRenderer(cfg Config, fsys fs.FS) (*Renderer, error) {
	base, err := url.Parse(strings.TrimSpace(cfg.BaseURL))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("notify: BaseURL %q must be an absolute http or https address", cfg.BaseURL)
	}
	cfg.BaseURL = strings.TrimRight(base.String(), "/")
	cfg.OrganizerEmail = strings.TrimSpace(cfg.OrganizerEmail)
	if a, err := netmail.ParseAddress(cfg.OrganizerEmail); err != nil || a.Address != cfg.OrganizerEmail {
		return nil, fmt.Errorf("notify: OrganizerEmail %q must be a plain e-mail address", cfg.OrganizerEmail)
	}
	cfg.OrganizerName = line(cfg.OrganizerName)
	cfg.SiteName = line(cfg.SiteName)
	if cfg.SiteName == "" {
		cfg.SiteName = "Training"
	}
	if cfg.Partnership = line(cfg.Partnership); cfg.Partnership == "" {
		cfg.Partnership = cfg.SiteName
	}
	// Lower case, as the calendar feed and the .ics download write it: a UID that differs
	// only in case would make a calendar add the event twice.
	cfg.UIDHost = strings.ToLower(strings.TrimSpace(cfg.UIDHost))
	if cfg.UIDHost == "" {
		cfg.UIDHost = strings.ToLower(base.Hostname())
	}

	r := &Renderer{cfg: cfg, kinds: map[outbox.Kind]*kindTemplates{}}
	for kind := range kinds {
		t, err := parseKind(fsys, kind)
		if err != nil {
			return nil, err
		}
		r.kinds[kind] = t
	}
	r.description, err = texttemplate.New("calendar.txt").Option("missingkey=error").ParseFS(fsys, "email/calendar.txt")
	if err != nil {
		return nil, fmt.Errorf("notify: parse email/calendar.txt: %w", err)
	}
	if r.description.Lookup("description") == nil {
		return nil, errors.New(`notify: email/calendar.txt does not define "description"`)
	}
	return r, nil
}

func parseKind(fsys fs.FS, kind outbox.Kind) (*kindTemplates, error) {
	txtName, htmlName := "email/"+string(kind)+".txt", "email/"+string(kind)+".html"
	txt, err := texttemplate.New(string(kind)).Option("missingkey=error").ParseFS(fsys, "email/layout.txt", txtName)
	if err != nil {
		return nil, fmt.Errorf("notify: parse %s: %w", txtName, err)
	}
	html, err := htmltemplate.New(string(kind)).Option("missingkey=error").ParseFS(fsys, "email/layout.html", htmlName)
	if err != nil {
		return nil, fmt.Errorf("notify: parse %s: %w", htmlName, err)
	}
	for _, name := range []string{"layout", "subject", "body"} {
		if txt.Lookup(name) == nil {
			return nil, fmt.Errorf("notify: %s (with email/layout.txt) does not define %q", txtName, name)
		}
	}
	for _, name := range []string{"layout", "heading", "body"} {
		if html.Lookup(name) == nil {
			return nil, fmt.Errorf("notify: %s (with email/layout.html) does not define %q", htmlName, name)
		}
	}
	return &kindTemplates{text: txt, html: html}, nil
}

// Render writes the Subject, Text, HTML and, for invite and cancel kinds, the Calendar
// and CalendarMethod of e's message. The worker fills in MessageID, From and To.
func (r *Renderer) Render(e outbox.Envelope) (mail.Message, error) {
	info, ok := kinds[e.Kind]
	if !ok {
		return mail.Message{}, fmt.Errorf("notify: unknown message kind %q", e.Kind)
	}
	var v view
	var ev *calendar.Event
	var attachments []mail.Attachment
	var err error
	switch {
	case info.build != nil:
		v, attachments, err = info.build(r, e)
	case info.reset:
		v, err = r.resetView(e)
	case info.certificate:
		v, attachments, err = r.certificateView(e)
	default:
		v, ev, err = r.bookingView(e, info)
	}
	if err != nil {
		return mail.Message{}, err
	}

	t := r.kinds[e.Kind]
	var b strings.Builder
	if err := t.text.ExecuteTemplate(&b, "subject", v); err != nil {
		return mail.Message{}, fmt.Errorf("notify: %s subject: %w", e.Kind, err)
	}
	v.Subject = line(b.String())
	if v.Subject == "" {
		return mail.Message{}, fmt.Errorf("notify: %s: empty subject", e.Kind)
	}
	b.Reset()
	if err := t.text.ExecuteTemplate(&b, "layout", v); err != nil {
		return mail.Message{}, fmt.Errorf("notify: %s text: %w", e.Kind, err)
	}
	msg := mail.Message{Subject: v.Subject, Text: tidyText(b.String())}
	b.Reset()
	if err := t.html.ExecuteTemplate(&b, "layout", v); err != nil {
		return mail.Message{}, fmt.Errorf("notify: %s HTML: %w", e.Kind, err)
	}
	msg.HTML = tidyText(b.String())
	msg.Attachments = attachments

	if ev != nil {
		b.Reset()
		if err := r.description.ExecuteTemplate(&b, "description", v); err != nil {
			return mail.Message{}, fmt.Errorf("notify: %s calendar description: %w", e.Kind, err)
		}
		ev.Description = tidyText(b.String())
		ics, err := calendar.Invite(*ev)
		if err != nil {
			return mail.Message{}, fmt.Errorf("notify: %s: %w", e.Kind, err)
		}
		msg.Calendar, msg.CalendarMethod = ics, calendar.Method(*ev)
	}
	return msg, nil
}

// view is what every template sees. Strings are plain text: html/template escapes them.
type view struct {
	Subject  string // set after the "subject" template has run
	SiteName string
	Name     string // the reader, for the greeting; may be empty

	Course    string
	When      string // "Monday 30 March 2026, 9:30am to 12:30pm"
	Date      string // "Monday 30 March 2026"
	Start     string // "9:30am"
	Online    bool
	Venue     string
	JoinURL   string // only for readers with a confirmed place
	CourseURL string
	ManageURL string

	Position    int    // on the waiting list; 0 unknown
	ByOrganiser bool   // someone other than the reader made the change
	Reason      string // why the session was cancelled; may be several lines
	Changes     string // "the date or time and the venue"
	Lead        string // reminders: "tomorrow", "in 3 days" or ""
	Extra       any    // a kind's own data, for kinds with a build function
	Cancelled   bool   // the calendar event is being cancelled

	ResetURL string
	Expires  string // "10:45am on Monday 30 March 2026"
	Welcome  bool   // the reset link is a new account's first password

	EvaluationURL string // the booking's evaluation form
	RecordURL     string // the reader's learning record
	Code          string // a certificate's verification code
	VerifyURL     string // where anyone can check the certificate
	ExpiresOn     string // "30 March 2029", "" when the training does not expire
}

func (r *Renderer) bookingView(e outbox.Envelope, info kindInfo) (view, *calendar.Event, error) {
	s := e.Payload.Booking
	if s == nil {
		return view{}, nil, fmt.Errorf("notify: %s message has no booking snapshot", e.Kind)
	}
	if s.StartsAt.IsZero() || s.EndsAt.IsZero() {
		return view{}, nil, fmt.Errorf("notify: %s message has no session times", e.Kind)
	}
	v := view{
		SiteName:    r.cfg.SiteName,
		Name:        firstNonEmpty(line(s.PersonName), line(e.To.Name)),
		Course:      line(s.CourseTitle),
		When:        when(s.StartsAt, s.EndsAt),
		Date:        londonDate(s.StartsAt),
		Start:       londonTime(s.StartsAt),
		Online:      s.Online,
		Venue:       line(s.Venue),
		CourseURL:   fmt.Sprintf("%s/courses/%d", r.cfg.BaseURL, s.CourseID),
		ManageURL:   r.cfg.BaseURL + "/my/training",
		Position:    s.WaitlistPosition,
		ByOrganiser: s.ByOrganiser,
		Reason:      text(s.Reason),
		Changes:     changes(s.Changes),
		Lead:        lead(s.Lead),
		Cancelled:   info.calendar == calendar.MethodCancel,
	}
	if v.Course == "" {
		v.Course = "your training"
	}
	if info.evaluation {
		v.EvaluationURL = fmt.Sprintf("%s/evaluations/%d", r.cfg.BaseURL, s.BookingID)
		v.RecordURL = r.cfg.BaseURL + "/my/record"
	}
	if s.Online && info.joinLink {
		v.JoinURL = joinURL(s.OnlineURL)
	}
	if info.calendar == "" {
		return v, nil, nil
	}

	uid := strings.TrimSpace(s.UID)
	if uid == "" {
		return view{}, nil, fmt.Errorf("notify: %s message has no calendar UID", e.Kind)
	}
	if !strings.Contains(uid, "@") {
		uid += "@" + r.cfg.UIDHost
	}
	stamp := s.Stamp
	if stamp.IsZero() {
		stamp = time.Now()
	}
	ev := &calendar.Event{
		UID:            uid,
		Sequence:       s.Sequence,
		Summary:        v.Course,
		Location:       v.Venue,
		URL:            v.CourseURL,
		Start:          s.StartsAt,
		End:            s.EndsAt,
		Stamp:          stamp,
		OrganizerName:  r.cfg.OrganizerName,
		OrganizerEmail: r.cfg.OrganizerEmail,
		AttendeeName:   v.Name,
		AttendeeEmail:  firstNonEmpty(strings.TrimSpace(s.PersonEmail), strings.TrimSpace(e.To.Email)),
		Cancelled:      v.Cancelled,
	}
	if s.Online {
		ev.Location = "Online"
		if v.JoinURL != "" {
			ev.Location = "Online: " + v.JoinURL
			ev.URL = v.JoinURL
		}
	}
	return v, ev, nil
}

func (r *Renderer) resetView(e outbox.Envelope) (view, error) {
	s := e.Payload.Reset
	if s == nil {
		return view{}, fmt.Errorf("notify: %s message has no reset snapshot", e.Kind)
	}
	token := strings.TrimSpace(s.Token)
	if token == "" {
		return view{}, fmt.Errorf("notify: %s message has no token", e.Kind)
	}
	if s.ExpiresAt.IsZero() {
		return view{}, fmt.Errorf("notify: %s message has no expiry time", e.Kind)
	}
	return view{
		SiteName: r.cfg.SiteName,
		Name:     firstNonEmpty(line(s.Name), line(e.To.Name)),
		ResetURL: r.cfg.BaseURL + "/password/reset/" + url.PathEscape(token),
		Expires:  londonTime(s.ExpiresAt) + " on " + londonDate(s.ExpiresAt),
		Welcome:  s.Welcome,
	}, nil
}

// joinURL is the joining link when it is an absolute http(s) address, else "": anything
// else (javascript:, a typo) is not offered to readers, and would be refused by the
// calendar.
func joinURL(raw string) string {
	raw = strings.TrimSpace(raw)
	for _, r := range raw {
		if r <= ' ' || r == 0x7f || r == '"' {
			return ""
		}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return u.String()
}

// changes says in words what moved.
func changes(cs []string) string {
	var words []string
	seen := map[string]bool{}
	for _, c := range cs {
		var w string
		switch strings.ToLower(strings.TrimSpace(c)) {
		case "time":
			w = "the date or time"
		case "venue":
			w = "the venue"
		case "link":
			w = "the joining link"
		case "online", "mode":
			w = "whether it is online or in person"
		default:
			continue
		}
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	switch len(words) {
	case 0:
		return "the details"
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// lead turns a reminder's lead time ("3 days", "1 day") into words for a sentence.
func lead(s string) string {
	s = line(s)
	switch strings.ToLower(s) {
	case "":
		return ""
	case "1 day", "1 days", "one day", "24 hours":
		return "tomorrow"
	}
	return "in " + s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
