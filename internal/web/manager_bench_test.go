package web_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/traininghub/traininghub/internal/compliance/compliancetest"
	"github.com/traininghub/traininghub/internal/server/servertest"
	"github.com/traininghub/traininghub/internal/testkit"
)

// BenchmarkManagerMatrixPage times the manager's pages for an organisation of 5,000 staff
// and 10 required courses, through the real server: the matrix page (counts, filters and
// the first 100 people), the same filtered to "expired or expiring", and the spreadsheet of
// all 5,000. Target: under 200 ms each.
//
//	go test -run x -bench ManagerMatrixPage -benchtime 20x ./internal/web/
func BenchmarkManagerMatrixPage(b *testing.B) {
	srv := servertest.New(b)
	ctx := context.Background()
	g, err := compliancetest.Generate(ctx, srv.DB, compliancetest.Options{Staff: 5000, Courses: 10, OtherStaff: 5000,
		Now: srv.Clock.Now(), Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Accounts.SetPassword(ctx, g.ManagerID, testkit.Password); err != nil {
		b.Fatal(err)
	}
	mgr, err := srv.Accounts.User(ctx, g.ManagerID)
	if err != nil {
		b.Fatal(err)
	}
	c := srv.Browser(b)
	srv.SignIn(b, c, mgr.Email)
	for _, tc := range []struct{ name, path string }{
		{"page", "/manager"},
		{"attention", "/manager?status=attention"},
		{"csv", "/manager/matrix.csv"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var size int
			for b.Loop() {
				resp, err := c.Get(srv.URL + tc.path)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d", tc.path, resp.StatusCode)
				}
				size = int(n)
			}
			b.ReportMetric(float64(size)/1024, "KiB")
		})
	}
}
