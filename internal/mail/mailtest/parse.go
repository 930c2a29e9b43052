package mailtest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"testing"
)

// Part is one node of a parsed MIME tree, with its body decoded.
type Part struct {
	MediaType string
	Params    map[string]string
	Header    textproto.MIMEHeader
	Body      []byte
	Children  []*Part
}

// Shape writes the tree as e.g. multipart/mixed[multipart/alternative[text/plain,...],application/ics].
func (p *Part) Shape() string {
	if len(p.Children) == 0 {
		return p.MediaType
	}
	var kids []string
	for _, c := range p.Children {
		kids = append(kids, c.Shape())
	}
	return p.MediaType + "[" + strings.Join(kids, ",") + "]"
}

// Find returns the first part of the media type, depth first, or nil.
func (p *Part) Find(mediaType string) *Part {
	if p.MediaType == mediaType {
		return p
	}
	for _, c := range p.Children {
		if f := c.Find(mediaType); f != nil {
			return f
		}
	}
	return nil
}

// ParseMessage parses raw with net/mail and mime/multipart into its headers and tree,
// decoding base64 and quoted-printable bodies. It fails the test if raw does not parse.
func ParseMessage(tb testing.TB, raw []byte) (netmail.Header, *Part) {
	tb.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		tb.Fatalf("net/mail cannot read the message: %v\n%s", err, raw)
	}
	root, err := parsePart(textproto.MIMEHeader(msg.Header), msg.Body)
	if err != nil {
		tb.Fatalf("MIME: %v\n%s", err, raw)
	}
	return msg.Header, root
}

func parsePart(h textproto.MIMEHeader, body io.Reader) (*Part, error) {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, fmt.Errorf("Content-Type %q: %w", ct, err)
	}
	p := &Part{MediaType: mt, Params: params, Header: h}
	if strings.HasPrefix(mt, "multipart/") {
		if params["boundary"] == "" {
			return nil, fmt.Errorf("%s without boundary", mt)
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			// NextRawPart leaves Content-Transfer-Encoding alone, so it is checked too.
			sub, err := mr.NextRawPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			child, err := parsePart(sub.Header, sub)
			if err != nil {
				return nil, err
			}
			p.Children = append(p.Children, child)
		}
		return p, nil
	}
	var r io.Reader = body
	switch enc := strings.ToLower(h.Get("Content-Transfer-Encoding")); enc {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "", "7bit", "8bit", "binary":
	default:
		return nil, fmt.Errorf("unknown Content-Transfer-Encoding %q", enc)
	}
	p.Body, err = io.ReadAll(r)
	return p, err
}

// CheckRawLines asserts SMTP's line rules on a built message: CRLF only, at most 998
// octets a line (RFC 5322), and 7-bit clean (every part is encoded).
func CheckRawLines(tb testing.TB, raw []byte) {
	tb.Helper()
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) ||
		bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\r")) {
		tb.Errorf("message has a bare CR or LF")
	}
	for i, l := range bytes.Split(raw, []byte("\r\n")) {
		if len(l) > 998 {
			tb.Errorf("line %d is %d octets", i+1, len(l))
		}
		for _, c := range l {
			if c >= 0x80 {
				tb.Errorf("line %d is not 7-bit: %q", i+1, l)
				break
			}
		}
	}
}
