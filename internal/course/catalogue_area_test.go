package course_test

import (
	"slices"
	"testing"

	"github.com/traininghub/traininghub/internal/course"
)

func TestArea(t *testing.T) {
	tests := []struct {
		online bool
		venue  string
		want   string
	}{
		{false, "Guildhall, High Street, Bath BA1 5AW", "Bath"},
		{false, "Keynsham Civic Centre, Market Walk, Keynsham BS31 1FS", "Keynsham"},
		{false, "Lewis House, Manvers Street, Bath, BA1 1JG", "Bath"}, // postcode on its own
		{false, "Guildhall, Bath", "Bath"},
		{false, "Midsomer Norton Town Hall", "Midsomer Norton Town Hall"},
		{false, "  Radstock  ba33 3pp ", "Radstock"},
		{false, "", ""},
		{true, "ignored", course.AreaOnline},
	}
	for _, tc := range tests {
		if got := course.Area(tc.online, tc.venue); got != tc.want {
			t.Errorf("Area(%v, %q) = %q, want %q", tc.online, tc.venue, got, tc.want)
		}
	}
}

func TestCatalogueAreaAndSort(t *testing.T) {
	c := newCatalogue(t)
	tests := []struct {
		name string
		q    course.Search
		want []string
	}{
		{"online area", course.Search{Area: course.AreaOnline}, []string{"CSE awareness", "Modern slavery and human trafficking"}},
		{"a town, any case, by date", course.Search{Area: "bath"},
			[]string{"CSE awareness", "Early help assessment", "Children missing from home", "100% attendance_matters"}},
		{"an area with no dates", course.Search{Area: "Keynsham"}, nil},
		{"by title", course.Search{Sort: course.SortTitle}, []string{"100% attendance_matters", "Children missing from home",
			"CSE awareness", "Domestic abuse", "Early help assessment", "Modern slavery and human trafficking", "Whistleblowing"}},
		{"by date, undated last", course.Search{}, []string{"CSE awareness", "Early help assessment",
			"Modern slavery and human trafficking", "Children missing from home", "100% attendance_matters", "Domestic abuse", "Whistleblowing"}},
	}
	for _, tc := range tests {
		if got := titles(c.search(t, tc.q)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q\nwant %q", tc.name, got, tc.want)
		}
	}
	// The online area counts only the online date, and its places are that date's.
	for _, l := range c.search(t, course.Search{Area: "Online"}) {
		if l.Title == "CSE awareness" && (l.Sessions != 1 || l.NextArea != course.AreaOnline || !l.NextOnline) {
			t.Errorf("online CSE: %+v", l)
		}
	}
	for _, l := range c.search(t, course.Search{}) {
		if l.Title == "CSE awareness" && !slices.Equal(l.Areas, []string{"Bath", course.AreaOnline}) {
			t.Errorf("CSE areas: %q", l.Areas)
		}
	}
}
