package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	netmail "net/mail"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"

	gomail "github.com/go-mail/mail/v2"
)

// Build returns the raw RFC 5322 bytes of m, exactly as Send would transmit them (apart
// from the Date, the MIME boundaries and the header order, which go-mail varies), for
// storing, previewing and tests.
func Build(m Message) ([]byte, error) {
	gm, _, err := compose(m, time.Now())
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := gm.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("mail: write message: %w", err)
	}
	return buf.Bytes(), nil
}

// envelope is the SMTP MAIL FROM and RCPT TO of a message.
type envelope struct{ from, to string }

// compose turns m into a go-mail message. go-mail v2 nests exactly the tree wanted:
//
//	multipart/mixed                      (only when there are attachments)
//	  multipart/alternative              (only when there is more than one body part)
//	    text/plain; charset=UTF-8
//	    text/html; charset=UTF-8
//	    text/calendar; method=REQUEST; charset=UTF-8
//	  invite.ics (application/ics, attachment)
//	  other attachments
//
// Every part's bytes come from a copy function over a []byte, so the message can be
// written any number of times (Build, a retry).
func compose(m Message, now time.Time) (*gomail.Message, envelope, error) {
	var env envelope
	from, fromName, err := mailbox("From", m.From)
	if err != nil {
		return nil, env, err
	}
	to, toName, err := mailbox("To", m.To)
	if err != nil {
		return nil, env, err
	}
	env = envelope{from: from, to: to}
	id, err := messageID(m.MessageID, from)
	if err != nil {
		return nil, env, err
	}
	if strings.TrimSpace(m.Text) == "" && strings.TrimSpace(m.HTML) == "" {
		return nil, env, fmt.Errorf("%w: no text or HTML body", ErrInvalidMessage)
	}

	gm := gomail.NewMessage(gomail.SetCharset("UTF-8"), gomail.SetEncoding(gomail.QuotedPrintable))
	gm.SetHeader("Message-ID", id)
	gm.SetDateHeader("Date", now)
	gm.SetAddressHeader("From", from, fromName)
	gm.SetAddressHeader("To", to, toName)
	gm.SetHeader("Subject", headerText(m.Subject)) // Q-encoded by go-mail when not ASCII
	// RFC 3834: an automatic message, so out-of-office robots do not answer it.
	gm.SetHeader("Auto-Submitted", "auto-generated")

	parts := 0
	addPart := func(ct string, body func(io.Writer) error, s ...gomail.PartSetting) {
		if parts == 0 {
			gm.SetBodyWriter(ct, body, s...)
		} else {
			gm.AddAlternativeWriter(ct, body, s...)
		}
		parts++
	}
	if strings.TrimSpace(m.Text) != "" {
		addPart("text/plain", copyString(m.Text))
	}
	if strings.TrimSpace(m.HTML) != "" {
		addPart("text/html", copyString(m.HTML))
	}
	if len(m.Calendar) > 0 {
		method, err := calendarMethod(m.Calendar, m.CalendarMethod)
		if err != nil {
			return nil, env, err
		}
		ics := bytes.Clone(m.Calendar)
		// go-mail appends "; charset=UTF-8" to the content type it is given. Base64 keeps
		// the CRLF line ends and folding spaces of the iCalendar text byte for byte.
		addPart("text/calendar; method="+method, copyBytes(ics), gomail.SetPartEncoding(gomail.Base64))
		gm.Attach("invite.ics",
			gomail.SetCopyFunc(copyBytes(ics)),
			gomail.SetHeader(map[string][]string{
				"Content-Type":        {`application/ics; name="invite.ics"`},
				"Content-Disposition": {`attachment; filename="invite.ics"`},
			}))
	}
	for i, a := range m.Attachments {
		if err := attach(gm, a); err != nil {
			return nil, env, fmt.Errorf("attachment %d: %w", i+1, err)
		}
	}
	return gm, env, nil
}

// attach adds a. go-mail writes an attachment's name into its headers unescaped, so the
// headers are formatted here (RFC 2231 for non-ASCII names).
func attach(gm *gomail.Message, a Attachment) error {
	name := path.Base(strings.ReplaceAll(headerText(a.Filename), `\`, "/"))
	if name == "." || name == "/" || name == "" {
		name = "attachment"
	}
	mt := "application/octet-stream"
	if a.ContentType != "" {
		parsed, _, err := mime.ParseMediaType(a.ContentType)
		if err != nil || !strings.Contains(parsed, "/") {
			return fmt.Errorf("%w: content type %q", ErrInvalidMessage, headerText(a.ContentType))
		}
		mt = parsed
	}
	ct := mime.FormatMediaType(mt, map[string]string{"name": name})
	cd := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if ct == "" || cd == "" {
		return fmt.Errorf("%w: attachment name %q", ErrInvalidMessage, name)
	}
	gm.Attach(name,
		gomail.SetCopyFunc(copyBytes(bytes.Clone(a.Data))),
		gomail.SetHeader(map[string][]string{"Content-Type": {ct}, "Content-Disposition": {cd}}))
	return nil
}

func copyString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

func copyBytes(b []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}
}

// mailbox checks a and returns its bare address and a header-safe display name. The
// address must be plain ASCII: net/smtp (under go-mail) does not speak SMTPUTF8.
func mailbox(field string, a Address) (addr, name string, err error) {
	addr = strings.TrimSpace(a.Email)
	if addr == "" {
		return "", "", fmt.Errorf("%w: %s address is missing", ErrInvalidMessage, field)
	}
	p, perr := netmail.ParseAddress(addr)
	if perr != nil || p.Address != addr || p.Name != "" || !isPrintableASCII(addr) {
		return "", "", fmt.Errorf("%w: %s address %q is not a plain e-mail address", ErrInvalidMessage, field, headerText(addr))
	}
	return addr, headerText(a.Name), nil
}

var messageIDRe = regexp.MustCompile(`^<[!-;=?-~]+@[!-;=?-~]+>$`) // printable ASCII without < > or spaces

// messageID checks a caller's Message-ID, adds the angle brackets it may lack, or makes a
// random one in the sender's domain.
func messageID(id, from string) (string, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		_, domain, _ := strings.Cut(from, "@")
		return "<" + hex.EncodeToString(b[:]) + "@" + domain + ">", nil
	}
	if !strings.HasPrefix(id, "<") {
		id = "<" + id + ">"
	}
	if !messageIDRe.MatchString(id) || strings.Count(id, "@") != 1 {
		return "", fmt.Errorf("%w: Message-ID %q is not of the form <left@right>", ErrInvalidMessage, headerText(id))
	}
	return id, nil
}

// headerText makes s safe for a header: CR, LF, tabs and other control characters become
// spaces (so "Hi\r\nBcc: x@y" cannot add a header), invalid UTF-8 goes, spaces collapse.
func headerText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return strings.Join(strings.Fields(s), " ")
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

var methodRe = regexp.MustCompile(`^[A-Z][A-Z-]*$`)

// calendarMethod reads the METHOD property of the VCALENDAR in ics and checks it against
// want (when given), so the method= parameter always equals the METHOD inside: a
// mismatch is what makes Outlook show an invite as a plain attachment.
func calendarMethod(ics []byte, want string) (string, error) {
	unfolded := strings.NewReplacer("\r\n ", "", "\r\n\t", "", "\n ", "", "\n\t", "").Replace(string(ics))
	var got string
	depth := 0
	for _, line := range strings.Split(unfolded, "\n") {
		line = strings.TrimRight(line, "\r")
		upper := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(upper, "BEGIN:"):
			depth++
		case strings.HasPrefix(upper, "END:"):
			depth--
		case depth == 1 && strings.HasPrefix(upper, "METHOD:"):
			got = strings.ToUpper(strings.TrimSpace(line[len("METHOD:"):]))
		}
	}
	if got == "" || !methodRe.MatchString(got) {
		return "", fmt.Errorf("%w: the calendar has no METHOD", ErrInvalidMessage)
	}
	if want = strings.ToUpper(strings.TrimSpace(want)); want != "" && want != got {
		return "", fmt.Errorf("%w: CalendarMethod %q but the calendar says METHOD:%s", ErrInvalidMessage, headerText(want), got)
	}
	return got, nil
}
