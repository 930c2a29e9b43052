package mail

import (
	"mime"
	"testing"
)

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
