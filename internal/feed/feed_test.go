package feed_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/feed"
	"github.com/traininghub/traininghub/internal/testkit"
)

// programme is a partnership's training with one date of each kind the feeds must leave
// out beside the dates they list. Now is testkit.Start, Wednesday 25 November 2026 10:00.
type programme struct {
	env      *testkit.Env
	svc      *feed.Service
	bookings *booking.Service
	partner  account.Organisation // Unseen, a training partner with a live course
	police   account.Organisation // provides nothing
	// Live courses and their listed dates.
	safeguarding, slavery int64
	inPerson, online      int64 // of safeguarding
	partnerDate           int64 // of slavery (Unseen)
	// Never listed.
	draftCourse, pendingCourse                                 int64
	draftDate, pendingDate, cancelledDate, startedDate, closed int64
}

const onlineLink = "https://meet.example.org/secret-room?pwd=1234"

var links = feed.Links{Base: "https://training.example.org", Host: "training.example.org"}

func newProgramme(t *testing.T) *programme {
	t.Helper()
	env := testkit.New(t)
	ctx := context.Background()
	p := &programme{env: env, svc: &feed.Service{Courses: env.Courses, SiteName: "B&NES training"},
		bookings: booking.NewService(env.DB, env.Clock.Now)}
	p.partner = env.Org(t, "Unseen", account.TrainingPartner)
	p.police = env.Org(t, "Avon and Somerset Police", account.Police)
	day := 24 * time.Hour
	create := func(title string, status course.Status) int64 {
		id, err := env.Courses.CreateCourse(ctx, course.CourseInput{Title: title, Summary: "About " + title,
			DurationMinutes: 180, Status: status, Topics: []string{"Safeguarding"}})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	session := func(courseID int64, in time.Duration, online bool) int64 {
		start := env.Clock.Now().Add(in)
		s := course.SessionInput{CourseID: courseID, StartsAt: start, EndsAt: start.Add(3 * time.Hour), Capacity: 3,
			Venue: "Guildhall, High Street, Bath BA1 5AW"}
		if online {
			s.Online, s.Venue, s.OnlineURL = true, "", onlineLink
		}
		id, err := env.Courses.CreateSession(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	p.safeguarding = create("Safeguarding level 2", course.Published)
	p.inPerson = session(p.safeguarding, 7*day, false)
	p.online = session(p.safeguarding, 14*day, true)
	var err error
	if p.slavery, err = env.Courses.CreatePartnerCourse(ctx, p.partner.ID,
		course.CourseInput{Title: "Modern slavery awareness", Summary: "Spotting exploitation", DurationMinutes: 120}, true); err != nil {
		t.Fatal(err)
	}
	p.partnerDate = session(p.slavery, 10*day, false)

	p.draftCourse = create("Domestic abuse (draft)", course.Draft)
	p.draftDate = session(p.draftCourse, 8*day, false)
	if p.pendingCourse, err = env.Courses.CreatePartnerCourse(ctx, p.partner.ID,
		course.CourseInput{Title: "Waiting for approval", DurationMinutes: 120}, false); err != nil {
		t.Fatal(err)
	}
	p.pendingDate = session(p.pendingCourse, 9*day, false)
	if _, err := env.DB.Exec(ctx, `UPDATE courses SET status = 'published' WHERE id = ?`, p.pendingCourse); err != nil {
		t.Fatal(err)
	}
	p.cancelledDate = session(p.safeguarding, 11*day, false)
	if err := env.Courses.CancelSession(ctx, p.cancelledDate, "Trainer ill", 0); err != nil {
		t.Fatal(err)
	}
	p.startedDate = session(p.safeguarding, time.Hour, false)
	// Starts in 3 days, but booking closed: listed, saying so.
	start := env.Clock.Now().Add(3*day + 2*time.Hour)
	if p.closed, err = env.Courses.CreateSession(ctx, course.SessionInput{CourseID: p.safeguarding, StartsAt: start,
		EndsAt: start.Add(time.Hour), Venue: "Keynsham Civic Centre", Capacity: 5,
		BookingClosesAt: env.Clock.Now().Add(2 * day)}); err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(2*time.Hour + time.Minute) // the started date is now under way
	env.Clock.Advance(2 * day)                   // and booking on the closed one has closed
	return p
}

func (p *programme) listing(t *testing.T, s feed.Scope) feed.Listing {
	t.Helper()
	l, err := p.svc.Listing(context.Background(), s)
	if err != nil {
		t.Fatalf("listing %+v: %v", s, err)
	}
	return l
}

func (p *programme) book(t *testing.T, sessionID int64, emails ...string) {
	t.Helper()
	for _, e := range emails {
		u := p.env.User(t, e, p.police.ID, account.Practitioner)
		if _, err := p.bookings.Book(context.Background(), booking.Request{SessionID: sessionID, UserID: u.ID, ActorID: u.ID}); err != nil {
			t.Fatal(err)
		}
	}
}

func dateIDs(l feed.Listing) []int64 {
	var out []int64
	for _, d := range l.Dates {
		out = append(out, d.ID)
	}
	return out
}

func TestListingShowsOnlyPublishedApprovedScheduledDatesNotStarted(t *testing.T) {
	p := newProgramme(t)
	for _, tc := range []struct {
		scope feed.Scope
		title string
		want  []int64
	}{
		{feed.Scope{}, "B&NES training", []int64{p.closed, p.inPerson, p.partnerDate, p.online}},
		{feed.Scope{CourseID: p.safeguarding}, "Safeguarding level 2", []int64{p.closed, p.inPerson, p.online}},
		{feed.Scope{ProviderID: p.partner.ID}, "Training delivered by Unseen", []int64{p.partnerDate}},
	} {
		l := p.listing(t, tc.scope)
		if l.Title != tc.title || !slices.Equal(dateIDs(l), tc.want) {
			t.Errorf("%+v: %q %v, want %q %v (never: draft %d, pending %d, cancelled %d, started %d)", tc.scope,
				l.Title, dateIDs(l), tc.title, tc.want, p.draftDate, p.pendingDate, p.cancelledDate, p.startedDate)
		}
	}
	closed := p.listing(t, feed.Scope{CourseID: p.safeguarding}).Dates[0]
	if closed.BookingOpen || closed.Availability() != "Booking for this session has closed." {
		t.Errorf("the closed date: open %v, %q", closed.BookingOpen, closed.Availability())
	}
}

func TestListingOfSomethingNotListedIsNotFound(t *testing.T) {
	p := newProgramme(t)
	for name, scope := range map[string]feed.Scope{
		"a draft course":                   {CourseID: p.draftCourse},
		"a course waiting for approval":    {CourseID: p.pendingCourse},
		"no such course":                   {CourseID: 99999},
		"an organisation providing none":   {ProviderID: p.police.ID},
		"no such organisation":             {ProviderID: 99999},
		"a course of another provider":     {CourseID: p.safeguarding, ProviderID: p.partner.ID},
		"the provider of only a withdrawn": {ProviderID: p.withdrawAll(t)},
	} {
		if _, err := p.svc.Listing(context.Background(), scope); !errors.Is(err, feed.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
}

// withdrawAll makes a second partner whose only course goes back to draft after it had
// dates, and returns its id.
func (p *programme) withdrawAll(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	org := p.env.Org(t, "Withdrawn Partner", account.TrainingPartner)
	id, err := p.env.Courses.CreatePartnerCourse(ctx, org.ID, course.CourseInput{Title: "Gone", DurationMinutes: 60}, true)
	if err != nil {
		t.Fatal(err)
	}
	p.env.Session(t, id, 20*24*time.Hour, 5)
	if _, err := p.env.DB.Exec(ctx, `UPDATE courses SET status = 'draft' WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	return org.ID
}

func TestListingWordsPlacesLeft(t *testing.T) {
	p := newProgramme(t)
	words := func() string {
		return p.listing(t, feed.Scope{ProviderID: p.partner.ID}).Dates[0].Availability()
	}
	if got := words(); got != "3 places left." {
		t.Errorf("no bookings: %q", got)
	}
	p.book(t, p.partnerDate, "a@example.org", "b@example.org")
	if got := words(); got != "1 place left." {
		t.Errorf("two of three booked: %q", got)
	}
	p.book(t, p.partnerDate, "c@example.org", "d@example.org") // the fourth waits
	if got := words(); got != "Full: you can join the waiting list." {
		t.Errorf("full: %q", got)
	}
}

func TestWhenIsInLondonTime(t *testing.T) {
	winter := course.Session{StartsAt: time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC), EndsAt: time.Date(2026, 11, 30, 12, 30, 0, 0, time.UTC)}
	summer := course.Session{StartsAt: time.Date(2027, 6, 15, 8, 0, 0, 0, time.UTC), EndsAt: time.Date(2027, 6, 16, 15, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		s    course.Session
		want string
	}{
		{winter, "Monday 30 November 2026, 9:30am to 12:30pm"},
		{summer, "Tuesday 15 June 2027, 9:00am to Wednesday 16 June 2027, 4:00pm"},
	} {
		if got := feed.When(tc.s); got != tc.want {
			t.Errorf("When: %q, want %q", got, tc.want)
		}
	}
}

func (p *programme) session(t *testing.T, sessionID int64) course.Session {
	t.Helper()
	s, err := p.env.Courses.Session(context.Background(), sessionID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func id(n int64) string { return strconv.FormatInt(n, 10) }
