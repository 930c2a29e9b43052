package report

import (
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/report/reporttest"
	"github.com/traininghub/traininghub/internal/testkit"
)

// benchBookings is the size the board's report must handle: a year of 100,000 bookings.
const benchBookings = 100_000

func benchService(b *testing.B) (*Service, Period) {
	b.Helper()
	db := testkit.DB(b)
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	start := time.Now()
	st, err := reporttest.Generate(b.Context(), db, now, benchBookings, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %+v in %v", st, time.Since(start).Round(time.Millisecond))
	return New(db, func() time.Time { return now }), DefaultPeriod(now)
}

// BenchmarkAttendanceReport reads the whole attendance report (by organisation, by type,
// per course and per session) over a year of 100,000 bookings. Target: under 500 ms.
func BenchmarkAttendanceReport(b *testing.B) {
	svc, p := benchService(b)
	var a *Attendance
	for b.Loop() {
		var err error
		if a, err = svc.Attendance(b.Context(), p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(a.Totals.PlacesBooked), "places")
	b.ReportMetric(float64(a.SessionsHeld), "sessions")
}

// BenchmarkChargeTotals reads what each organisation owes for the year.
func BenchmarkChargeTotals(b *testing.B) {
	svc, p := benchService(b)
	for b.Loop() {
		if _, err := svc.ChargeTotals(b.Context(), p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChargeItems reads every invoice line for the year (the CSV's content).
func BenchmarkChargeItems(b *testing.B) {
	svc, p := benchService(b)
	var n int
	for b.Loop() {
		items, err := svc.ChargeItems(b.Context(), p, 0)
		if err != nil {
			b.Fatal(err)
		}
		n = len(items)
	}
	b.ReportMetric(float64(n), "items")
}
