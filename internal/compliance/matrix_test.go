package compliance_test

import (
	"errors"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/store"
)

// matrixFixture is worked out by hand. Now is Wednesday 25 November 2026, 10:00 UTC.
//
// Rules: child sexual exploitation awareness (CSE, the course expires after 36 months) for
// every children's social care organisation, renewed as the course says; neglect (the
// course never expires) for anyone whose job title contains "social worker", once; domestic
// abuse (the course says 24 months) for police, renewed every 12 months.
//
// Bath Children's Services (social care):
//
//	Ann  Senior Social Worker   CSE 2 months ago (25 Sep 2026): current, renew 25 Sep 2029;
//	                            neglect 5 years ago: current, never expires.       -> Up to date
//	Ben  Social worker          CSE 35 months ago (25 Dec 2023): expires 25 Dec 2026,
//	                            30 days away: expiring; neglect booked for 2 Dec.   -> Expiring
//	Cat  Family support worker  CSE 40 months ago (25 Jul 2023): expired 25 Jul 2026;
//	                            neglect not required (job title).                   -> Expired
//	Dan  Social Worker (agency) CSE: waiting list of a full session; neglect: nothing. -> Not booked
//	Eve  Team Manager           CSE attended last month but the register is still open, and a
//	                            cancelled booking: not booked; neglect not required. -> Not booked
//	Hal  Social Worker          CSE 40 months ago, expired, but booked on 9 Dec: booked;
//	                            neglect 2 months ago: current.                      -> Booked
//	Ivy  Social Worker          disabled account: not in the matrix.
//
// Avon and Somerset Police: Gus, "Police social worker liaison": neglect not booked;
// domestic abuse 13 months ago (25 Oct 2025): the rule's 12 months ran out on 25 Oct 2026,
// so expired, though the course's own 24 months would still be current. CSE is not
// required of the police.
type matrixFixture struct {
	*rig
	A, B                         account.Organisation
	CSE, Neglect, DA, Other      int64
	Ann, Ben, Cat, Dan, Eve, Hal *account.User
	Ivy, Gus                     *account.User
}

func newMatrixFixture(t *testing.T) *matrixFixture {
	t.Helper()
	r := newRig(t)
	f := &matrixFixture{rig: r}
	f.A = r.Org(t, "Bath Children's Services", account.SocialCare)
	f.B = r.Org(t, "Avon and Somerset Police", account.Police)
	f.CSE = r.course(t, "Child sexual exploitation awareness", 36)
	f.Neglect = r.course(t, "Neglect: recognising and responding", 0)
	f.DA = r.course(t, "Domestic abuse and its impact on children", 24)
	f.Other = r.course(t, "Minute taking", 12)
	r.rule(t, f.CSE, account.SocialCare, "", 0)
	r.rule(t, f.Neglect, "", "social worker", 0)
	r.rule(t, f.DA, account.Police, "", 12)

	f.Ann = r.person(t, "Ann Archer", "Senior Social Worker", "Children in Need", f.A.ID)
	f.Ben = r.person(t, "Ben Baker", "Social worker", "Children in Need", f.A.ID)
	f.Cat = r.person(t, "Cat Cole", "Family support worker", "Early Help", f.A.ID)
	f.Dan = r.person(t, "Dan Dee", "Social Worker (agency)", "Early Help", f.A.ID)
	f.Eve = r.person(t, "Eve Evans", "Team Manager", "children in need", f.A.ID, account.Manager)
	f.Hal = r.person(t, "Hal Hughes", "Social Worker", "", f.A.ID)
	f.Ivy = r.person(t, "Ivy Irwin", "Social Worker", "Early Help", f.A.ID)
	f.Gus = r.person(t, "Gus Grant", "Police social worker liaison", "", f.B.ID)

	r.complete(t, f.Ann, f.CSE, r.monthsAgo(2), true)
	r.complete(t, f.Ann, f.Neglect, r.monthsAgo(60), true)
	r.complete(t, f.Ben, f.CSE, r.monthsAgo(35), true)
	r.complete(t, f.Cat, f.CSE, r.monthsAgo(40), true)
	r.complete(t, f.Cat, f.Other, r.monthsAgo(1), true) // not required: no column
	r.complete(t, f.Eve, f.CSE, r.monthsAgo(1), false)  // register still open
	r.complete(t, f.Hal, f.CSE, r.monthsAgo(40), true)
	r.complete(t, f.Hal, f.Neglect, r.monthsAgo(2), true)
	r.complete(t, f.Ivy, f.CSE, r.monthsAgo(40), true)
	r.complete(t, f.Gus, f.DA, r.monthsAgo(13), true)

	now := r.Clock.Now()
	neglect := r.session(t, f.Neglect, now.Add(7*24*time.Hour), 10)
	r.book(t, neglect, f.Ben)
	full := r.session(t, f.CSE, now.Add(14*24*time.Hour), 1)
	r.book(t, full, f.Hal)
	if b := r.book(t, full, f.Dan); b.Status != booking.Waitlisted {
		t.Fatalf("Dan: %s, want waitlisted", b.Status)
	}
	other := r.session(t, f.CSE, now.Add(21*24*time.Hour), 10)
	eve := r.book(t, other, f.Eve)
	if _, err := r.Bookings.Cancel(ctx, booking.CancelRequest{BookingID: eve.ID, ActorID: f.Eve.ID}); err != nil {
		t.Fatal(err)
	}
	if err := r.Accounts.SetActive(ctx, f.Ivy.ID, false); err != nil {
		t.Fatal(err)
	}
	return f
}

func londonDay(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, clock.London)
}

type wantCell struct {
	state     compliance.State
	completed time.Time // London date of the completion, or zero
	expires   time.Time // or zero
	session   time.Time // or zero
}

func checkCell(t *testing.T, who string, got compliance.Cell, want wantCell) {
	t.Helper()
	if !got.Required {
		t.Errorf("%s: not required, want %s", who, want.state)
		return
	}
	if got.State != want.state {
		t.Errorf("%s: state %s, want %s", who, got.State, want.state)
	}
	day := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.In(clock.London).Format("2006-01-02")
	}
	if day(got.CompletedOn) != day(want.completed) {
		t.Errorf("%s: completed %s, want %s", who, day(got.CompletedOn), day(want.completed))
	}
	if day(got.ExpiresOn) != day(want.expires) {
		t.Errorf("%s: expires %s, want %s", who, day(got.ExpiresOn), day(want.expires))
	}
	if !got.ExpiresOn.IsZero() && !got.ExpiresOn.Equal(want.expires) {
		t.Errorf("%s: expires at %v, want London midnight %v", who, got.ExpiresOn, want.expires)
	}
	if !got.SessionStart.Equal(want.session) {
		t.Errorf("%s: session %v, want %v", who, got.SessionStart, want.session)
	}
}

func TestMatrixWorkedByHand(t *testing.T) {
	f := newMatrixFixture(t)
	now := f.Clock.Now()
	m, err := f.Svc.Matrix(ctx, f.A.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Organisation.Name != "Bath Children's Services" || len(m.Courses) != 2 ||
		m.Courses[0].ID != f.CSE || m.Courses[1].ID != f.Neglect {
		t.Fatalf("organisation %q, courses %+v: want CSE then neglect", m.Organisation.Name, m.Courses)
	}
	var names []string
	byName := map[string]compliance.Person{}
	for _, p := range m.People {
		names = append(names, p.Name)
		byName[p.Name] = p
	}
	if want := []string{"Ann Archer", "Ben Baker", "Cat Cole", "Dan Dee", "Eve Evans", "Hal Hughes"}; !equal(names, want) {
		t.Fatalf("people %v, want %v (no disabled Ivy, nobody from the police)", names, want)
	}
	none := time.Time{}
	cases := []struct {
		who     string
		status  compliance.State
		cse     wantCell
		neglect *wantCell // nil: not required
	}{
		{"Ann Archer", compliance.Current,
			wantCell{compliance.Current, londonDay(2026, 9, 25), londonDay(2029, 9, 25), none},
			&wantCell{compliance.Current, londonDay(2021, 11, 25), none, none}},
		{"Ben Baker", compliance.Expiring,
			wantCell{compliance.Expiring, londonDay(2023, 12, 25), londonDay(2026, 12, 25), none},
			&wantCell{compliance.Booked, none, none, now.Add(7 * 24 * time.Hour)}},
		{"Cat Cole", compliance.Expired,
			wantCell{compliance.Expired, londonDay(2023, 7, 25), londonDay(2026, 7, 25), none}, nil},
		{"Dan Dee", compliance.NotBooked,
			wantCell{compliance.Waitlisted, none, none, now.Add(14 * 24 * time.Hour)},
			&wantCell{compliance.NotBooked, none, none, none}},
		{"Eve Evans", compliance.NotBooked,
			wantCell{compliance.NotBooked, none, none, none}, nil},
		{"Hal Hughes", compliance.Booked,
			wantCell{compliance.Booked, londonDay(2023, 7, 25), londonDay(2026, 7, 25), now.Add(14 * 24 * time.Hour)},
			&wantCell{compliance.Current, londonDay(2026, 9, 25), none, none}},
	}
	for _, tc := range cases {
		p := byName[tc.who]
		if p.Status != tc.status {
			t.Errorf("%s: status %s, want %s", tc.who, p.Status, tc.status)
		}
		checkCell(t, tc.who+" CSE", p.Cells[0], tc.cse)
		if tc.neglect == nil {
			if p.Cells[1].Required {
				t.Errorf("%s: neglect required, want not (job title %q)", tc.who, p.JobTitle)
			}
		} else {
			checkCell(t, tc.who+" neglect", p.Cells[1], *tc.neglect)
		}
		if p.Cells[0].RenewMonths != 36 {
			t.Errorf("%s: CSE renewal %d months, want the course's 36", tc.who, p.Cells[0].RenewMonths)
		}
	}

	// The police: their own rules, their own people, the rule's 12 months, not the course's 24.
	m, err = f.Svc.Matrix(ctx, f.B.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.People) != 1 || m.People[0].ID != f.Gus.ID || len(m.Courses) != 2 || m.Courses[0].ID != f.DA || m.Courses[1].ID != f.Neglect {
		t.Fatalf("police matrix: people %+v, courses %+v", m.People, m.Courses)
	}
	gus := m.People[0]
	checkCell(t, "Gus domestic abuse", gus.Cells[0], wantCell{compliance.Expired, londonDay(2025, 10, 25), londonDay(2026, 10, 25), none})
	checkCell(t, "Gus neglect", gus.Cells[1], wantCell{compliance.NotBooked, none, none, none})
	if gus.Status != compliance.Expired {
		t.Errorf("Gus: %s, want expired", gus.Status)
	}

	if _, err := f.Svc.Matrix(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown organisation: %v, want not found", err)
	}
}

// TestMatrixAgreesWithTheLearningRecord: the matrix's completion dates are the learning
// record's (attended, on a submitted register), for everyone in the fixture.
func TestMatrixAgreesWithTheLearningRecord(t *testing.T) {
	f := newMatrixFixture(t)
	for _, org := range []account.Organisation{f.A, f.B} {
		m, err := f.Svc.Matrix(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m.People {
			done, err := f.Attendance.Completions(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for j, c := range p.Cells {
				if !c.Required {
					continue
				}
				var latest time.Time
				for _, d := range done {
					if d.CourseID == m.Courses[j].ID && d.CompletedOn.After(latest) {
						latest = d.CompletedOn
					}
				}
				if !latest.Equal(c.CompletedOn) {
					t.Errorf("%s, %s: matrix says completed %v, learning record %v", p.Name, m.Courses[j].Title, c.CompletedOn, latest)
				}
			}
		}
	}
}

func TestMatrixStatesMoveWithTheClock(t *testing.T) {
	f := newMatrixFixture(t)
	state := func() compliance.State {
		m, err := f.Svc.Person(ctx, f.A.ID, f.Ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		return m.People[0].Cells[0].State
	}
	// Ann's CSE lapses at London midnight starting 25 September 2029 (23:00 UTC the day before,
	// in summer time); "expiring" starts 90 days before, at the same London wall-clock time.
	f.Clock.Set(time.Date(2029, 6, 26, 22, 59, 59, 0, time.UTC))
	if s := state(); s != compliance.Current {
		t.Errorf("just over 90 days before: %s", s)
	}
	f.Clock.Set(time.Date(2029, 6, 26, 23, 0, 0, 0, time.UTC))
	if s := state(); s != compliance.Expiring {
		t.Errorf("90 days before: %s", s)
	}
	f.Clock.Set(time.Date(2029, 9, 24, 22, 59, 59, 0, time.UTC))
	if s := state(); s != compliance.Expiring {
		t.Errorf("a second before: %s", s)
	}
	f.Clock.Set(time.Date(2029, 9, 24, 23, 0, 0, 0, time.UTC))
	if s := state(); s != compliance.Expired {
		t.Errorf("at the expiry: %s", s)
	}
}

func TestPersonIsScopedToTheOrganisation(t *testing.T) {
	f := newMatrixFixture(t)
	m, err := f.Svc.Person(ctx, f.A.ID, f.Ben.ID)
	if err != nil || len(m.People) != 1 || m.People[0].Name != "Ben Baker" || m.People[0].Status != compliance.Expiring {
		t.Fatalf("Ben in his own organisation: %+v, %v", m, err)
	}
	for name, tc := range map[string]struct{ scope, id int64 }{
		"another organisation's person": {f.A.ID, f.Gus.ID},
		"a disabled account":            {f.A.ID, f.Ivy.ID},
		"nobody":                        {f.A.ID, 99999},
		"an admin asking for nobody":    {0, 99999},
	} {
		if _, err := f.Svc.Person(ctx, tc.scope, tc.id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
	if m, err := f.Svc.Person(ctx, 0, f.Gus.ID); err != nil || m.Organisation.ID != f.B.ID {
		t.Errorf("admin scope: %+v, %v", m, err)
	}
}

func TestStrictestRuleWins(t *testing.T) {
	r := newRig(t)
	org := r.Org(t, "Bath Children's Services", account.SocialCare)
	cse := r.course(t, "CSE awareness", 36)
	r.rule(t, cse, "", "", 0)                        // everyone, 36 months
	r.rule(t, cse, account.SocialCare, "senior", 12) // senior social care staff: yearly
	r.rule(t, cse, account.Police, "", 6)            // police: not these people
	senior := r.person(t, "Sam Senior", "Senior practitioner", "", org.ID)
	junior := r.person(t, "Jo Junior", "Practitioner", "", org.ID)
	r.complete(t, senior, cse, r.monthsAgo(13), true)
	r.complete(t, junior, cse, r.monthsAgo(13), true)
	m, err := r.Svc.Matrix(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]compliance.Cell{}
	for _, p := range m.People {
		got[p.ID] = p.Cells[0]
	}
	if c := got[senior.ID]; c.RenewMonths != 12 || c.State != compliance.Expired {
		t.Errorf("senior: every %d months, %s; want 12, expired", c.RenewMonths, c.State)
	}
	if c := got[junior.ID]; c.RenewMonths != 36 || c.State != compliance.Current {
		t.Errorf("junior: every %d months, %s; want 36, current", c.RenewMonths, c.State)
	}
}

func TestFilterAndCounts(t *testing.T) {
	f := newMatrixFixture(t)
	m, err := f.Svc.Matrix(ctx, f.A.ID)
	if err != nil {
		t.Fatal(err)
	}
	people, n := m.Select(compliance.Filter{})
	want := compliance.Counts{People: 6, UpToDate: 1, NeedsAction: 2, Expired: 1, Expiring: 1, NotBooked: 2, Booked: 3}
	if len(people) != 6 || n != want {
		t.Errorf("everyone: %d people, counts %+v; want 6, %+v", len(people), n, want)
	}
	cases := []struct {
		f    compliance.Filter
		want []string
	}{
		{compliance.Filter{Status: compliance.NeedsAction}, []string{"Ben Baker", "Cat Cole"}},
		{compliance.Filter{Status: compliance.OnlyExpired}, []string{"Cat Cole"}},
		{compliance.Filter{Status: compliance.OnlyExpiring}, []string{"Ben Baker"}},
		{compliance.Filter{Status: compliance.OnlyNotBooked}, []string{"Dan Dee", "Eve Evans"}},
		{compliance.Filter{Status: compliance.OnlyBooked}, []string{"Ben Baker", "Dan Dee", "Hal Hughes"}},
		{compliance.Filter{Status: compliance.UpToDate}, []string{"Ann Archer"}},
		{compliance.Filter{Team: "Children in need"}, []string{"Ann Archer", "Ben Baker", "Eve Evans"}},
		{compliance.Filter{JobTitle: "SOCIAL worker"}, []string{"Ann Archer", "Ben Baker", "Dan Dee", "Hal Hughes"}},
		{compliance.Filter{Team: "Early Help", Status: compliance.NeedsAction}, []string{"Cat Cole"}},
	}
	for _, tc := range cases {
		people, _ := m.Select(tc.f)
		var names []string
		for _, p := range people {
			names = append(names, p.Name)
		}
		if !equal(names, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.f, names, tc.want)
		}
	}
	if _, n := m.Select(compliance.Filter{Team: "Early Help"}); n.People != 2 || n.Expired != 1 || n.NotBooked != 1 {
		t.Errorf("Early Help counts: %+v", n)
	}
	if teams := m.Teams(); !equal(teams, []string{"Children in Need", "Early Help"}) {
		t.Errorf("teams %v", teams)
	}
	if _, err := compliance.ParseFilter("", "", "bogus"); err == nil {
		t.Error("an unknown status filter was accepted")
	}
	if got, err := compliance.ParseFilter(" Early Help ", "  social   worker ", "attention"); err != nil ||
		got != (compliance.Filter{Team: "Early Help", JobTitle: "social worker", Status: compliance.NeedsAction}) {
		t.Errorf("ParseFilter: %+v, %v", got, err)
	}
}

func TestNothingRequired(t *testing.T) {
	r := newRig(t)
	org := r.Org(t, "St Mary's Primary School", account.Education)
	cse := r.course(t, "CSE awareness", 36)
	r.rule(t, cse, account.SocialCare, "", 0)
	p := r.person(t, "Pat Teacher", "Teacher", "", org.ID)
	m, err := r.Svc.Matrix(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Courses) != 0 || len(m.People) != 1 || m.People[0].ID != p.ID || m.People[0].Status != compliance.NothingRequired {
		t.Fatalf("matrix %+v", m)
	}
	if _, n := m.Select(compliance.Filter{}); n.NothingRequired != 1 || n.UpToDate != 0 {
		t.Errorf("counts %+v", n)
	}
}

func equal(a, b []string) bool {
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
