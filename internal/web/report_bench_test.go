package web_test

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/report/reporttest"
	"github.com/traininghub/traininghub/internal/server/servertest"
)

// benchReportServer is the real server over a year of 100,000 generated bookings, with
// an admin signed in.
func benchReportServer(b *testing.B) (*servertest.Server, *http.Client) {
	b.Helper()
	s := servertest.New(b)
	start := time.Now()
	st, err := reporttest.Generate(b.Context(), s.DB, s.Clock.Now(), 100_000, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %+v in %v", st, time.Since(start).Round(time.Millisecond))
	org := s.Org(b, "Bench partnership", account.OtherOrg)
	s.User(b, "bench-admin@example.org", org.ID, account.Admin)
	c := s.Browser(b)
	s.SignIn(b, c, "bench-admin@example.org")
	return s, c
}

func benchGet(b *testing.B, c *http.Client, url string) int {
	resp, err := c.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	return int(n)
}

// BenchmarkReportPage is GET /admin/reports end to end over HTTP: both queries (the
// attendance report and the charge totals), two SVG charts and the page for 70
// organisations and 24 courses.
func BenchmarkReportPage(b *testing.B) {
	s, c := benchReportServer(b)
	var size int
	for b.Loop() {
		size = benchGet(b, c, s.URL+"/admin/reports")
	}
	b.ReportMetric(float64(size), "bytes/page")
}

// BenchmarkChargesCSV is the itemised charges for the year as a download.
func BenchmarkChargesCSV(b *testing.B) {
	s, c := benchReportServer(b)
	var size int
	for b.Loop() {
		size = benchGet(b, c, s.URL+"/admin/reports/charges.csv")
	}
	b.ReportMetric(float64(size), "bytes/file")
}
