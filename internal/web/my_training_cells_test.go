package web_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/approval"
)

// TestMyTrainingCellsCarryTheirLabels: on a phone My training's tables become cards
// (static/app.css, "booking round 2"), where a cell's only heading is its data-label. Every
// cell of every table on the page is the card's title, its links, or labelled.
func TestMyTrainingCellsCarryTheirLabels(t *testing.T) {
	f := newFixture(t)
	f.User(t, "mo@example.org", f.Police.ID, account.Manager)
	pat := f.signedIn(t, "pat@example.org")
	f.book(t, f.SessionID, f.Pract.ID)
	full := f.Session(t, f.CourseID, 9*24*time.Hour, 1)
	f.book(t, full, f.Admin.ID)
	f.book(t, full, f.Pract.ID)
	asked := f.approvalCourse(t, "Exploitation", 3, 5)
	if _, err := approval.New(f.Bookings).Request(t.Context(), asked, f.Pract.ID, f.Pract.ID); err != nil {
		t.Fatal(err)
	}
	body := f.get(t, pat, "/my/training").Body
	for _, id := range []string{"awaiting", "upcoming", "waiting"} {
		if !strings.Contains(body, `<div class="table-wrap my-training">
<table class="table" aria-labelledby="`+id+`">`) {
			t.Errorf("the %s table is not in a .my-training wrapper", id)
		}
	}
	cells := regexp.MustCompile(`<td[^>]*>`).FindAllString(body, -1)
	if len(cells) < 12 {
		t.Fatalf("only %d cells: %.2000s", len(cells), body)
	}
	labelled := regexp.MustCompile(`data-label="[A-Z][a-z ]+"|class="my-training__(course|actions)"`)
	for _, c := range cells {
		if !labelled.MatchString(c) {
			t.Errorf("cell %s has no data-label and is neither the title nor the links", c)
		}
	}
}
