package report

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// impactAnswer is one follow-up in the impact fixture; before 0 means not answered.
type impactAnswer struct {
	sess, user       string
	before, after    int
	change, examples string
	share            bool
}

// The impact fixture, on top of the hand-worked one (fixture_test.go): follow-ups sent to
//
//	S1 (K1): a1 answered 2 -> 4; a2 answered 1 -> 3 (examples shared); c4 no answer
//	S2 (K2): b1 answered 3 -> 3 (examples not shared); c1 answered 2 -> 5
//	S6 (K1, before the period): c1 answered 5 -> 1            -> left out
//
// Worked answers:
//
//	K1: sent 3, responses 2, rate 66.7%; before 3/2 = 1.5, now 7/2 = 3.5, change +2.0
//	K2: sent 2, responses 2, rate 100.0%; before 5/2 = 2.5, now 8/2 = 4.0, change +1.5
//	All: sent 5, responses 4, rate 80.0%; before 8/4 = 2.0, now 15/4 = 3.75 -> 3.8, change +1.8
//	A (a1, a2): 2, 2, 100.0%, 1.5, 3.5, +2.0
//	B (b1):     1, 1, 100.0%, 3.0, 3.0, 0.0
//	C (c4, c1): 2, 1, 50.0%, 2.0, 5.0, +3.0
var impactAnswers = []impactAnswer{
	{"S1", "a1", 2, 4, "Alice now checks who lives at home; ring 07700 900123 or alice.archer@nhs.example at Avon and Somerset Police", "", false},
	{"S1", "a2", 1, 3, "I record the child's own words", "A referral in the 2025-2026 year", true},
	{"S1", "c4", 0, 0, "", "", false},
	{"S2", "b1", 3, 3, "Nothing yet", "A private example", false},
	{"S2", "c1", 2, 5, "=HYPERLINK(\"http://evil.example\")", "", true},
	{"S6", "c1", 5, 1, "Outside the period", "", false},
}

func (f *fixture) addImpact(t *testing.T) {
	t.Helper()
	stamp := store.FormatTime(f.now.Add(-24 * time.Hour))
	for _, a := range impactAnswers {
		var booking int64
		if err := f.db.R.QueryRow(`SELECT id FROM bookings WHERE session_id = ? AND user_id = ?`, f.sess[a.sess], f.users[a.user]).
			Scan(&booking); err != nil {
			t.Fatalf("%s %s: %v", a.sess, a.user, err)
		}
		testkit.Exec(t, f.db, `INSERT INTO impact_followups (booking_id, asked_at) VALUES (?, ?)`, booking, stamp)
		if a.before > 0 {
			testkit.Exec(t, f.db, `INSERT INTO impact_answers (booking_id, confidence_before, confidence_after, change_made,
				examples, share_examples, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, booking, a.before, a.after, a.change,
				a.examples, a.share, stamp)
		}
	}
}

func TestImpactFigures(t *testing.T) {
	f := newFixture(t)
	f.addImpact(t)
	svc := f.service()
	svc.MinOrgResponses = 1 // every organisation's figures, to check them by hand
	r, err := svc.Impact(t.Context(), f.period)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ name, sent, responses, rate, before, after, change string }
	show := func(name string, x ImpactFigures) row {
		return row{name, itoa(x.Sent), itoa(x.Responses), x.ResponseRate().String(), x.BeforeText(), x.AfterText(), x.ChangeText()}
	}
	var courses, orgs []row
	for _, c := range r.Courses {
		courses = append(courses, show(c.Title, c.ImpactFigures))
	}
	for _, o := range r.Orgs {
		orgs = append(orgs, show(o.Name, o.ImpactFigures))
	}
	if want := []row{
		{"Child exploitation", "3", "2", "66.7%", "1.5", "3.5", "+2.0"},
		{"Domestic abuse", "2", "2", "100.0%", "2.5", "4.0", "+1.5"},
	}; !slices.Equal(courses, want) {
		t.Errorf("courses:\n got %v\nwant %v", courses, want)
	}
	if want := []row{
		{"Avon and Somerset Police", "2", "2", "100.0%", "1.5", "3.5", "+2.0"},
		{"British Transport Police", "1", "1", "100.0%", "3.0", "3.0", "0.0"},
		{"Royal United Hospitals", "2", "1", "50.0%", "2.0", "5.0", "+3.0"},
	}; !slices.Equal(orgs, want) {
		t.Errorf("organisations:\n got %v\nwant %v", orgs, want)
	}
	if got, want := show("All", r.Totals), (row{"All", "5", "4", "80.0%", "2.0", "3.8", "+1.8"}); got != want {
		t.Errorf("totals %v, want %v", got, want)
	}

	// Examples: the course and the words, anonymised; unshared examples left out.
	want := []ImpactExample{
		{"Child exploitation", "[name removed] now checks who lives at home; ring [phone number removed] or [email removed] at [organisation removed]", ""},
		{"Child exploitation", "I record the child's own words", "A referral in the 2025-2026 year"},
		{"Domestic abuse", "Nothing yet", ""},
		{"Domestic abuse", "=HYPERLINK(\"http://evil.example\")", ""},
	}
	if !slices.Equal(r.Examples, want) {
		t.Errorf("examples:\n got %q\nwant %q", r.Examples, want)
	}
	all := strings.Join(slices.Concat(ImpactExampleRows(r)...), "|")
	for _, secret := range []string{"Alice", "Archer", "07700", "nhs.example", "Avon", "private example", "Outside the period"} {
		if strings.Contains(all, secret) {
			t.Errorf("the examples give away %q: %s", secret, all)
		}
	}
}

func TestImpactCSVRows(t *testing.T) {
	f := newFixture(t)
	f.addImpact(t)
	r, err := f.service().Impact(t.Context(), f.period)
	if err != nil {
		t.Fatal(err)
	}
	courses := ImpactCourseRows(r)
	if got := strings.Join(courses[0], ","); got != "Course,Follow-ups sent,Responses,Response rate (%),Average confidence before (1-5),Average confidence now (1-5),Change in confidence" {
		t.Errorf("header %s", got)
	}
	if got := strings.Join(courses[1], ","); got != "Child exploitation,3,2,66.7,1.5,3.5,2.0" {
		t.Errorf("K1 %s", got)
	}
	if got := strings.Join(courses[len(courses)-1], ","); got != "All courses,5,4,80.0,2.0,3.8,1.8" {
		t.Errorf("total %s", got)
	}
	orgs := ImpactOrgRows(r)
	// One answer from the hospital: its confidence figures would be that answer, so
	// they are withheld (MinOrgResponses); the counts stay.
	if got := strings.Join(orgs[3], ","); got != "Royal United Hospitals,Health,2,1,50.0,,," {
		t.Errorf("C %s", got)
	}
	if n := len(ImpactExampleRows(r)); n != 5 {
		t.Errorf("%d example rows, want a header and 4", n)
	}

	// A period with nothing: no rates, no averages, no examples.
	empty, err := f.service().Impact(t.Context(), Period{From: f.period.From.AddDate(-3, 0, 0), To: f.period.From.AddDate(-2, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ImpactCourseRows(empty)[1], ","); got != "All courses,0,0,,,," {
		t.Errorf("empty total %s", got)
	}
}

func TestAnonymise(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Seán Ó Briain spoke to SEÁN's manager", "[name removed] spoke to [name removed]'s manager"},
		{"Call +44 (0)117 496 0123 or 0117-496-0123", "Call [phone number removed] or [phone number removed]"},
		{"In 2025-2026 we saw 1,234 referrals on 12/03/2026", "In 2025-2026 we saw 1,234 referrals on 12/03/2026"},
		{"Seánna and Briainstown are other words", "Seánna and Briainstown are other words"},
		{"Email sean.obriain@police.example.org at Bath Police", "Email [email removed] at [organisation removed]"},
		{"sean.obriain wrote this", "[name removed] wrote this"},
	} {
		if got := Anonymise(tc.in, "Seán Ó Briain", "sean.obriain@police.example.org", "Bath Police"); got != tc.want {
			t.Errorf("Anonymise(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestImpactChangeWords(t *testing.T) {
	for _, tc := range []struct {
		f                   ImpactFigures
		rate, change, plain string
	}{
		{ImpactFigures{Sent: 3, Responses: 2, BeforeSum: 9, AfterSum: 6}, "66.7%", "-1.5", "-1.5"},
		{ImpactFigures{Sent: 3, Responses: 3, BeforeSum: 4, AfterSum: 8}, "100.0%", "+1.4", "1.4"}, // 1.3 -> 2.7
		{ImpactFigures{Sent: 4}, "0.0%", "", ""},
		{ImpactFigures{}, "—", "", ""},
	} {
		if got := tc.f.ResponseRate().String(); got != tc.rate {
			t.Errorf("%+v rate %q, want %q", tc.f, got, tc.rate)
		}
		if got := tc.f.ChangeText(); got != tc.change {
			t.Errorf("%+v change %q, want %q", tc.f, got, tc.change)
		}
		if got := tc.f.ChangePlain(); got != tc.plain {
			t.Errorf("%+v plain %q, want %q", tc.f, got, tc.plain)
		}
	}
}
