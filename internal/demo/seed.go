// Package demo fills an empty database with a small, realistic safeguarding children
// partnership in Bath and North East Somerset, so `traininghub serve --demo` shows a
// populated site on a fresh machine.
//
// The demo sign-ins, one per role, all on example.org:
//
//	practitioner@example.org  demo-practitioner-2026  (St Aldhelm's Church of England Primary School)
//	trainer@example.org       demo-trainer-2026       (Bath and North East Somerset Council)
//	partner@example.org       demo-partner-2026       (Freedom Pathways, the charity training partner)
//	manager@example.org       demo-manager-2026       (B&NES Children's Social Care)
//	admin@example.org         demo-admin-2026         (Bath and North East Somerset Council)
//
// Everyone else in the demo has no password and cannot sign in.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/course"
)

// Login is a demo sign-in, printed at start so a newcomer can try every role.
type Login struct {
	Role         account.Role
	Email        string
	Password     string
	Name         string
	Organisation string
}

// Seed fills an EMPTY database with a demo partnership: organisations, people, published
// courses, sessions over the three months after now (Europe/London working days) and
// bookings, including nearly full sessions and exactly one full session with a waiting
// list, and one session of the demo trainer's that started 20 minutes ago, so a register
// can be taken at once. On a database that already has any organisation it does nothing and returns
// (nil, nil), so a real deployment is never touched.
//
// The result depends only on now. Seeding is not one transaction: a failure part-way leaves
// a partial demo, which a later Seed will not repair (start again with a fresh file).
func Seed(ctx context.Context, accounts *account.Service, courses *course.Service,
	bookings *booking.Service, now time.Time) ([]Login, error) {
	existing, err := accounts.Organisations(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo: check for existing data: %w", err)
	}
	if len(existing) > 0 {
		return nil, nil
	}
	s := seeder{accounts: accounts, courses: courses, bookings: bookings, now: now,
		orgs: map[string]account.Organisation{}, courseIDs: map[string]int64{}}
	if err := s.organisations(ctx); err != nil {
		return nil, err
	}
	logins, err := s.people(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.catalogue(ctx); err != nil {
		return nil, err
	}
	if err := s.requirements(ctx); err != nil {
		return nil, err
	}
	if err := s.sessions(ctx); err != nil {
		return nil, err
	}
	if err := s.book(ctx); err != nil {
		return nil, err
	}
	if err := s.startedSession(ctx, courses.DB); err != nil {
		return nil, err
	}
	if err := s.runHistory(ctx, courses.DB); err != nil {
		return nil, err
	}
	return logins, nil
}

// seeder carries the ids each step needs from the ones before.
type seeder struct {
	accounts *account.Service
	courses  *course.Service
	bookings *booking.Service
	now      time.Time

	orgs           map[string]account.Organisation
	byRole         map[account.Role]int64
	charityTrainer int64
	generated      []int64
	courseIDs      map[string]int64
	sessionIDs     []int64
}

func (s *seeder) organisations(ctx context.Context) error {
	for _, o := range organisations {
		org, err := s.accounts.AddOrganisation(ctx, account.Organisation{Name: o.name, Type: o.typ, Domains: o.domains})
		if err != nil {
			return fmt.Errorf("demo: create organisation %q: %w", o.name, err)
		}
		s.orgs[o.key] = org
	}
	return nil
}

func (s *seeder) user(ctx context.Context, p personSpec) (int64, error) {
	u, err := s.accounts.CreateUser(ctx, account.NewUser{
		Email: p.email, Name: p.name, JobTitle: p.jobTitle, OrganisationID: s.orgs[p.org].ID,
		Password: p.password, Roles: []account.Role{p.role},
	})
	if err != nil {
		return 0, fmt.Errorf("demo: create user %s: %w", p.email, err)
	}
	return u.ID, nil
}

func (s *seeder) people(ctx context.Context) ([]Login, error) {
	s.byRole = map[account.Role]int64{}
	logins := make([]Login, 0, len(demoLogins))
	for _, p := range demoLogins {
		id, err := s.user(ctx, p)
		if err != nil {
			return nil, err
		}
		s.byRole[p.role] = id
		logins = append(logins, Login{Role: p.role, Email: p.email, Password: p.password,
			Name: p.name, Organisation: s.orgs[p.org].Name})
	}
	var err error
	if s.charityTrainer, err = s.user(ctx, charityTrainer); err != nil {
		return nil, err
	}
	for _, p := range practitioners {
		id, err := s.user(ctx, p)
		if err != nil {
			return nil, err
		}
		s.generated = append(s.generated, id)
	}
	return logins, nil
}

func (s *seeder) catalogue(ctx context.Context) error {
	for _, c := range courses {
		id, err := s.courses.CreateCourse(ctx, course.CourseInput{
			Title: c.title, Summary: c.summary, Description: c.description, Audience: c.audience,
			DurationMinutes: c.minutes, ProviderID: s.orgs[c.provider].ID, ValidityMonths: c.validityMonths,
			Status: course.Published, Topics: c.topics, RequiresEvaluation: c.evaluation,
			ChargeDNAPence: c.chargeDNA, ChargeLatePence: c.chargeLate,
		})
		if err != nil {
			return fmt.Errorf("demo: create course %q: %w", c.title, err)
		}
		s.courseIDs[c.key] = id
	}
	return nil
}

// requirements records which courses are required of whom, for the managers' matrix.
func (s *seeder) requirements(ctx context.Context) error {
	rules := compliance.NewService(s.courses.DB, func() time.Time { return s.now })
	for _, r := range requiredTraining {
		if _, err := rules.CreateRule(ctx, compliance.RuleInput{CourseID: s.courseIDs[r.course], OrgType: r.orgType}); err != nil {
			return fmt.Errorf("demo: required training: %w", err)
		}
	}
	return nil
}

func courseByKey(key string) courseSpec {
	for _, c := range courses {
		if c.key == key {
			return c
		}
	}
	panic("demo: no course " + key)
}

func (s *seeder) sessions(ctx context.Context) error {
	horizon := s.now.AddDate(0, 3, 0)
	count := map[string]int{}
	for _, p := range sessions {
		c := courseByKey(p.course)
		start := sessionStart(s.now, p.day, p.hour, p.min, horizon)
		in := course.SessionInput{
			CourseID: s.courseIDs[p.course],
			StartsAt: start,
			EndsAt:   start.Add(time.Duration(c.minutes) * time.Minute),
			Venue:    p.venue,
			Capacity: p.capacity,
			// Booking closes a day ahead so trainers can print registers; never in the past.
			BookingClosesAt: start.Add(-24 * time.Hour),
			TrainerIDs:      []int64{s.byRole[account.Trainer]},
		}
		if !in.BookingClosesAt.After(s.now) {
			in.BookingClosesAt = start
		}
		if c.provider == orgCharity {
			in.TrainerIDs = []int64{s.charityTrainer}
			// The charity runs a date only with a third of the room, so the demo shows
			// minimum numbers (and, near the start, the email about a date short of them).
			in.MinPlaces = max(1, p.capacity/3)
		}
		if p.venue == online {
			count[p.course]++
			in.Online = true
			in.OnlineURL = fmt.Sprintf("https://meet.example.org/bnes-%s-%d", p.course, count[p.course])
		}
		id, err := s.courses.CreateSession(ctx, in)
		if err != nil {
			return fmt.Errorf("demo: create %q session on %s: %w", c.title, start.In(clock.London).Format(time.DateTime), err)
		}
		s.sessionIDs = append(s.sessionIDs, id)
	}
	return nil
}

// book fills the sessions with generated practitioners, rotating through them so every
// agency appears on most registers, then gives the demo practitioner their own bookings.
// Nobody is put on two dates of one course: the booking pages treat that as a mistake
// to warn about.
func (s *seeder) book(ctx context.Context) error {
	n := len(s.generated)
	onCourse := map[string]map[int64]bool{} // course key -> people holding one of its dates
	for i, p := range sessions {
		taken := onCourse[p.course]
		if taken == nil {
			taken = map[int64]bool{}
			onCourse[p.course] = taken
		}
		if p.booked+p.waitlisted > n-len(taken) {
			return fmt.Errorf("demo: session %d wants %d people but only %d are free", i, p.booked+p.waitlisted, n-len(taken))
		}
		next := i * 7 % n
		for k := range p.booked + p.waitlisted {
			for taken[s.generated[next%n]] {
				next++
			}
			who := s.generated[next%n]
			next++
			taken[who] = true
			want := booking.Confirmed
			if k >= p.booked {
				want = booking.Waitlisted
			}
			if err := s.bookOne(ctx, s.sessionIDs[i], who, want); err != nil {
				return err
			}
		}
	}
	me := s.byRole[account.Practitioner]
	if err := s.bookOne(ctx, s.sessionIDs[practitionerConfirmed], me, booking.Confirmed); err != nil {
		return err
	}
	return s.bookOne(ctx, s.sessionIDs[practitionerWaitlist], me, booking.Waitlisted)
}

func (s *seeder) bookOne(ctx context.Context, sessionID, userID int64, want booking.Status) error {
	res, err := s.bookings.Book(ctx, booking.Request{SessionID: sessionID, UserID: userID, ActorID: userID})
	if err != nil {
		return fmt.Errorf("demo: book user %d on session %d: %w", userID, sessionID, err)
	}
	if res.Booking.Status != want {
		return fmt.Errorf("demo: booking user %d on session %d gave %s, want %s", userID, sessionID, res.Booking.Status, want)
	}
	return nil
}

// sessionStart is hour:minute Europe/London on the first working day at least `days` after
// now's London date. A date pushed to or past the horizon by holidays moves back instead.
func sessionStart(now time.Time, days, hour, minute int, horizon time.Time) time.Time {
	y, m, d := now.In(clock.London).Date()
	at := func(offset int) time.Time { return time.Date(y, m, d+offset, hour, minute, 0, 0, clock.London) }
	for off := days; off < days+21; off++ {
		if t := at(off); workingDay(t) && t.Before(horizon) {
			return t
		}
		if !at(off).Before(horizon) {
			break
		}
	}
	for off := days - 1; off > 1; off-- {
		if t := at(off); workingDay(t) {
			return t
		}
	}
	return at(days)
}

// workingDay reports whether a London date is a weekday outside the Christmas closure and
// England's bank holidays, so no demo session lands on Christmas Day or Easter Monday.
func workingDay(t time.Time) bool {
	y, m, d := t.Date()
	wd := t.Weekday()
	switch {
	case wd == time.Saturday || wd == time.Sunday:
		return false
	case m == time.December && d >= 24, m == time.January && d == 1:
		return false
	case m == time.January && d <= 3 && wd == time.Monday: // New Year substitute day
		return false
	case m == time.May && wd == time.Monday && (d <= 7 || d > 24): // early and spring bank holidays
		return false
	case m == time.August && wd == time.Monday && d > 24: // summer bank holiday
		return false
	}
	easter := easterSunday(y)
	date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return !date.Equal(easter.AddDate(0, 0, -2)) && !date.Equal(easter.AddDate(0, 0, 1))
}

// easterSunday is the Gregorian Easter date (the anonymous Gregorian algorithm), in UTC.
func easterSunday(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}
