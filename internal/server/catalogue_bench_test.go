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
// without the network, to show what one page costs the server.
func BenchmarkCataloguePage(b *testing.B) {
	s := servertest.New(b)
	if _, err := demo.Seed(context.Background(), s.Accounts, s.Courses, s.Bookings, s.Clock.Now()); err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/courses", nil)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.App.Handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}
