package course_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

func goodSession(env *testkit.Env, courseID int64) course.SessionInput {
	start := env.Clock.Now().Add(14 * 24 * time.Hour)
	return course.SessionInput{CourseID: courseID, StartsAt: start, EndsAt: start.Add(3 * time.Hour),
		Venue: "Guildhall, Bath", Capacity: 20}
}

func TestSessionValidation(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(in *course.SessionInput, now time.Time)
		field   string
		message string
	}{
		{"no course", func(in *course.SessionInput, _ time.Time) { in.CourseID = 0 }, "course_id", "Choose the course"},
		{"no start", func(in *course.SessionInput, _ time.Time) { in.StartsAt = time.Time{} }, "starts_at", "Enter the date and start time"},
		{"start in the past", func(in *course.SessionInput, now time.Time) {
			in.StartsAt, in.EndsAt = now.Add(-time.Hour), now.Add(time.Hour)
		}, "starts_at", "The start must be in the future"},
		{"start now", func(in *course.SessionInput, now time.Time) {
			in.StartsAt, in.EndsAt = now, now.Add(time.Hour)
		}, "starts_at", "The start must be in the future"},
		{"no end", func(in *course.SessionInput, _ time.Time) { in.EndsAt = time.Time{} }, "ends_at", "Enter the end time"},
		{"end before start", func(in *course.SessionInput, _ time.Time) { in.EndsAt = in.StartsAt.Add(-time.Hour) }, "ends_at", "The end must be after the start"},
		{"end equals start", func(in *course.SessionInput, _ time.Time) { in.EndsAt = in.StartsAt }, "ends_at", "The end must be after the start"},
		{"longer than 5 days", func(in *course.SessionInput, _ time.Time) { in.EndsAt = in.StartsAt.Add(5*24*time.Hour + time.Minute) }, "ends_at", "A session can last at most 5 days"},
		{"booking closes after start", func(in *course.SessionInput, _ time.Time) { in.BookingClosesAt = in.StartsAt.Add(time.Minute) }, "booking_closes_at", "Booking must close before the session starts"},
		{"cut-off after start", func(in *course.SessionInput, _ time.Time) { in.CancelCutoffAt = in.StartsAt.Add(time.Minute) }, "cancel_cutoff_at", "The cancellation cut-off must be before the session starts"},
		{"online without link", func(in *course.SessionInput, _ time.Time) { in.Online, in.Venue = true, "" }, "online_url", "Enter the joining link for the online session"},
		{"online with http link", func(in *course.SessionInput, _ time.Time) {
			in.Online, in.OnlineURL = true, "http://meet.example.org/abc"
		}, "online_url", "Enter the joining link as a full web address starting https://"},
		{"online with bare host", func(in *course.SessionInput, _ time.Time) {
			in.Online, in.OnlineURL = true, "teams.microsoft.com/l/meetup-join/1"
		}, "online_url", "Enter the joining link as a full web address starting https://"},
		{"online with javascript link", func(in *course.SessionInput, _ time.Time) {
			in.Online, in.OnlineURL = true, "javascript:alert(1)"
		}, "online_url", "Enter the joining link as a full web address starting https://"},
		{"online with https but no host", func(in *course.SessionInput, _ time.Time) {
			in.Online, in.OnlineURL = true, "https:///path"
		}, "online_url", "Enter the joining link as a full web address starting https://"},
		{"online with a very long link", func(in *course.SessionInput, _ time.Time) {
			in.Online, in.OnlineURL = true, "https://example.org/"+strings.Repeat("a", 2000)
		}, "online_url", "Enter the joining link as a full web address starting https://"},
		{"in person with a javascript link", func(in *course.SessionInput, _ time.Time) {
			in.Online, in.OnlineURL = false, "javascript:alert(1)"
		}, "online_url", "Enter the joining link as a full web address starting https://"},
		{"booking closes in 1999", func(in *course.SessionInput, _ time.Time) {
			in.BookingClosesAt = time.Date(1999, 12, 31, 9, 0, 0, 0, time.UTC)
		}, "booking_closes_at", "Enter a date for booking to close from the year 2000 on"},
		{"cut-off in year 1", func(in *course.SessionInput, _ time.Time) {
			in.CancelCutoffAt = time.Date(1, 1, 1, 9, 0, 1, 0, time.UTC)
		}, "cancel_cutoff_at", "Enter a cancellation cut-off date from the year 2000 on"},
		{"in person without venue", func(in *course.SessionInput, _ time.Time) { in.Venue = "" }, "venue", "Enter the venue, or choose online"},
		{"in person with blank venue", func(in *course.SessionInput, _ time.Time) { in.Venue = "   " }, "venue", "Enter the venue, or choose online"},
		{"venue too long", func(in *course.SessionInput, _ time.Time) { in.Venue = strings.Repeat("v", 501) }, "venue", "Venue must be 500 characters or fewer"},
		{"capacity 0", func(in *course.SessionInput, _ time.Time) { in.Capacity = 0 }, "capacity", "Enter the number of places, from 1 to 1000"},
		{"capacity negative", func(in *course.SessionInput, _ time.Time) { in.Capacity = -5 }, "capacity", "Enter the number of places, from 1 to 1000"},
		{"capacity 1001", func(in *course.SessionInput, _ time.Time) { in.Capacity = 1001 }, "capacity", "Enter the number of places, from 1 to 1000"},
		{"minimum negative", func(in *course.SessionInput, _ time.Time) { in.MinPlaces = -1 }, "min_places", "Enter the minimum number of people as a whole number from 1, or leave it blank for no minimum"},
		{"minimum above places", func(in *course.SessionInput, _ time.Time) { in.MinPlaces = 21 }, "min_places", "The minimum number of people cannot be more than the 20 places"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := testkit.New(t)
			ctx := context.Background()
			cid := env.Course(t, "Safeguarding level 1")
			existing := env.Session(t, cid, 7*24*time.Hour, 10)
			in := goodSession(env, cid)
			tc.edit(&in, env.Clock.Now())

			_, err := env.Courses.CreateSession(ctx, in)
			fields := fieldErrors(t, err)
			if fields[tc.field] != tc.message {
				t.Errorf("create: fields = %v, want %s: %q", fields, tc.field, tc.message)
			}
			if n := countRows(t, env, "course_sessions"); n != 1 {
				t.Errorf("%d sessions after a refused create, want 1", n)
			}

			if tc.field == "course_id" {
				return // an update keeps the session's own course
			}
			before, _ := env.Courses.Session(ctx, existing)
			fields = fieldErrors(t, env.Courses.UpdateSession(ctx, existing, in, 0))
			if fields[tc.field] != tc.message {
				t.Errorf("update: fields = %v, want %s: %q", fields, tc.field, tc.message)
			}
			after, _ := env.Courses.Session(ctx, existing)
			if !sameSession(before, after) {
				t.Errorf("refused update changed the session:\n%+v\n%+v", before, after)
			}
		})
	}
}

func sameSession(a, b course.Session) bool {
	return a.ID == b.ID && a.StartsAt.Equal(b.StartsAt) && a.EndsAt.Equal(b.EndsAt) && a.Online == b.Online &&
		a.Venue == b.Venue && a.OnlineURL == b.OnlineURL && a.Capacity == b.Capacity &&
		a.BookingClosesAt.Equal(b.BookingClosesAt) && a.CancelCutoffAt.Equal(b.CancelCutoffAt) && a.Status == b.Status
}

func TestSessionValidationAtLimits(t *testing.T) {
	tests := []struct {
		name string
		edit func(in *course.SessionInput)
	}{
		{"capacity 1", func(in *course.SessionInput) { in.Capacity = 1 }},
		{"capacity 1000", func(in *course.SessionInput) { in.Capacity = course.MaxCapacity }},
		{"exactly 5 days", func(in *course.SessionInput) { in.EndsAt = in.StartsAt.Add(5 * 24 * time.Hour) }},
		{"booking closes at the start", func(in *course.SessionInput) { in.BookingClosesAt = in.StartsAt }},
		{"cut-off at the start", func(in *course.SessionInput) { in.CancelCutoffAt = in.StartsAt }},
		{"online with https link, venue ignored", func(in *course.SessionInput) {
			in.Online, in.Venue, in.OnlineURL = true, "", " https://teams.microsoft.com/l/meetup-join/19%3a "
		}},
		{"a second from now", func(in *course.SessionInput) {
			in.StartsAt = testkit.Start.Add(time.Second)
			in.EndsAt = in.StartsAt.Add(time.Hour)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := testkit.New(t)
			in := goodSession(env, env.Course(t, "Level 1"))
			tc.edit(&in)
			if _, err := env.Courses.CreateSession(context.Background(), in); err != nil {
				t.Fatalf("create: %v", err)
			}
		})
	}
}

func TestCreateSessionUnknownCourseOrTrainer(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	cid := env.Course(t, "Level 1")
	org := env.Org(t, "Avon and Somerset Police", account.Police)
	notTrainer := env.User(t, "pc@example.org", org.ID, account.Practitioner)

	in := goodSession(env, 9999)
	if f := fieldErrors(t, func() error { _, err := env.Courses.CreateSession(ctx, in); return err }()); f["course_id"] != "Choose a course that exists" {
		t.Errorf("unknown course: %v", f)
	}
	in = goodSession(env, cid)
	in.TrainerIDs = []int64{notTrainer.ID}
	if f := fieldErrors(t, func() error { _, err := env.Courses.CreateSession(ctx, in); return err }()); f["trainer_ids"] == "" {
		t.Errorf("non-trainer: %v", f)
	}
	in.TrainerIDs = []int64{424242}
	if f := fieldErrors(t, func() error { _, err := env.Courses.CreateSession(ctx, in); return err }()); f["trainer_ids"] == "" {
		t.Errorf("unknown trainer: %v", f)
	}
	if n := countRows(t, env, "course_sessions"); n != 0 {
		t.Errorf("%d sessions after refused creates (the insert must roll back with the trainers)", n)
	}
}

func TestCreateSessionStoresWhatWasAsked(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	cid := env.Course(t, "Domestic abuse and its impact on children")
	org := env.Org(t, "Barnardo's", account.Voluntary)
	t1 := env.User(t, "trainer1@example.org", org.ID, account.Trainer)
	t2 := env.User(t, "trainer2@example.org", org.ID, account.Trainer, account.Admin)

	// 10:00 London on a summer day is 09:00 UTC; sub-second parts are dropped.
	start := time.Date(2027, 6, 15, 10, 0, 0, 123456789, clock.London)
	id, err := env.Courses.CreateSession(ctx, course.SessionInput{CourseID: cid, StartsAt: start, EndsAt: start.Add(90 * time.Minute),
		Online: true, OnlineURL: "https://meet.example.org/room", Capacity: 12, TrainerIDs: []int64{t1.ID, t2.ID, t1.ID}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := env.Courses.Session(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	wantStart := time.Date(2027, 6, 15, 9, 0, 0, 0, time.UTC)
	if !s.StartsAt.Equal(wantStart) || s.StartsAt.Location() != time.UTC || s.EndsAt.Sub(s.StartsAt) != 90*time.Minute {
		t.Errorf("stored %v - %v, want %v for 90 minutes in UTC", s.StartsAt, s.EndsAt, wantStart)
	}
	if got := s.StartsLondon().Format("15:04 MST"); got != "10:00 BST" {
		t.Errorf("StartsLondon = %s", got)
	}
	if got := s.EndsLondon().Format("15:04"); got != "11:30" {
		t.Errorf("EndsLondon = %s", got)
	}
	// Defaults: booking closes at the start, late cancellation from 48 hours before.
	if !s.BookingClosesAt.Equal(wantStart) || !s.CancelCutoffAt.Equal(wantStart.Add(-course.DefaultCancelNotice)) {
		t.Errorf("closes %v cut-off %v", s.BookingClosesAt, s.CancelCutoffAt)
	}
	if s.BookingClosesLondon().Hour() != 10 || s.CancelCutoffLondon().Day() != 13 {
		t.Errorf("London closes %v cut-off %v", s.BookingClosesLondon(), s.CancelCutoffLondon())
	}
	if !s.Online || s.OnlineURL != "https://meet.example.org/room" || s.Venue != "" || s.Capacity != 12 ||
		s.Status != course.Scheduled || s.CourseTitle != "Domestic abuse and its impact on children" || s.CourseStatus != course.Published {
		t.Errorf("session = %+v", s)
	}
	if len(s.Trainers) != 2 || !s.HasTrainer(t1.ID) || !s.HasTrainer(t2.ID) || s.HasTrainer(999) {
		t.Errorf("trainers = %+v", s.Trainers)
	}
	if names := s.TrainerNames(); !strings.Contains(names, t1.Name) || !strings.Contains(names, t2.Name) || !strings.Contains(names, ", ") {
		t.Errorf("TrainerNames = %q", names)
	}
	if got, err := env.Courses.CourseIDOfSession(ctx, id); err != nil || got != cid {
		t.Errorf("CourseIDOfSession = %d, %v", got, err)
	}
	if _, err := env.Courses.CourseIDOfSession(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CourseIDOfSession(unknown) = %v", err)
	}
	if _, err := env.Courses.Session(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Session(unknown) = %v", err)
	}
}

// Trainers' names come back exactly as they are, whatever they hold, on one session and
// in a listing, in the order of their accounts.
func TestTrainerNamesWithPipe(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "Council", account.SocialCare)
	tr, err := env.Accounts.CreateUser(ctx, account.NewUser{Email: "odd@example.org", Name: "Ann | Smith: PhD",
		OrganisationID: org.ID, Roles: []account.Role{account.Trainer}})
	if err != nil {
		t.Fatal(err)
	}
	second := env.User(t, "second@example.org", org.ID, account.Trainer)
	in := goodSession(env, env.Course(t, "Level 1"))
	in.TrainerIDs = []int64{second.ID, tr.ID}
	id, err := env.Courses.CreateSession(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []course.Trainer{{ID: tr.ID, Name: "Ann | Smith: PhD"}, {ID: second.ID, Name: second.Name}}
	s, err := env.Courses.Session(ctx, id)
	if err != nil || !slices.Equal(s.Trainers, want) {
		t.Errorf("session's trainers = %+v (%v), want %+v", s.Trainers, err, want)
	}
	listed, err := env.Courses.Sessions(ctx, course.SessionFilter{})
	if err != nil || len(listed) != 1 || !slices.Equal(listed[0].Trainers, want) {
		t.Errorf("listed = %+v (%v), want one session with trainers %+v", listed, err, want)
	}
}

func TestUpdateSession(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	cid := env.Course(t, "Level 1")
	other := env.Course(t, "Level 2")
	org := env.Org(t, "NHS trust", account.Health)
	tr := env.User(t, "t@example.org", org.ID, account.Trainer)
	in := goodSession(env, cid)
	in.TrainerIDs = []int64{tr.ID}
	id, err := env.Courses.CreateSession(ctx, in)
	if err != nil {
		t.Fatal(err)
	}

	// Move it, make it online, and try to move it to another course (ignored).
	env.Clock.Advance(time.Hour)
	in.CourseID = other
	in.StartsAt = in.StartsAt.Add(24 * time.Hour)
	in.EndsAt = in.StartsAt.Add(2 * time.Hour)
	in.Online, in.OnlineURL, in.Venue = true, "https://meet.example.org/x", ""
	in.TrainerIDs = nil // nil keeps the trainers
	if err := env.Courses.UpdateSession(ctx, id, in, 0); err != nil {
		t.Fatal(err)
	}
	s, _ := env.Courses.Session(ctx, id)
	if s.CourseID != cid || !s.StartsAt.Equal(in.StartsAt.UTC().Truncate(time.Second)) || !s.Online || len(s.Trainers) != 1 {
		t.Errorf("after update = %+v", s)
	}
	// BookingClosesAt and CancelCutoffAt left zero follow the new start.
	if !s.BookingClosesAt.Equal(s.StartsAt) || !s.CancelCutoffAt.Equal(s.StartsAt.Add(-48*time.Hour)) {
		t.Errorf("closes %v cut-off %v for start %v", s.BookingClosesAt, s.CancelCutoffAt, s.StartsAt)
	}
	in.TrainerIDs = []int64{} // empty clears them
	if err := env.Courses.UpdateSession(ctx, id, in, 0); err != nil {
		t.Fatal(err)
	}
	if s, _ := env.Courses.Session(ctx, id); len(s.Trainers) != 0 {
		t.Errorf("trainers after clearing = %+v", s.Trainers)
	}

	if err := env.Courses.UpdateSession(ctx, 4242, in, 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update unknown = %v", err)
	}
}

func TestUpdateSessionRefusals(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, env *testkit.Env, id int64)
		want    error
	}{
		{"cancelled", func(t *testing.T, env *testkit.Env, id int64) {
			if err := env.Courses.CancelSession(context.Background(), id, "", 0); err != nil {
				t.Fatal(err)
			}
		}, course.ErrSessionCancelled},
		{"over", func(t *testing.T, env *testkit.Env, id int64) {
			env.Clock.Advance(8 * 24 * time.Hour)
		}, course.ErrSessionOver},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := testkit.New(t)
			ctx := context.Background()
			id := env.Session(t, env.Course(t, "Level 1"), 7*24*time.Hour, 5)
			tc.prepare(t, env, id)
			before, _ := env.Courses.Session(ctx, id)
			in := goodSession(env, before.CourseID)
			err := env.Courses.UpdateSession(ctx, id, in, 0)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
			if after, _ := env.Courses.Session(ctx, id); !sameSession(before, after) {
				t.Errorf("refused update changed the session")
			}
		})
	}
}

func TestCancelSessionRefusals(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	cid := env.Course(t, "Level 1")
	id := env.Session(t, cid, 24*time.Hour, 5)

	fields := fieldErrors(t, env.Courses.CancelSession(ctx, id, strings.Repeat("r", 1001), 0))
	if fields["reason"] == "" {
		t.Errorf("fields = %v", fields)
	}
	if s, _ := env.Courses.Session(ctx, id); s.IsCancelled() {
		t.Error("session cancelled despite the refusal")
	}
	if err := env.Courses.CancelSession(ctx, 999, "", 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("cancel unknown = %v", err)
	}
	// Once it has started it can no longer be called off: its register and certificates
	// hang on its date. Once over, not either.
	env.Clock.Advance(25 * time.Hour)
	running := id
	over := env.Session(t, cid, time.Hour, 5)
	env.Clock.Advance(5 * time.Hour)
	if err := env.Courses.CancelSession(ctx, over, "", 0); !errors.Is(err, course.ErrSessionOver) {
		t.Errorf("cancel finished session = %v", err)
	}
	env.Clock.Set(testkit.Start.Add(25 * time.Hour))
	if err := env.Courses.CancelSession(ctx, running, "Fire alarm", 0); !errors.Is(err, course.ErrSessionUnderway) {
		t.Errorf("cancel running session = %v, want ErrSessionUnderway", err)
	}
}

func TestSessionBookingState(t *testing.T) {
	start := testkit.Start.Add(48 * time.Hour)
	base := course.Session{StartsAt: start, BookingClosesAt: start.Add(-24 * time.Hour), CourseStatus: course.Published,
		Status: course.Scheduled, Capacity: 3, Confirmed: 1}
	tests := []struct {
		name   string
		edit   func(*course.Session)
		now    time.Time
		open   bool
		reason string
	}{
		{"open", func(*course.Session) {}, testkit.Start, true, ""},
		{"cancelled", func(s *course.Session) { s.Status = course.Cancelled }, testkit.Start, false, "This session has been cancelled."},
		{"started", func(*course.Session) {}, start, false, "This session has already started."},
		{"closed", func(*course.Session) {}, start.Add(-24 * time.Hour), false, "Booking for this session has closed."},
		{"draft course", func(s *course.Session) { s.CourseStatus = course.Draft }, testkit.Start, false, "This course is not open for booking."},
	}
	for _, tc := range tests {
		s := base
		tc.edit(&s)
		open, reason := s.BookingState(tc.now)
		if open != tc.open || reason != tc.reason {
			t.Errorf("%s: BookingState = %v %q", tc.name, open, reason)
		}
	}
	if base.PlacesLeft() != 2 || base.Full() {
		t.Errorf("places left %d full %v", base.PlacesLeft(), base.Full())
	}
	over := base
	over.Confirmed = 5
	if over.PlacesLeft() != 0 || !over.Full() {
		t.Errorf("overfull: places left %d", over.PlacesLeft())
	}
}

func TestSessionsFilter(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	c1, c2 := env.Course(t, "Level 1"), env.Course(t, "Level 2")
	org := env.Org(t, "Council", account.SocialCare)
	tr := env.User(t, "trainer@example.org", org.ID, account.Trainer)
	past := env.Session(t, c1, time.Hour, 5) // will be over
	env.Clock.Advance(5 * time.Hour)
	soon := env.Session(t, c1, 24*time.Hour, 5)
	later := env.Session(t, c2, 10*24*time.Hour, 5)
	cancelled := env.Session(t, c1, 3*24*time.Hour, 5)
	if err := env.Courses.CancelSession(ctx, cancelled, "", 0); err != nil {
		t.Fatal(err)
	}
	in := goodSession(env, c2)
	in.TrainerIDs = []int64{tr.ID}
	trained, err := env.Courses.CreateSession(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	now := env.Clock.Now()
	tests := []struct {
		name string
		f    course.SessionFilter
		want []int64
	}{
		{"upcoming", course.SessionFilter{}, []int64{soon, cancelled, later, trained}},
		{"including past", course.SessionFilter{IncludePast: true}, []int64{past, soon, cancelled, later, trained}},
		{"one course", course.SessionFilter{CourseID: c1}, []int64{soon, cancelled}},
		{"scheduled only", course.SessionFilter{OnlyScheduled: true}, []int64{soon, later, trained}},
		{"from", course.SessionFilter{From: now.Add(2 * 24 * time.Hour)}, []int64{cancelled, later, trained}},
		{"to", course.SessionFilter{To: now.Add(2 * 24 * time.Hour)}, []int64{soon}},
		{"from the past", course.SessionFilter{From: testkit.Start.Add(-time.Hour), To: now}, []int64{past}},
		{"trainer", course.SessionFilter{TrainerID: tr.ID}, []int64{trained}},
		{"limit", course.SessionFilter{Limit: 2}, []int64{soon, cancelled}},
	}
	for _, tc := range tests {
		got, err := env.Courses.Sessions(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, s := range got {
			ids = append(ids, s.ID)
		}
		if !equalIDs(ids, tc.want) {
			t.Errorf("%s: Sessions = %v, want %v", tc.name, ids, tc.want)
		}
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Session counts come from the bookings: confirmed from the maintained counter, the
// waiting list counted live.
func TestSessionCounts(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	org := env.Org(t, "School", account.Education)
	bk := booking.NewService(env.DB, env.Clock.Now)
	id := env.Session(t, env.Course(t, "Level 1"), 24*time.Hour, 2)
	for i := range 5 {
		u := env.User(t, "p"+string(rune('a'+i))+"@example.org", org.ID)
		if _, err := bk.Book(ctx, booking.Request{SessionID: id, UserID: u.ID}); err != nil {
			t.Fatal(err)
		}
	}
	s, _ := env.Courses.Session(ctx, id)
	if s.Confirmed != 2 || s.Waitlisted != 3 || s.PlacesLeft() != 0 {
		t.Errorf("confirmed %d waitlisted %d places %d", s.Confirmed, s.Waitlisted, s.PlacesLeft())
	}
}

// TestJoiningLinksAndVenuesMustBeClean: links that could break out of an attribute or a
// calendar line, and venues over several lines, are refused with a field message.
func TestJoiningLinksAndVenuesMustBeClean(t *testing.T) {
	env := testkit.New(t)
	courseID := env.Course(t, "Domestic abuse and its impact on children")
	start := env.Clock.Now().Add(72 * time.Hour)
	cases := []struct {
		name, field string
		in          course.SessionInput
	}{
		{"quote in link", "online_url", course.SessionInput{Online: true, OnlineURL: `https://meet.example.org/"><script>`}},
		{"space in link", "online_url", course.SessionInput{Online: true, OnlineURL: "https://meet.example.org/a b"}},
		{"password in link", "online_url", course.SessionInput{Online: true, OnlineURL: "https://user:pw@meet.example.org/x"}},
		{"not https", "online_url", course.SessionInput{Online: true, OnlineURL: "http://meet.example.org/x"}},
		{"relative link", "online_url", course.SessionInput{Online: true, OnlineURL: "https:/meet"}},
		{"venue over two lines", "venue", course.SessionInput{Venue: "Guildhall\nBcc: someone@example.org"}},
		{"venue too long", "venue", course.SessionInput{Venue: strings.Repeat("Ó", 501)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.CourseID, in.StartsAt, in.EndsAt, in.Capacity = courseID, start, start.Add(2*time.Hour), 10
			_, err := env.Courses.CreateSession(context.Background(), in)
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Fields[tc.field] == "" {
				t.Fatalf("err = %v, want a message on %s", err, tc.field)
			}
		})
	}
	ok := course.SessionInput{CourseID: courseID, StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: 10,
		Online: true, OnlineURL: "https://meet.example.org/j/123?pwd=abc"}
	if _, err := env.Courses.CreateSession(context.Background(), ok); err != nil {
		t.Fatalf("a plain joining link was refused: %v", err)
	}
}

// TestStartedSessionsCannotMove: once a session has begun its date is fixed, but the venue
// and places can still be corrected; moving it earlier re-arms reminders.
func TestStartedSessionsCannotMove(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	cid := env.Course(t, "Children missing from home, care and education")
	id := env.Session(t, cid, 48*time.Hour, 10)
	s, err := env.Courses.Session(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	org := env.Org(t, "Bath Youth Support Network", account.Voluntary)
	bk := booking.NewService(env.DB, env.Clock.Now)
	b, err := bk.Book(ctx, booking.Request{SessionID: id, UserID: env.User(t, "p@example.org", org.ID).ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.DB.Exec(context.Background(), `INSERT INTO reminders_sent (booking_id, offset_minutes, at) VALUES (?, 1440, '2026-11-25T10:00:00Z')`, b.Booking.ID); err != nil {
		t.Fatal(err)
	}
	in := course.SessionInput{StartsAt: s.StartsAt.Add(24 * time.Hour), EndsAt: s.EndsAt.Add(24 * time.Hour), Venue: s.Venue, Capacity: 10}
	if err := env.Courses.UpdateSession(ctx, id, in, 0); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := env.DB.R.QueryRow(`SELECT count(*) FROM reminders_sent WHERE booking_id = ?`, b.Booking.ID).Scan(&left); err != nil || left != 0 {
		t.Fatalf("reminders_sent rows after a move: %d (%v), want 0 so reminders count from the new start", left, err)
	}
	env.Clock.Set(in.StartsAt.Add(time.Minute))
	later := in
	later.StartsAt, later.EndsAt = in.StartsAt.Add(time.Hour), in.EndsAt.Add(time.Hour)
	if err := env.Courses.UpdateSession(ctx, id, later, 0); !errors.Is(err, course.ErrSessionUnderway) {
		t.Fatalf("moving a started session = %v, want ErrSessionUnderway", err)
	}
	fix := in
	fix.Venue, fix.Capacity = "Room 2, Guildhall, Bath", 12
	if err := env.Courses.UpdateSession(ctx, id, fix, 0); err != nil {
		t.Fatalf("correcting the venue of a started session: %v", err)
	}
}
