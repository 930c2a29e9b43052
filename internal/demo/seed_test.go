package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/attendance"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/certificate"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

func seed(t *testing.T, env *testkit.Env) ([]Login, *booking.Service) {
	t.Helper()
	bookings := booking.NewService(env.DB, env.Clock.Now)
	logins, err := Seed(context.Background(), env.Accounts, env.Courses, bookings, env.Clock.Now())
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	return logins, bookings
}

func TestSeedFillsAnEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	env := testkit.New(t)
	now := env.Clock.Now()
	logins, bookings := seed(t, env)

	t.Run("one working sign-in per role", func(t *testing.T) {
		if len(logins) != len(account.AllRoles) {
			t.Fatalf("got %d logins, want %d", len(logins), len(account.AllRoles))
		}
		for _, role := range account.AllRoles {
			i := slices.IndexFunc(logins, func(l Login) bool { return l.Role == role })
			if i < 0 {
				t.Errorf("no demo login for role %s", role)
				continue
			}
			l := logins[i]
			if !strings.HasSuffix(l.Email, "@example.org") || l.Name == "" || l.Organisation == "" {
				t.Errorf("login %+v: want an example.org email, a name and an organisation", l)
			}
			if msg := account.CheckPassword(l.Password, l.Email); msg != "" {
				t.Errorf("%s password %q refused: %s", role, l.Password, msg)
			}
			u, err := env.Accounts.Authenticate(ctx, l.Email, l.Password)
			if err != nil {
				t.Errorf("%s cannot sign in: %v", role, err)
				continue
			}
			if !u.Has(role) || u.OrganisationName != l.Organisation {
				t.Errorf("%s signed in as %+v", role, u)
			}
		}
		partner := logins[slices.IndexFunc(logins, func(l Login) bool { return l.Role == account.Partner })]
		org, err := env.Accounts.OrganisationByName(ctx, partner.Organisation)
		if err != nil || org.Type != account.TrainingPartner {
			t.Errorf("partner's organisation %q: %+v, %v; want a training partner", partner.Organisation, org, err)
		}
	})

	t.Run("generated people cannot sign in", func(t *testing.T) {
		if _, err := env.Accounts.Authenticate(ctx, practitioners[0].email, ""); err == nil {
			t.Error("a generated practitioner signed in with an empty password")
		}
	})

	t.Run("organisations of every type", func(t *testing.T) {
		orgs, err := env.Accounts.Organisations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		types := map[account.OrgType]bool{}
		for _, o := range orgs {
			types[o.Type] = true
		}
		for _, typ := range account.OrgTypes {
			if !types[typ] {
				t.Errorf("no organisation of type %s", typ)
			}
		}
	})

	t.Run("published courses with full details", func(t *testing.T) {
		all, err := env.Courses.Courses(ctx)
		if err != nil {
			t.Fatal(err)
		}
		published := 0
		for _, c := range all {
			if c.Status == course.Published {
				published++
			}
			if c.Summary == "" || c.Audience == "" || len(c.Topics) == 0 || strings.Count(c.Description, "\n\n") < 1 {
				t.Errorf("course %q lacks a summary, audience, topics or a description of 2+ paragraphs", c.Title)
			}
			if strings.Contains(c.Title, "Modern slavery") && c.ProviderID == 0 {
				t.Errorf("course %q should be provided by the charity partner", c.Title)
			}
		}
		if published < 9 {
			t.Errorf("%d published courses, want at least 9", published)
		}
	})

	sessions, err := env.Courses.Sessions(ctx, course.SessionFilter{})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("sessions over the next three months", func(t *testing.T) {
		if len(sessions) < 20 {
			t.Errorf("%d upcoming sessions, want at least 20", len(sessions))
		}
		horizon := now.AddDate(0, 3, 0)
		var online, inPerson, full int
		for _, s := range sessions {
			if s.StartsAt.Equal(underWay(now)) {
				continue // the one under way: started_test.go
			}
			if !s.StartsAt.After(now) || !s.StartsAt.Before(horizon) {
				t.Errorf("session %d starts %s, outside (%s, %s)", s.ID, s.StartsAt, now, horizon)
			}
			if s.BookingClosesAt.After(s.StartsAt) || !s.BookingClosesAt.After(now) {
				t.Errorf("session %d booking closes %s (starts %s)", s.ID, s.BookingClosesAt, s.StartsAt)
			}
			if s.Capacity < 12 || s.Capacity > 30 || len(s.Trainers) == 0 {
				t.Errorf("session %d: capacity %d, trainers %v", s.ID, s.Capacity, s.Trainers)
			}
			if s.Online {
				online++
				if !strings.HasPrefix(s.OnlineURL, "https://meet.example.org/") {
					t.Errorf("session %d joining link %q", s.ID, s.OnlineURL)
				}
			} else {
				inPerson++
			}
			if s.Full() {
				full++
				if s.Waitlisted == 0 {
					t.Errorf("full session %d has an empty waiting list", s.ID)
				}
			} else if s.Waitlisted != 0 {
				t.Errorf("session %d has places but %d people waiting", s.ID, s.Waitlisted)
			}
		}
		if online == 0 || inPerson == 0 {
			t.Errorf("%d online and %d in-person sessions, want some of each", online, inPerson)
		}
		if full != 1 {
			t.Errorf("%d full sessions, want exactly 1", full)
		}
	})

	t.Run("the demo practitioner has a place and a waiting-list position", func(t *testing.T) {
		u, err := env.Accounts.UserByEmail(ctx, "practitioner@example.org")
		if err != nil {
			t.Fatal(err)
		}
		entries, err := bookings.ForUser(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		var statuses []booking.Status
		for _, e := range entries {
			if !e.StartsAt.After(env.Clock.Now()) {
				continue // the demo's past training, checked below
			}
			statuses = append(statuses, e.Status)
			if e.Status == booking.Waitlisted {
				s, err := env.Courses.Session(ctx, e.SessionID)
				if err != nil || !s.Full() || e.WaitlistPosition < 1 {
					t.Errorf("waitlisted on session %d (full %v, position %d): %v", e.SessionID, s.Full(), e.WaitlistPosition, err)
				}
			}
		}
		slices.Sort(statuses)
		if !slices.Equal(statuses, []booking.Status{booking.Confirmed, booking.Waitlisted}) {
			t.Errorf("demo practitioner's bookings: %v, want one confirmed and one waitlisted", statuses)
		}
	})

	t.Run("the demo practitioner has a learning record", func(t *testing.T) {
		u, err := env.Accounts.UserByEmail(ctx, "practitioner@example.org")
		if err != nil {
			t.Fatal(err)
		}
		att := attendance.NewService(env.DB, env.Accounts, env.Clock.Now)
		done, err := att.Completions(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[certificate.Status]int{}
		awaiting := 0
		for _, c := range done {
			got[c.Status]++
			if c.AwaitingEvaluation {
				awaiting++
			} else if c.CertificateCode == "" {
				t.Errorf("%s: completed without a certificate or a reason", c.CourseTitle)
			}
		}
		if len(done) != 3 || got[certificate.StatusExpiring] != 1 || awaiting != 1 {
			t.Errorf("completions %d by status %v with %d awaiting evaluation; want 3, one expiring, one awaiting", len(done), got, awaiting)
		}
		var pending int
		if err := env.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE created_at < ?`, store.FormatTime(env.Clock.Now())).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if pending != 0 {
			t.Errorf("%d messages about past events would be sent now", pending)
		}
	})

	t.Run("managers and the board have something to look at", func(t *testing.T) {
		var rules, charged, absent int
		err := env.DB.R.QueryRow(`SELECT (SELECT count(*) FROM required_training),
			(SELECT count(*) FROM courses WHERE charge_dna_pence > 0),
			(SELECT count(*) FROM bookings b JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id
			 WHERE b.attendance = 'absent' AND c.charge_dna_pence > 0)`).Scan(&rules, &charged, &absent)
		if err != nil {
			t.Fatal(err)
		}
		if rules != 3 || charged != 2 || absent == 0 {
			t.Errorf("%d required-training rules, %d charging courses, %d chargeable no-shows; want 3, 2 and some", rules, charged, absent)
		}
	})

	t.Run("a second Seed does nothing", func(t *testing.T) {
		before := counts(t, env)
		again, err := Seed(ctx, env.Accounts, env.Courses, bookings, env.Clock.Now())
		if err != nil || again != nil {
			t.Fatalf("second Seed = %v, %v; want nil, nil", again, err)
		}
		if after := counts(t, env); after != before {
			t.Errorf("counts changed from %s to %s", before, after)
		}
	})
}

// TestSeedLeavesOtherDataAlone guards a real deployment: one organisation is enough.
func TestSeedLeavesOtherDataAlone(t *testing.T) {
	env := testkit.New(t)
	env.Org(t, "Somewhere Else", account.OtherOrg)
	before := counts(t, env)
	logins, _ := seed(t, env)
	if logins != nil || counts(t, env) != before {
		t.Errorf("Seed changed a database that already had an organisation")
	}
}

// TestSeedTimesAreLondonLocal seeds across the March clock change: every session must
// still start on the half hour between 9:00 and 14:00 London time on a weekday, and the
// result must depend only on now.
func TestSeedTimesAreLondonLocal(t *testing.T) {
	now := time.Date(2027, 2, 15, 8, 0, 0, 0, time.UTC)
	summaries := make([]string, 2)
	for i := range summaries {
		env := testkit.New(t)
		env.Clock.Set(now)
		seed(t, env)
		sessions, err := env.Courses.Sessions(context.Background(), course.SessionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		var bst int
		for _, s := range sessions {
			if s.StartsAt.Equal(underWay(now)) {
				continue // the one under way starts whenever the demo does
			}
			l := s.StartsLondon()
			if l.Hour() < 9 || l.Hour() > 14 || l.Minute()%30 != 0 || l.Weekday() == time.Saturday || l.Weekday() == time.Sunday {
				t.Errorf("session %d starts %s London time", s.ID, l.Format(time.RFC1123))
			}
			if _, off := l.Zone(); off == 3600 {
				bst++
			}
			fmt.Fprintf(&b, "%s %s %d/%d+%d %s|", s.CourseTitle, s.StartsAt.Format(time.RFC3339), s.Confirmed, s.Capacity, s.Waitlisted, s.Venue+s.OnlineURL)
		}
		if bst == 0 {
			t.Error("no session after the clock change: the test no longer covers it")
		}
		summaries[i] = b.String()
	}
	if summaries[0] != summaries[1] {
		t.Errorf("two seeds with the same now differ:\n%s\n%s", summaries[0], summaries[1])
	}
}

func TestWorkingDay(t *testing.T) {
	for _, tc := range []struct {
		date string
		want bool
	}{
		{"2026-12-23", true}, {"2026-12-25", false}, {"2026-12-29", false}, {"2027-01-01", false},
		{"2027-01-04", true}, {"2027-03-26", false}, {"2027-03-29", false}, {"2027-03-30", true},
		{"2027-05-03", false}, {"2027-05-31", false}, {"2027-05-24", true}, {"2026-08-31", false},
		{"2026-11-28", false}, {"2026-11-30", true}, {"2028-01-03", false},
	} {
		d, err := time.ParseInLocation(time.DateOnly, tc.date, clock.London)
		if err != nil {
			t.Fatal(err)
		}
		if got := workingDay(d); got != tc.want {
			t.Errorf("workingDay(%s %s) = %v, want %v", tc.date, d.Weekday(), got, tc.want)
		}
	}
}

func counts(t *testing.T, env *testkit.Env) string {
	t.Helper()
	var parts []string
	for _, table := range []string{"organisations", "users", "courses", "course_sessions", "bookings", "booking_history"} {
		var n int
		if err := env.DB.R.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, fmt.Sprintf("%s=%d", table, n))
	}
	return strings.Join(parts, " ")
}

// The demo organisations have email domains, and every demo account counts as a
// confirmed member: the documented sign-ins can book straight away.
func TestDemoAccountsAreConfirmedMembersAndOrganisationsHaveDomains(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	if _, err := Seed(ctx, env.Accounts, env.Courses, booking.NewService(env.DB, env.Clock.Now), env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	owners, err := env.Accounts.OrganisationsForEmail(ctx, "new.starter@police.example.org")
	if err != nil || len(owners) != 1 || owners[0].Name != "Avon and Somerset Police" {
		t.Fatalf("police domain owners: %+v %v", owners, err)
	}
	var unconfirmed int
	if err := env.DB.R.QueryRow(`SELECT count(*) FROM users WHERE email_confirmed = 0 OR membership <> 'member'`).Scan(&unconfirmed); err != nil {
		t.Fatal(err)
	}
	if unconfirmed != 0 {
		t.Errorf("%d demo accounts cannot book", unconfirmed)
	}
	for _, l := range demoLogins {
		u, err := env.Accounts.Authenticate(ctx, l.email, l.password)
		if err != nil || u.MayBook() != nil {
			t.Errorf("demo sign-in %s: %v / %v", l.email, err, u.MayBook())
		}
	}
}
