package approval_test

import (
	"context"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/approval"
)

// TestAsked: the managers emailed about each request, and only that request's; nobody for
// an organisation without a manager; a manager added later was not asked about earlier
// requests, only later ones.
func TestAsked(t *testing.T) {
	f := newFix(t, 0)
	ctx := context.Background()
	sessionID := f.Session(t, f.courseID, week, 5)
	pat := f.request(t, sessionID, f.pat)
	bea := f.request(t, sessionID, f.bea)
	f.User(t, "late@council.example.org", f.council.ID, account.Manager)

	got, err := f.svc.Asked(ctx, pat.Request)
	if err != nil {
		t.Fatal(err)
	}
	want := []approval.Recipient{{Name: f.mo.Name, Email: "mo@council.example.org"}, {Name: f.max.Name, Email: "max@council.example.org"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("Asked(pat) = %+v, want %+v", got, want)
	}
	if got, _ := f.svc.Asked(ctx, bea.Request); len(got) != 2 {
		t.Errorf("Asked(bea) = %+v: each request has its own emails", got)
	}

	// A request made later, when one more manager is registered, finds its own emails.
	f.Clock.Advance(26 * time.Hour)
	later := f.request(t, sessionID, f.cal)
	if got, err := f.svc.Asked(ctx, later.Request); err != nil || len(got) != 3 || got[2].Email != "late@council.example.org" {
		t.Errorf("Asked(later) = %+v, %v; want the three managers then", got, err)
	}
	if got, _ := f.svc.Asked(ctx, pat.Request); len(got) != 2 {
		t.Errorf("Asked(pat) after a later request = %+v", got)
	}

	lonely := f.Org(t, "Small Charity", account.Voluntary)
	vic := f.User(t, "vic@charity.example.org", lonely.ID, account.Practitioner)
	res := f.request(t, sessionID, vic)
	if got, err := f.svc.Asked(ctx, res.Request); err != nil || len(got) != 0 {
		t.Errorf("Asked(no manager) = %+v, %v", got, err)
	}
}
