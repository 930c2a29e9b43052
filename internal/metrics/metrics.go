// Package metrics exposes traininghub's working figures in Prometheus's text format: what
// an operator alerts on (errors, slow pages, mail stuck in the queue, writes waiting for
// the disk) and what the board asks about (bookings made, refused, cancelled).
package metrics

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Metrics holds the registry and the instruments the rest of the program feeds. It has
// its own registry, not the global one, so tests can build as many servers as they like.
type Metrics struct {
	Registry *prometheus.Registry

	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	bookings     *prometheus.CounterVec
	mail         *prometheus.CounterVec
	mailFailures *prometheus.CounterVec
	writeWait    prometheus.Histogram
	writeTime    prometheus.Histogram
}

// latencyBuckets run from a millisecond to ten seconds: pages answer in a few
// milliseconds, and anything near the end is a problem.
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// New registers every metric, including the outbox's depth read from db at each scrape
// and aged by now.
func New(db *store.DB, now clock.Clock) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "traininghub_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "traininghub_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern and method.",
			Buckets: latencyBuckets,
		}, []string{"route", "method"}),
		bookings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "traininghub_bookings_total",
			Help: "Booking requests by outcome (confirmed, waitlisted, replayed, refused, busy, error, cancelled, late_cancelled) and, when refused, the reason.",
		}, []string{"outcome", "reason"}),
		mail: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "traininghub_mail_sent_total",
			Help: "Emails handed to the mail server.",
		}, nil),
		mailFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "traininghub_mail_send_failures_total",
			Help: "Failed attempts to send an email: temporary (retried later) or permanent (given up).",
		}, []string{"kind"}),
		writeWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "traininghub_db_write_wait_seconds",
			Help:    "Time a write waited in line for the database writer.",
			Buckets: latencyBuckets,
		}),
		writeTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "traininghub_db_write_seconds",
			Help:    "Time from asking to write until the commit holding the write returned.",
			Buckets: latencyBuckets,
		}),
	}
	m.Registry.MustRegister(m.requests, m.duration, m.bookings, m.mail, m.mailFailures, m.writeWait, m.writeTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newOutboxCollector(db, now))
	// Counters with a fixed set of labels start at zero, so rates work from the first scrape.
	m.mail.WithLabelValues()
	for _, kind := range []string{"temporary", "permanent"} {
		m.mailFailures.WithLabelValues(kind)
	}
	return m
}

// Middleware counts and times each request under its route pattern, never its address,
// so the number of series stays fixed and no token in an address reaches the metrics.
func (m *Metrics) Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		method := c.Request.Method
		m.requests.WithLabelValues(route, method, strconv.Itoa(c.Writer.Status())).Inc()
		m.duration.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
	}
}

// Booking counts one booking request's outcome; reason is the refusal's code, or "".
func (m *Metrics) Booking(outcome, reason string) { m.bookings.WithLabelValues(outcome, reason).Inc() }

// MailSent counts one email accepted by the mail server.
func (m *Metrics) MailSent() { m.mail.WithLabelValues().Inc() }

// MailFailed counts one failed attempt; permanent means it will not be tried again.
func (m *Metrics) MailFailed(permanent bool) {
	kind := "temporary"
	if permanent {
		kind = "permanent"
	}
	m.mailFailures.WithLabelValues(kind).Inc()
}

// MailAttempt counts one handover to the mail server: accepted, or refused for now
// (willRetry) or for good. It is the outbox worker's Attempted hook.
func (m *Metrics) MailAttempt(err error, willRetry bool) {
	if err == nil {
		m.MailSent()
		return
	}
	m.MailFailed(!willRetry)
}

// Write records how long one write waited for the writer, and how long until its commit.
func (m *Metrics) Write(wait, total time.Duration) {
	m.writeWait.Observe(wait.Seconds())
	m.writeTime.Observe(total.Seconds())
}

// Handler serves the metrics to a scraper that presents token as a bearer token. The
// figures say how busy the service is and when; they are not for the public.
func (m *Metrics) Handler(token string) http.Handler {
	serve := promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(strings.TrimSpace(r.Header.Get("Authorization")))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="traininghub metrics"`)
			http.Error(w, "Metrics need the bearer token set with --metrics-token.", http.StatusUnauthorized)
			return
		}
		serve.ServeHTTP(w, r)
	})
}
