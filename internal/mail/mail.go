// Package mail builds transactional e-mails (text, HTML and a calendar invite that mail
// clients treat as a meeting) and sends them over SMTP through github.com/go-mail/mail/v2,
// behind the small Sender interface the outbox worker depends on.
//
// Nothing here tracks the reader: no pixels, no rewritten links, no per-recipient IDs
// beyond the stable Message-ID.
package mail

import (
	"context"
	"errors"
)

// Address is a mailbox: a display name (may be empty, any Unicode) and a plain address.
type Address struct{ Name, Email string }

// Attachment is a file sent with a message, held in memory so that a retry can send it
// again (go-mail's AttachReader reads its reader only once).
type Attachment struct {
	Filename, ContentType string
	Data                  []byte
}

// Message is one e-mail as the outbox stores it.
type Message struct {
	// MessageID is stable per outbox row, e.g. "<outbox-42@training.example.org>", so a
	// resend after a crash is recognisable as the same message. Generated when empty.
	MessageID string
	From, To  Address
	Subject   string
	Text      string // plain-text body
	HTML      string // HTML body; at least one of Text and HTML is needed

	// Calendar, when set, is an iCalendar object: it goes both inline as
	// text/calendar; method=CalendarMethod inside multipart/alternative (which makes
	// Outlook and Gmail show a meeting with accept/decline buttons) and as an
	// invite.ics attachment (application/ics) for clients that ignore the inline part.
	// CalendarMethod may be left empty: it is read from the METHOD inside, and a value
	// that disagrees with it is refused.
	Calendar       []byte
	CalendarMethod string

	Attachments []Attachment
}

// Sender delivers one message; the outbox worker retries when Temporary(err) is true.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrInvalidMessage marks a message that can never be sent as it is (a bad address, no
// body, a calendar whose method disagrees); retrying it is pointless.
var ErrInvalidMessage = errors.New("mail: invalid message")
