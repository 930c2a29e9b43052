package web

import (
	"bytes"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/report"
	"github.com/traininghub/traininghub/internal/report/reporttest"
	"github.com/traininghub/traininghub/internal/testkit"
	"github.com/traininghub/traininghub/templates"
)

// BenchmarkReportRender times the report page without its queries: formatting the
// figures, drawing the two SVG charts and executing the template, for a year of 100,000
// generated bookings (70 organisations, 24 courses).
func BenchmarkReportRender(b *testing.B) {
	db := testkit.DB(b)
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	if _, err := reporttest.Generate(b.Context(), db, now, 100_000, 1); err != nil {
		b.Fatal(err)
	}
	svc := report.New(db, func() time.Time { return now })
	p := report.DefaultPeriod(now)
	a, err := svc.Attendance(b.Context(), p)
	if err != nil {
		b.Fatal(err)
	}
	charges, err := svc.ChargeTotals(b.Context(), p)
	if err != nil {
		b.Fatal(err)
	}
	r, err := newRenderer(templates.FS, nil)
	if err != nil {
		b.Fatal(err)
	}
	t := r.pages["report-index"]
	var buf bytes.Buffer
	for b.Loop() {
		v, err := attendancePage(p, a, charges)
		if err != nil {
			b.Fatal(err)
		}
		buf.Reset()
		if err := t.ExecuteTemplate(&buf, "layout", Page{Title: "Training reports", Form: periodValues(p), Now: now,
			Data: reportPageData{Form: periodForm{Action: "/admin/reports", Period: p, Valid: true}, Attendance: v}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/page")
}
