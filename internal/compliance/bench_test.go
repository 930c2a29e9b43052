package compliance_test

import (
	"testing"

	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/compliance/compliancetest"
	"github.com/traininghub/traininghub/internal/testkit"
)

// BenchmarkCompletionMatrix builds the matrix of an organisation of 5,000 staff with 10
// required courses (about 63,000 bookings of their own, and as many again in a neighbouring
// organisation), then filters it as the manager page does. Target: under 200 ms; figures
// in docs/performance.md.
//
//	go test -run x -bench CompletionMatrix -benchtime 20x ./internal/compliance/
func BenchmarkCompletionMatrix(b *testing.B) {
	env := testkit.New(b)
	g, err := compliancetest.Generate(ctx, env.DB, compliancetest.Options{Staff: 5000, Courses: 10, OtherStaff: 5000,
		Now: env.Clock.Now(), Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	svc := compliance.NewService(env.DB, env.Clock.Now)
	b.ReportAllocs()
	var m *compliance.Matrix
	for b.Loop() {
		m, err = svc.Matrix(ctx, g.OrgID)
		if err != nil {
			b.Fatal(err)
		}
		m.Select(compliance.Filter{Status: compliance.NeedsAction})
	}
	b.StopTimer()
	if len(m.People) != 5000 || len(m.Courses) != 10 {
		b.Fatalf("%d people, %d courses", len(m.People), len(m.Courses))
	}
	_, n := m.Select(compliance.Filter{})
	b.ReportMetric(float64(g.Bookings), "bookings")
	b.Logf("counts %+v", n)
}
