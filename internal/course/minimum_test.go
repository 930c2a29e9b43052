package course_test

import (
	"context"
	"testing"

	"github.com/traininghub/traininghub/internal/testkit"
)

// TestMinimumPlacesStoredAndChecked: a minimum from 1 to the places is kept on create and
// edit, 0 clears it, and one above the places (including after the places are cut) is
// refused without changing anything.
func TestMinimumPlacesStoredAndChecked(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	cid := env.Course(t, "Minimum numbers")
	in := goodSession(env, cid)
	in.MinPlaces = 20 // equal to the places is allowed
	id, err := env.Courses.CreateSession(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	s, err := env.Courses.Session(ctx, id)
	if err != nil || s.MinPlaces != 20 || !s.BelowMinimum() {
		t.Fatalf("after create: min %d, below %v (%v), want 20 and below", s.MinPlaces, s.BelowMinimum(), err)
	}

	in.MinPlaces = 6
	if err := env.Courses.UpdateSession(ctx, id, in, 0); err != nil {
		t.Fatal(err)
	}
	if s, _ = env.Courses.Session(ctx, id); s.MinPlaces != 6 {
		t.Fatalf("after edit: min %d, want 6", s.MinPlaces)
	}

	// Cutting the places below the minimum is refused on the minimum.
	cut := in
	cut.Capacity = 5
	fields := fieldErrors(t, env.Courses.UpdateSession(ctx, id, cut, 0))
	if fields["min_places"] != "The minimum number of people cannot be more than the 5 places" {
		t.Fatalf("places cut below the minimum: fields %v", fields)
	}
	if s, _ = env.Courses.Session(ctx, id); s.Capacity != 20 || s.MinPlaces != 6 {
		t.Fatalf("refused edit changed the session: places %d, min %d", s.Capacity, s.MinPlaces)
	}

	in.MinPlaces = 0
	if err := env.Courses.UpdateSession(ctx, id, in, 0); err != nil {
		t.Fatal(err)
	}
	if s, _ = env.Courses.Session(ctx, id); s.MinPlaces != 0 || s.BelowMinimum() {
		t.Fatalf("after clearing: min %d, below %v; want no minimum", s.MinPlaces, s.BelowMinimum())
	}
}

// TestPartnerDatesCarryTheMinimum: the partner's dates keep their minimum, and one above
// the places names its date.
func TestPartnerDatesCarryTheMinimum(t *testing.T) {
	p := newPartnerEnv(t)
	ctx := context.Background()
	cid, err := p.Courses.CreatePartnerCourse(ctx, p.a.ID, partnerCourseInput("With a minimum"), true)
	if err != nil {
		t.Fatal(err)
	}
	dates := p.dates(2)
	dates[0].MinPlaces, dates[1].MinPlaces = 4, 13
	_, err = p.Courses.CreatePartnerSessions(ctx, p.a.ID, cid, dates)
	if f := fieldErrors(t, err); f["dates[1].min_places"] != "The minimum number of people cannot be more than the 12 places" {
		t.Fatalf("fields %v", f)
	}
	dates[1].MinPlaces = 0
	ids, err := p.Courses.CreatePartnerSessions(ctx, p.a.ID, cid, dates)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := p.Courses.Session(ctx, ids[0])
	s2, _ := p.Courses.Session(ctx, ids[1])
	if s.MinPlaces != 4 || s2.MinPlaces != 0 {
		t.Fatalf("minimums %d and %d, want 4 and 0", s.MinPlaces, s2.MinPlaces)
	}
}
