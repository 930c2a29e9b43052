package course_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/testkit"
)

// upcomingFixture is a programme with one date of each kind the public listings must
// leave out, beside dates they must show.
type upcomingFixture struct {
	env     *testkit.Env
	partner account.Organisation
	// Shown: a live course's date, and an approved partner course's date.
	live, partnerLive int64
	// Left out: a draft's, an archived course's, a partner course still waiting for
	// approval (published by its status), a cancelled date, a date that has started.
	draft, archived, pending, cancelled, started int64
	liveCourse, partnerCourse, pendingCourse     int64
}

func newUpcomingFixture(t *testing.T) *upcomingFixture {
	t.Helper()
	env := testkit.New(t)
	ctx := context.Background()
	f := &upcomingFixture{env: env, partner: env.Org(t, "Unseen", account.TrainingPartner)}
	day := 24 * time.Hour
	mk := func(title string, status course.Status) int64 {
		id, err := env.Courses.CreateCourse(ctx, course.CourseInput{Title: title, DurationMinutes: 120, Status: status})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	f.liveCourse = mk("Live course", course.Published)
	f.live = env.Session(t, f.liveCourse, 3*day, 10)
	f.draft = env.Session(t, mk("Draft course", course.Draft), 4*day, 10)
	archived := mk("Archived course", course.Published)
	f.archived = env.Session(t, archived, 5*day, 10)
	if _, err := env.DB.Exec(ctx, `UPDATE courses SET status = 'archived' WHERE id = ?`, archived); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.partnerCourse, err = env.Courses.CreatePartnerCourse(ctx, f.partner.ID,
		course.CourseInput{Title: "Modern slavery", DurationMinutes: 120}, true); err != nil {
		t.Fatal(err)
	}
	f.partnerLive = env.Session(t, f.partnerCourse, 6*day, 4)
	if f.pendingCourse, err = env.Courses.CreatePartnerCourse(ctx, f.partner.ID,
		course.CourseInput{Title: "Waiting for approval", DurationMinutes: 120}, false); err != nil {
		t.Fatal(err)
	}
	f.pending = env.Session(t, f.pendingCourse, 7*day, 10)
	// Published but not approved: the status alone must not list it.
	if _, err := env.DB.Exec(ctx, `UPDATE courses SET status = 'published' WHERE id = ?`, f.pendingCourse); err != nil {
		t.Fatal(err)
	}
	f.cancelled = env.Session(t, f.liveCourse, 8*day, 10)
	if err := env.Courses.CancelSession(ctx, f.cancelled, "Trainer ill", 0); err != nil {
		t.Fatal(err)
	}
	f.started = env.Session(t, f.liveCourse, time.Hour, 10)
	env.Clock.Advance(90 * time.Minute) // the last one is now half an hour in
	return f
}

func ids(sessions []course.Session) []int64 {
	out := make([]int64, len(sessions))
	for i, s := range sessions {
		out[i] = s.ID
	}
	return out
}

func TestUpcomingListsOnlyWhatThePublicCatalogueShows(t *testing.T) {
	f := newUpcomingFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		filter course.UpcomingFilter
		want   []int64
	}{
		{"everything", course.UpcomingFilter{}, []int64{f.live, f.partnerLive}},
		{"one course", course.UpcomingFilter{CourseID: f.liveCourse}, []int64{f.live}},
		{"a course waiting for approval", course.UpcomingFilter{CourseID: f.pendingCourse}, []int64{}},
		{"one provider", course.UpcomingFilter{ProviderID: f.partner.ID}, []int64{f.partnerLive}},
	} {
		got, err := f.env.Courses.Upcoming(ctx, tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("%s: sessions %v, want %v (left out: draft %d, archived %d, pending %d, cancelled %d, started %d)",
				tc.name, ids(got), tc.want, f.draft, f.archived, f.pending, f.cancelled, f.started)
		}
	}
}

func TestUpcomingCountsPlacesLeft(t *testing.T) {
	f := newUpcomingFixture(t)
	ctx := context.Background()
	bookings := booking.NewService(f.env.DB, f.env.Clock.Now)
	org := f.env.Org(t, "Bath Police", account.Police)
	placesLeft := func(step string, want int) {
		t.Helper()
		got, err := f.env.Courses.Upcoming(ctx, course.UpcomingFilter{ProviderID: f.partner.ID})
		if err != nil || len(got) != 1 {
			t.Fatalf("%s: upcoming %v %v", step, ids(got), err)
		}
		if n := got[0].PlacesLeft(); n != want {
			t.Errorf("%s: %d places left of 4, want %d", step, n, want)
		}
	}
	book := func(email string) booking.Booking {
		t.Helper()
		u := f.env.User(t, email, org.ID, account.Practitioner)
		res, err := bookings.Book(ctx, booking.Request{SessionID: f.partnerLive, UserID: u.ID, ActorID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		return res.Booking
	}
	placesLeft("no bookings", 4)
	first := book("a@example.org")
	book("b@example.org")
	book("c@example.org")
	placesLeft("three booked", 1)
	if _, err := bookings.Cancel(ctx, booking.CancelRequest{BookingID: first.ID, ActorID: first.UserID}); err != nil {
		t.Fatal(err)
	}
	placesLeft("one cancelled", 2)
	book("d@example.org")
	book("e@example.org")
	placesLeft("full", 0)
	if w := book("f@example.org"); w.Status != booking.Waitlisted {
		t.Fatalf("sixth booking: %s, want waitlisted", w.Status)
	}
	placesLeft("full with one waiting", 0)
}
