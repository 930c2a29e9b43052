package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/traininghub/traininghub/internal/demo"
	"github.com/traininghub/traininghub/internal/server/servertest"
)

// BenchmarkCataloguePage renders GET /courses over the demo partnership's ten courses,
// without the network, to show what one page costs the server: plain, and gzipped for a
// browser that asks (the ratio of the two is the price of compression; B/page what it
// saves on the wire).
func BenchmarkCataloguePage(b *testing.B) {
	s := servertest.New(b)
	if _, err := demo.Seed(context.Background(), s.Accounts, s.Courses, s.Bookings, s.Clock.Now()); err != nil {
		b.Fatal(err)
	}
	for _, enc := range []string{"plain", "gzip"} {
		b.Run(enc, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/courses", nil)
			if enc == "gzip" {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			var size int
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				w := httptest.NewRecorder()
				s.App.Handler.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
				size = w.Body.Len()
			}
			b.ReportMetric(float64(size), "B/page")
		})
	}
}
