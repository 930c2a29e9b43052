package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/server/servertest"
)

// fetch sends one request with the given headers and returns the response with its raw
// (undecoded) body. Setting Accept-Encoding ourselves stops Go decompressing silently.
func fetch(t *testing.T, method, url string, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("bad gzip: %v", err)
	}
	return out
}

// TestGzipForTextOnly: pages and the stylesheet are gzipped for clients that ask, decode
// to exactly the plain bytes, and say Vary; clients that do not ask, or refuse gzip, and
// range requests get plain bytes.
func TestGzipForTextOnly(t *testing.T) {
	s := servertest.New(t)
	s.Session(t, s.Course(t, "Domestic abuse and its impact on children"), 72*3600e9, 20)
	for _, path := range []string{"/courses", "/static/app.css"} {
		plainResp, plain := fetch(t, "GET", s.URL+path, nil)
		if plainResp.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s: encoded without Accept-Encoding", path)
		}
		zipped, raw := fetch(t, "GET", s.URL+path, map[string]string{"Accept-Encoding": "br, gzip"})
		if zipped.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(strings.Join(zipped.Header.Values("Vary"), ","), "Accept-Encoding") {
			t.Fatalf("%s: Content-Encoding %q Vary %q", path, zipped.Header.Get("Content-Encoding"), zipped.Header.Values("Vary"))
		}
		if len(raw) >= len(plain)/2 {
			t.Errorf("%s: gzip body %d bytes for %d plain; expected well under half", path, len(raw), len(plain))
		}
		// Pages carry a fresh form token, so compare pages without it.
		token := regexp.MustCompile(`[0-9a-f]{32}`)
		if got := token.ReplaceAll(gunzip(t, raw), nil); !bytes.Equal(got, token.ReplaceAll(plain, nil)) {
			t.Errorf("%s: gzip body does not decode to the plain body", path)
		}
		refused, _ := fetch(t, "GET", s.URL+path, map[string]string{"Accept-Encoding": "gzip;q=0"})
		if refused.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s: gzip sent to a client that refused it", path)
		}
	}
	ranged, part := fetch(t, "GET", s.URL+"/static/app.css", map[string]string{"Accept-Encoding": "gzip", "Range": "bytes=0-9"})
	if ranged.StatusCode != http.StatusPartialContent || ranged.Header.Get("Content-Encoding") != "" || len(part) != 10 {
		t.Errorf("range request: %d %q %d bytes; want 206, plain, 10 bytes", ranged.StatusCode, ranged.Header.Get("Content-Encoding"), len(part))
	}
	logo, _ := fetch(t, "GET", s.URL+"/static/logo.svg", map[string]string{"Accept-Encoding": "gzip"})
	if logo.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("logo Content-Type %q", logo.Header.Get("Content-Type"))
	}
}

// TestHeadAnswersLikeGet: HEAD gets GET's status and headers and no body, for pages,
// redirects, static files, the API and unknown addresses.
func TestHeadAnswersLikeGet(t *testing.T) {
	s := servertest.New(t)
	for _, path := range []string{"/courses", "/", "/my/training", "/static/app.css", "/api/v1/courses", "/no-such-page", "/healthz"} {
		get, getBody := fetch(t, "GET", s.URL+path, nil)
		head, headBody := fetch(t, "HEAD", s.URL+path, nil)
		if head.StatusCode != get.StatusCode {
			t.Errorf("HEAD %s: %d, GET: %d", path, head.StatusCode, get.StatusCode)
		}
		for _, h := range []string{"Content-Type", "Location", "Cache-Control", "Content-Security-Policy"} {
			if head.Header.Get(h) != get.Header.Get(h) {
				t.Errorf("HEAD %s: %s %q, GET: %q", path, h, head.Header.Get(h), get.Header.Get(h))
			}
		}
		if len(headBody) != 0 {
			t.Errorf("HEAD %s sent a body of %d bytes", path, len(headBody))
		}
		if get.StatusCode == http.StatusOK && len(getBody) == 0 {
			t.Errorf("GET %s: empty body", path)
		}
	}
}

// TestStaticFilesFetchedOnce: pages link to fingerprinted static files that may be kept
// for a year; an old or missing fingerprint is revalidated, and the ETag answers 304.
func TestStaticFilesFetchedOnce(t *testing.T) {
	s := servertest.New(t)
	_, page := fetch(t, "GET", s.URL+"/courses", nil)
	links := regexp.MustCompile(`(?:href|src)="(/static/(?:app\.css|logo\.svg)\?v=[0-9a-f]{12})"`).FindAllStringSubmatch(string(page), -1)
	seen := map[string]bool{}
	for _, l := range links {
		seen[l[1]] = true
	}
	if len(seen) != 2 {
		t.Fatalf("page links to %v; want the stylesheet and the logo, each fingerprinted", seen)
	}
	for link := range seen {
		resp, _ := fetch(t, "GET", s.URL+link, nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: %d Cache-Control %q", link, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		plain := strings.Split(link, "?")[0]
		old, _ := fetch(t, "GET", s.URL+plain+"?v=000000000000", nil)
		if strings.Contains(old.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s with a stale fingerprint is cached for a year", plain)
		}
		again, body := fetch(t, "GET", s.URL+plain, map[string]string{"If-None-Match": resp.Header.Get("ETag")})
		if again.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("%s revalidated with its ETag: %d, %d bytes; want 304, none", plain, again.StatusCode, len(body))
		}
	}
	if resp, _ := fetch(t, "GET", s.URL+"/static/nothing.css", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown static file: %d", resp.StatusCode)
	}
}
