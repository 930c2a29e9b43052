package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// outboxCollector reads the mail queue at each scrape: how many messages wait, by
// status, and how long the oldest has waited. A reset link that sits in the queue for
// minutes is the first sign of a mail server in trouble.
type outboxCollector struct {
	db     *store.DB
	now    clock.Clock
	depth  *prometheus.Desc
	oldest *prometheus.Desc
	failed *prometheus.Desc
}

func newOutboxCollector(db *store.DB, now clock.Clock) *outboxCollector {
	return &outboxCollector{
		db: db, now: now,
		depth: prometheus.NewDesc("traininghub_outbox_depth",
			"Emails waiting to be sent, by status (queued, retrying).", []string{"status"}, nil),
		oldest: prometheus.NewDesc("traininghub_outbox_oldest_unsent_seconds",
			"Age of the oldest email waiting to be sent; 0 when none waits.", nil, nil),
		failed: prometheus.NewDesc("traininghub_outbox_scrape_errors",
			"1 when the mail queue could not be read for this scrape.", nil, nil),
	}
}

func (o *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- o.depth
	ch <- o.oldest
	ch <- o.failed
}

// Collect asks the database with a short deadline, so a locked or slow database makes
// the scrape report an error rather than hang.
func (o *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var queued, retrying int
	var oldest store.Time
	err := o.db.R.QueryRowContext(ctx, `SELECT
		count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status = 'retrying'),
		min(created_at) FROM outbox WHERE status IN ('queued', 'retrying')`).Scan(&queued, &retrying, &oldest)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(o.failed, prometheus.GaugeValue, 1)
		return
	}
	ch <- prometheus.MustNewConstMetric(o.failed, prometheus.GaugeValue, 0)
	ch <- prometheus.MustNewConstMetric(o.depth, prometheus.GaugeValue, float64(queued), "queued")
	ch <- prometheus.MustNewConstMetric(o.depth, prometheus.GaugeValue, float64(retrying), "retrying")
	age := 0.0
	if !oldest.T.IsZero() {
		age = max(0, o.now().Sub(oldest.T).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(o.oldest, prometheus.GaugeValue, age)
}
