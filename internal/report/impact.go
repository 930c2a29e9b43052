package report

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/account"
)

// ImpactFigures are the "did it change practice?" figures for one group of follow-ups
// (internal/impact); see the package documentation.
type ImpactFigures struct {
	Sent      int // follow-ups sent
	Responses int
	BeforeSum int64 // confidence before the training, summed over the responses
	AfterSum  int64 // confidence now
	// Withheld hides the confidence figures of a group so small that they would be its
	// members' own answers (an organisation with few responses: see MinOrgResponses).
	Withheld bool
}

// MinOrgResponses is the fewest responses from one organisation for its confidence
// figures to be shown. The form promises answers are reported without the writer's
// organisation; an organisation's average of one or two answers would be those answers.
const MinOrgResponses = 5

// ResponseRate is responses over follow-ups sent.
func (f ImpactFigures) ResponseRate() Rate { return Rate{Num: int64(f.Responses), Den: int64(f.Sent)} }

// Before is the average confidence before the training in tenths; ok is false with no
// responses.
func (f ImpactFigures) Before() (int64, bool) {
	if f.Withheld {
		return 0, false
	}
	return AverageTenths(f.BeforeSum, int64(f.Responses))
}

// After is the average confidence now in tenths.
func (f ImpactFigures) After() (int64, bool) {
	if f.Withheld {
		return 0, false
	}
	return AverageTenths(f.AfterSum, int64(f.Responses))
}

// Change is After minus Before, each rounded first, so the three figures shown always
// add up; ok is false with no responses.
func (f ImpactFigures) Change() (int64, bool) {
	b, ok := f.Before()
	a, _ := f.After()
	return a - b, ok
}

// BeforeText, AfterText and ChangeText are the figures as shown: "2.3", "3.9", "+1.6",
// or "" with no responses.
func (f ImpactFigures) BeforeText() string { return tenthsText(f.Before()) }

// AfterText: see BeforeText.
func (f ImpactFigures) AfterText() string { return tenthsText(f.After()) }

// ChangeText: see BeforeText. A rise carries a plus sign.
func (f ImpactFigures) ChangeText() string {
	t, ok := f.Change()
	if !ok {
		return ""
	}
	if t > 0 {
		return "+" + Tenth(t)
	}
	return Tenth(t)
}

// ChangePlain is the change for spreadsheets: "1.6", "-0.5", or "" with no responses.
// No plus sign: the CSV writer would have to neutralise a cell starting with one.
func (f ImpactFigures) ChangePlain() string { return tenthsText(f.Change()) }

func tenthsText(t int64, ok bool) string {
	if !ok {
		return ""
	}
	return Tenth(t)
}

func (f *ImpactFigures) add(o ImpactFigures) {
	f.Sent += o.Sent
	f.Responses += o.Responses
	f.BeforeSum += o.BeforeSum
	f.AfterSum += o.AfterSum
}

// ImpactCourse is one course's follow-up figures.
type ImpactCourse struct {
	ID    int64
	Title string
	ImpactFigures
}

// ImpactOrg is one organisation's (agency's): the organisation each person belongs to
// now, as for attendance.
type ImpactOrg struct {
	ID   int64
	Name string
	Type account.OrgType
	ImpactFigures
}

// ImpactExample is one answer as the board sees it: the course and the words, never
// who wrote them. Names, email addresses, phone numbers and the writer's organisation
// are taken out of the words (Anonymise).
type ImpactExample struct {
	Course  string
	Change  string
	Example string // "" unless the person agreed to it being quoted
}

// Impact is the follow-up report for a period: sessions that took place in it.
type Impact struct {
	Period   Period
	AsOf     time.Time
	Totals   ImpactFigures
	Courses  []ImpactCourse // courses with a follow-up sent, by title
	Orgs     []ImpactOrg    // organisations with a follow-up sent, by name
	Examples []ImpactExample

	minOrgResponses int
}

// Impact reads the follow-up report for p in one read transaction.
func (s *Service) Impact(ctx context.Context, p Period) (*Impact, error) {
	now := s.Now()
	out := &Impact{Period: p, AsOf: now, minOrgResponses: s.MinOrgResponses}
	if out.minOrgResponses == 0 {
		out.minOrgResponses = MinOrgResponses
	}
	from, to := bounds(p, now)
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := out.loadFigures(ctx, tx, from, to); err != nil {
			return err
		}
		return out.loadExamples(ctx, tx, from, to)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// impactFrom joins each follow-up sent to its session, course, person, organisation and
// answer; it binds heldSessions' two bounds.
const impactFrom = ` FROM impact_followups k
	JOIN bookings b ON b.id = k.booking_id
	JOIN course_sessions s ON s.id = b.session_id
	JOIN courses c ON c.id = s.course_id
	JOIN users u ON u.id = b.user_id
	JOIN organisations o ON o.id = u.organisation_id
	LEFT JOIN impact_answers a ON a.booking_id = b.id
	WHERE ` + heldSessions

func (r *Impact) loadFigures(ctx context.Context, tx *sql.Tx, from, to string) error {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.title, o.id, o.name, o.type, COUNT(*), COUNT(a.booking_id),
		COALESCE(SUM(a.confidence_before), 0), COALESCE(SUM(a.confidence_after), 0)`+impactFrom+`
		GROUP BY c.id, c.title, o.id, o.name, o.type`, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	courses, orgs := map[int64]*ImpactCourse{}, map[int64]*ImpactOrg{}
	for rows.Next() {
		var crs ImpactCourse
		var org ImpactOrg
		var f ImpactFigures
		if err := rows.Scan(&crs.ID, &crs.Title, &org.ID, &org.Name, &org.Type, &f.Sent, &f.Responses,
			&f.BeforeSum, &f.AfterSum); err != nil {
			return err
		}
		if courses[crs.ID] == nil {
			courses[crs.ID] = &crs
		}
		if orgs[org.ID] == nil {
			orgs[org.ID] = &org
		}
		courses[crs.ID].add(f)
		orgs[org.ID].add(f)
		r.Totals.add(f)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range courses {
		r.Courses = append(r.Courses, *c)
	}
	for _, o := range orgs {
		o.Withheld = o.Responses < r.minOrgResponses
		r.Orgs = append(r.Orgs, *o)
	}
	sort.Slice(r.Courses, func(i, j int) bool {
		return byName(r.Courses[i].Title, r.Courses[j].Title, r.Courses[i].ID, r.Courses[j].ID)
	})
	sort.Slice(r.Orgs, func(i, j int) bool { return byName(r.Orgs[i].Name, r.Orgs[j].Name, r.Orgs[i].ID, r.Orgs[j].ID) })
	return nil
}

// byName orders case-insensitively by name, then by id.
func byName(a, b string, ida, idb int64) bool {
	if x, y := strings.ToLower(a), strings.ToLower(b); x != y {
		return x < y
	}
	return ida < idb
}

// loadExamples reads the answers' words, course by course, and anonymises them: the
// writer's name, email and organisation are read only to be taken out.
func (r *Impact) loadExamples(ctx context.Context, tx *sql.Tx, from, to string) error {
	rows, err := tx.QueryContext(ctx, `SELECT c.title, a.change_made, CASE WHEN a.share_examples = 1 THEN a.examples ELSE '' END,
		u.name, u.email, o.name`+impactFrom+` AND a.booking_id IS NOT NULL
		AND (a.change_made <> '' OR (a.share_examples = 1 AND a.examples <> ''))
		ORDER BY c.title, a.submitted_at, a.booking_id`, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e ImpactExample
		var name, email, org string
		if err := rows.Scan(&e.Course, &e.Change, &e.Example, &name, &email, &org); err != nil {
			return err
		}
		e.Change, e.Example = Anonymise(e.Change, name, email, org), Anonymise(e.Example, name, email, org)
		r.Examples = append(r.Examples, e)
	}
	return rows.Err()
}
