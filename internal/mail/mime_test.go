package mail

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

// part is one node of a parsed MIME tree, with its body decoded.
type part struct {
	mediaType string
	params    map[string]string
	header    textproto.MIMEHeader
	body      []byte
	children  []*part
}

// shape writes the tree as e.g. multipart/mixed[multipart/alternative[text/plain,...],application/ics].
func (p *part) shape() string {
	if len(p.children) == 0 {
		return p.mediaType
	}
	var kids []string
	for _, c := range p.children {
		kids = append(kids, c.shape())
	}
	return p.mediaType + "[" + strings.Join(kids, ",") + "]"
}

// find returns the first part of the media type, depth first.
func (p *part) find(mediaType string) *part {
	if p.mediaType == mediaType {
		return p
	}
	for _, c := range p.children {
		if f := c.find(mediaType); f != nil {
			return f
		}
	}
	return nil
}

// parseMessage parses raw with net/mail and mime/multipart into its headers and tree.
func parseMessage(t *testing.T, raw []byte) (netmail.Header, *part) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("net/mail cannot read the message: %v\n%s", err, raw)
	}
	root, err := parsePart(textproto.MIMEHeader(msg.Header), msg.Body)
	if err != nil {
		t.Fatalf("MIME: %v\n%s", err, raw)
	}
	return msg.Header, root
}

func parsePart(h textproto.MIMEHeader, body io.Reader) (*part, error) {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, fmt.Errorf("Content-Type %q: %w", ct, err)
	}
	p := &part{mediaType: mt, params: params, header: h}
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
			p.children = append(p.children, child)
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
	p.body, err = io.ReadAll(r)
	return p, err
}

// checkRawLines asserts SMTP's line rules on a built message: CRLF only, at most 998
// octets a line (RFC 5322), and 7-bit clean (every part is encoded).
func checkRawLines(t *testing.T, raw []byte) {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) ||
		bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\r")) {
		t.Errorf("message has a bare CR or LF")
	}
	for i, l := range bytes.Split(raw, []byte("\r\n")) {
		if len(l) > 998 {
			t.Errorf("line %d is %d octets", i+1, len(l))
		}
		for _, c := range l {
			if c >= 0x80 {
				t.Errorf("line %d is not 7-bit: %q", i+1, l)
				break
			}
		}
	}
}

var wordDecoder = new(mime.WordDecoder)

func decodeHeader(t *testing.T, v string) string {
	t.Helper()
	s, err := wordDecoder.DecodeHeader(v)
	if err != nil {
		t.Fatalf("decode %q: %v", v, err)
	}
	return s
}

func mimeParse(v string) (string, map[string]string, error) { return mime.ParseMediaType(v) }
