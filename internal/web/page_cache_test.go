package web_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawTransport neither asks for gzip nor unzips answers, so the test sees what was sent.
var rawTransport = &http.Transport{DisableCompression: true}

// fetch sends a GET, with no cookies, and the given headers, and returns the raw answer.
func fetch(t *testing.T, url string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := rawTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	r, err := gzip.NewReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// Visitors who are not signed in share one rendered catalogue: an unchanged page answers
// 304 to a browser that has it, plain and gzipped bytes are the same page, and a change to
// the data is shown at once.
func TestSharedCataloguePageIsRevalidatedAndFollowsWrites(t *testing.T) {
	f := newCatalogueFixture(t)
	url := f.URL + "/courses?sort=date"

	first, plain := fetch(t, url)
	etag := first.Header.Get("ETag")
	if first.StatusCode != http.StatusOK || etag == "" || first.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("first answer %d, ETag %q, Cache-Control %q", first.StatusCode, etag, first.Header.Get("Cache-Control"))
	}
	mustContain(t, string(plain), "Safeguarding level 2", "Neglect")

	again, body := fetch(t, url, "If-None-Match", etag)
	if again.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("unchanged page with its ETag: %d and %d bytes, want 304 and none", again.StatusCode, len(body))
	}

	zipped, gz := fetch(t, url, "Accept-Encoding", "gzip")
	if zipped.Header.Get("Content-Encoding") != "gzip" || zipped.Header.Get("ETag") == etag {
		t.Errorf("gzipped answer: Content-Encoding %q, ETag %q (plain %q): want gzip and its own tag",
			zipped.Header.Get("Content-Encoding"), zipped.Header.Get("ETag"), etag)
	}
	if got := gunzip(t, gz); got != string(plain) {
		t.Error("the gzipped page is not the plain page")
	}

	// A new course is a committed write: the next visitor sees it, and the old tag no
	// longer matches.
	f.Course(t, "Modern slavery awareness", "Exploitation")
	changed, body := fetch(t, url, "If-None-Match", etag)
	if changed.StatusCode != http.StatusOK || changed.Header.Get("ETag") == etag {
		t.Fatalf("after a write: %d with ETag %q, want 200 with a new tag", changed.StatusCode, changed.Header.Get("ETag"))
	}
	mustContain(t, string(body), "Modern slavery awareness")

	// With no write at all, a date whose booking closes still drops out: an entry lives a
	// second at most.
	f.Clock.Advance(7*24*time.Hour + time.Hour)
	later, body := fetch(t, url)
	if later.StatusCode != http.StatusOK {
		t.Fatal(later.Status)
	}
	mustNotContain(t, cardOf(t, string(body), "Neglect"), "places left")
}

// A signed-in visitor's marks are composed for them, never served to anyone else, and
// never taken from the shared page.
func TestSignedInCatalogueIsNotShared(t *testing.T) {
	f := newCatalogueFixture(t)
	_, shared := fetch(t, f.URL+"/courses")
	pat := f.signedIn(t, "pat@example.org")
	mine := f.get(t, pat, "/courses")
	mustContain(t, cardOf(t, mine.Body, "Safeguarding level 2"), "booked")
	mustNotContain(t, cardOf(t, string(shared), "Safeguarding level 2"), "booked")
	_, after := fetch(t, f.URL+"/courses")
	if strings.Contains(string(after), "pat@example.org") || strings.Contains(cardOf(t, string(after), "Safeguarding level 2"), "booked") {
		t.Error("a signed-in visitor's page reached a visitor who is not signed in")
	}
	page := f.get(t, pat, "/courses/"+id(f.CourseID))
	mustContain(t, page.Body, `tag--green">Booked`)
	_, anonCourse := fetch(t, f.URL+"/courses/"+id(f.CourseID))
	mustNotContain(t, string(anonCourse), `tag--green">Booked`)
}
