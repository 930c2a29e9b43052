package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/metrics"
	"github.com/traininghub/traininghub/internal/server"
	"github.com/traininghub/traininghub/internal/server/servertest"
)

const scrapeToken = "scrape-secret-0123456789"

func metricsServer(t *testing.T, token string) *servertest.Server {
	t.Helper()
	return servertest.NewWith(t, slog.New(slog.NewTextHandler(io.Discard, nil)), func(cfg *server.Config, d *server.Deps) {
		d.Metrics = metrics.New(d.DB, d.Now)
		cfg.MetricsToken = token
	})
}

// scrape fetches /metrics with the token and returns the text.
func scrape(t *testing.T, s *servertest.Server, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// value reads one sample's value from Prometheus text, or -1 when it is not there.
func value(text, series string) float64 {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(text)
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

// TestMetricsCountWhatHappened: /metrics needs its token; with it, it counts requests by
// route pattern and status, bookings by outcome and refusal, and reads the mail queue's
// depth and the age of its oldest message; writes are timed.
func TestMetricsCountWhatHappened(t *testing.T) {
	s := metricsServer(t, scrapeToken)
	if code, _ := scrape(t, s, ""); code != http.StatusUnauthorized {
		t.Fatalf("/metrics without a token: %d", code)
	}
	if code, _ := scrape(t, s, "wrong"); code != http.StatusUnauthorized {
		t.Fatalf("/metrics with a wrong token: %d", code)
	}
	org := s.Org(t, "Avon and Somerset Police", account.Police)
	person := s.User(t, "pat@example.org", org.ID, account.Practitioner)
	token := s.Token(t, person)
	session := s.Session(t, s.Course(t, "CSE awareness"), 7*24*time.Hour, 10)
	book := func() int {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/api/v1/sessions/"+strconv.FormatInt(session, 10)+"/bookings", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := book(); code != http.StatusCreated {
		t.Fatalf("booking: %d", code)
	}
	if code := book(); code != http.StatusConflict {
		t.Fatalf("second booking: %d", code)
	}
	servertest.Get(t, http.DefaultClient, s.URL+"/courses")
	servertest.Get(t, http.DefaultClient, s.URL+"/courses/999999")
	servertest.Get(t, http.DefaultClient, s.URL+"/no/such/page/"+token) // a token in an address stays out
	s.Clock.Advance(90 * time.Second)

	code, text := scrape(t, s, scrapeToken)
	if code != http.StatusOK {
		t.Fatalf("/metrics with the token: %d", code)
	}
	for series, want := range map[string]float64{
		`traininghub_http_requests_total{method="GET",route="/courses",status="200"}`:                       1,
		`traininghub_http_requests_total{method="GET",route="/courses/:id",status="404"}`:                   1,
		`traininghub_http_requests_total{method="POST",route="/api/v1/sessions/:id/bookings",status="201"}`: 1,
		`traininghub_http_requests_total{method="POST",route="/api/v1/sessions/:id/bookings",status="409"}`: 1,
		`traininghub_http_requests_total{method="GET",route="unmatched",status="404"}`:                      1,
		`traininghub_bookings_total{outcome="confirmed",reason=""}`:                                         1,
		`traininghub_bookings_total{outcome="refused",reason="already_booked"}`:                             1,
		`traininghub_outbox_depth{status="queued"}`:                                                         1,
		`traininghub_outbox_oldest_unsent_seconds`:                                                          90,
		`traininghub_mail_send_failures_total{kind="permanent"}`:                                            0,
	} {
		if got := value(text, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if n := value(text, `traininghub_db_write_wait_seconds_count`); n < 1 {
		t.Errorf("no writes timed: %v", n)
	}
	if strings.Contains(text, token) {
		t.Errorf("an API token reached the metrics")
	}
}

// TestNoMetricsWithoutAToken: without --metrics-token there is no /metrics at all.
func TestNoMetricsWithoutAToken(t *testing.T) {
	s := metricsServer(t, "")
	if code, _ := scrape(t, s, ""); code != http.StatusNotFound {
		t.Fatalf("/metrics with no token configured: %d", code)
	}
}
