package server_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/server/servertest"
	"github.com/traininghub/traininghub/internal/testkit"
)

// logBuffer collects JSON log lines from the server's goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// requestLines returns the "request" lines logged so far.
func (b *logBuffer) requestLines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if m["msg"] == "request" {
			out = append(out, m)
		}
	}
	return out
}

func get(t *testing.T, c *http.Client, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp, b.String()
}

// TestRequestLogAndReference: every request gets one JSON log line with its route pattern
// (never the raw URL with its query string), status, size, duration and reference; the
// reference comes back in X-Request-Id and on error pages; a signed-in person's id is on
// the line.
func TestRequestLogAndReference(t *testing.T) {
	var logs logBuffer
	s := servertest.NewWithLog(t, slog.New(slog.NewJSONHandler(&logs, nil)))
	org := s.Org(t, "Avon and Somerset Police", account.Police)
	user := s.User(t, "p@example.org", org.ID)

	const secret = "s3cr3t-t0ken-in-a-query"
	resp, _ := get(t, http.DefaultClient, s.URL+"/courses?token="+secret)
	id := resp.Header.Get("X-Request-Id")
	if !regexp.MustCompile(`^[0-9A-Z]{12}$`).MatchString(id) {
		t.Fatalf("X-Request-Id = %q, want a 12-character reference", id)
	}
	lines := logs.requestLines(t)
	if len(lines) != 1 {
		t.Fatalf("%d request lines for one request: %s", len(lines), logs.String())
	}
	l := lines[0]
	if l["method"] != "GET" || l["route"] != "/courses" || l["status"] != float64(200) || l["request_id"] != id ||
		l["bytes"].(float64) <= 0 || l["duration_ms"] == nil || l["user_id"] != nil {
		t.Errorf("request line %v", l)
	}
	if strings.Contains(logs.String(), secret) {
		t.Error("the query string's token reached the log")
	}

	// A proxy's own sane reference is kept; anything else is replaced.
	resp, body := get(t, http.DefaultClient, s.URL+"/courses/999999", "X-Request-Id", "proxy-7f3a9c2e")
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("X-Request-Id") != "proxy-7f3a9c2e" {
		t.Fatalf("404 with a proxy's reference: %d, X-Request-Id %q", resp.StatusCode, resp.Header.Get("X-Request-Id"))
	}
	if !strings.Contains(body, "Quote reference <strong>proxy-7f3a9c2e</strong> if you contact the training team") {
		t.Errorf("the error page does not show the reference: %.2000s", body)
	}
	resp, body = get(t, http.DefaultClient, s.URL+"/courses/999999", "X-Request-Id", "<b>forged</b> line")
	if got := resp.Header.Get("X-Request-Id"); got == "" || strings.ContainsAny(got, "<>\n ") {
		t.Fatalf("an unsafe incoming reference came back as %q", got)
	}
	if strings.Contains(body, "forged") || strings.Contains(logs.String(), "forged") {
		t.Error("an unsafe incoming reference reached the page or the log")
	}
	if l := logs.requestLines(t)[1]; l["route"] != "/courses/:id" || l["status"] != float64(404) {
		t.Errorf("404 line %v", l)
	}

	// Signed in: the line carries the user's id.
	c := s.Browser(t)
	s.SignIn(t, c, "p@example.org")
	get(t, c, s.URL+"/courses")
	lines = logs.requestLines(t)
	last := lines[len(lines)-1]
	if last["user_id"] != float64(user.ID) || last["route"] != "/courses" {
		t.Errorf("signed-in line %v, want user_id %d", last, user.ID)
	}
	if strings.Contains(logs.String(), testkit.Password) || strings.Contains(logs.String(), "p@example.org") {
		t.Error("a password or email address reached the request log")
	}
}

// TestSignInLeavesNoPlainSecret: after signing in through the real server, the session
// cookie's value appears in no column of any table.
func TestSignInLeavesNoPlainSecret(t *testing.T) {
	s := servertest.New(t)
	org := s.Org(t, "Avon and Somerset Police", account.Police)
	s.User(t, "p@example.org", org.ID)
	c := s.Browser(t)
	s.SignIn(t, c, "p@example.org")
	var cookie string
	for _, ck := range c.Jar.Cookies(mustURL(t, s.URL)) {
		if ck.Name == "th_session" {
			cookie = ck.Value
		}
	}
	if len(cookie) < 20 {
		t.Fatalf("no session cookie after signing in: %q", cookie)
	}
	if resp, _ := get(t, c, s.URL+"/my/training"); resp.StatusCode != http.StatusOK {
		t.Fatalf("signed-in page: %d", resp.StatusCode)
	}
	if found := testkit.PlainTextSecrets(t, s.DB, cookie); len(found) > 0 {
		t.Fatalf("the session token is stored in plain text in %v", found)
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
