package compliance

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/certificate"
	"github.com/traininghub/traininghub/internal/store"
)

// ExpiringWithinDays is how long before its renewal date training shows as expiring: the
// learning record's window, so the two never disagree.
const ExpiringWithinDays = certificate.ExpiringWithinDays

// Course is a column of the matrix.
type Course struct {
	ID    int64
	Title string
}

// Cell is one person against one course.
type Cell struct {
	// Required is false when no rule requires the course of this person; the rest is
	// then empty.
	Required bool
	State    State
	// RenewMonths is how often the person must redo it (the strictest rule that applies);
	// 0: once is enough.
	RenewMonths int
	// CompletedOn is when the latest completing session started; zero: never completed.
	CompletedOn time.Time
	// ExpiresOn is when that completion lapses (London midnight, as certificates count);
	// zero: it never does, or there is no completion.
	ExpiresOn time.Time
	// SessionStart is, for Booked, the start of the soonest session with a confirmed place;
	// for Waitlisted, the soonest session whose waiting list the person is on.
	SessionStart time.Time

	booked, waiting time.Time // the soonest live sessions of each kind, while building
}

// Person is a row of the matrix: an active member of the organisation's staff.
type Person struct {
	ID       int64
	Name     string
	Email    string
	JobTitle string
	Team     string
	// Status is the worst state among the person's required cells; NothingRequired when
	// no rule requires anything of them.
	Status State
	// Cells line up with Matrix.Courses.
	Cells []Cell
}

// Required counts the courses required of the person.
func (p Person) Required() int {
	n := 0
	for _, c := range p.Cells {
		if c.Required {
			n++
		}
	}
	return n
}

// Has reports whether any required cell is in one of states.
func (p Person) Has(states ...State) bool {
	for _, c := range p.Cells {
		if !c.Required {
			continue
		}
		for _, s := range states {
			if c.State == s {
				return true
			}
		}
	}
	return false
}

// Matrix is an organisation's staff against the courses required of them.
type Matrix struct {
	Organisation account.Organisation
	// Courses are the columns: every course required of at least one person, by title.
	Courses []Course
	// People are the rows, by name.
	People []Person
	// At is the moment the states describe.
	At time.Time
}

// Matrix builds the completion matrix of an organisation's active staff, with a fixed
// number of queries whatever its size: the organisation, the rules, the people, their
// latest completions and their live bookings. An unknown organisation is
// store.ErrNotFound.
func (s *Service) Matrix(ctx context.Context, orgID int64) (*Matrix, error) {
	return s.build(ctx, orgID, 0)
}

// Person builds one person's row of their organisation's matrix. scopeOrgID is the
// organisation the caller may see (a manager's own); 0 allows any (admins). A person
// outside the scope, unknown or no longer active, is store.ErrNotFound: the caller cannot
// tell someone from another organisation from nobody.
func (s *Service) Person(ctx context.Context, scopeOrgID, personID int64) (*Matrix, error) {
	var orgID int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT organisation_id FROM users u WHERE id = ? AND active = 1 AND `+account.CountsAsStaff("u"), personID).Scan(&orgID)
	if err != nil {
		return nil, store.Classify(err)
	}
	if scopeOrgID != 0 && orgID != scopeOrgID {
		return nil, store.ErrNotFound
	}
	m, err := s.build(ctx, orgID, personID)
	if err != nil {
		return nil, err
	}
	if len(m.People) != 1 {
		return nil, store.ErrNotFound
	}
	return m, nil
}

// requirement is a course required of one person.
type requirement struct {
	col   int
	renew int // 0: once is enough
}

func (s *Service) build(ctx context.Context, orgID, onlyUser int64) (*Matrix, error) {
	now := s.Now()
	m := &Matrix{At: now}
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, name, type FROM organisations WHERE id = ?`, orgID).
		Scan(&m.Organisation.ID, &m.Organisation.Name, &m.Organisation.Type)
	if err != nil {
		return nil, store.Classify(err)
	}
	rules, err := s.rules(ctx, s.DB.R, `WHERE r.org_type IS NULL OR r.org_type = ?`, string(m.Organisation.Type))
	if err != nil {
		return nil, err
	}
	keywords := make([]string, len(rules))
	for i, r := range rules {
		keywords[i] = strings.ToLower(r.JobTitleKeyword)
	}

	userFilter, args := ``, []any{orgID}
	if onlyUser != 0 {
		userFilter, args = ` AND u.id = ?`, append(args, onlyUser)
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT u.id, u.name, u.email, u.job_title, u.team FROM users u
		WHERE u.organisation_id = ? AND u.active = 1 AND `+account.CountsAsStaff("u")+userFilter+` ORDER BY u.name COLLATE NOCASE, u.id`, args...)
	if err != nil {
		return nil, store.Classify(err)
	}
	// Every course any rule requires of anyone here gets a column; each person gets the
	// strictest renewal among the rules that cover them.
	colOf := map[int64]int{}
	var titles []Course
	var needs [][]requirement
	for rows.Next() {
		var p Person
		if err := rows.Scan(&p.ID, &p.Name, &p.Email, &p.JobTitle, &p.Team); err != nil {
			rows.Close()
			return nil, err
		}
		job := strings.ToLower(p.JobTitle)
		var need []requirement
		for i, r := range rules {
			if !applies(r, keywords[i], m.Organisation.Type, job) {
				continue
			}
			col, ok := colOf[r.CourseID]
			if !ok {
				col = len(titles)
				colOf[r.CourseID] = col
				titles = append(titles, Course{ID: r.CourseID, Title: r.CourseTitle})
			}
			need = mergeRequirement(need, requirement{col: col, renew: r.Renewal()})
		}
		m.People = append(m.People, p)
		needs = append(needs, need)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, store.Classify(err)
	}

	// Columns in title order (rules come sorted by title, so they nearly are already).
	order := sortedColumns(titles)
	m.Courses = make([]Course, len(titles))
	for old, c := range titles {
		m.Courses[order[old]] = c
	}
	rowOf := make(map[int64]int, len(m.People))
	cells, n := make([]Cell, len(m.People)*len(titles)), len(titles)
	for i := range m.People {
		rowOf[m.People[i].ID] = i
		m.People[i].Cells = cells[i*n : (i+1)*n : (i+1)*n]
		for _, n := range needs[i] {
			m.People[i].Cells[order[n.col]] = Cell{Required: true, RenewMonths: n.renew}
		}
	}
	if len(titles) == 0 || len(m.People) == 0 {
		m.finish(now)
		return m, nil
	}
	for i, c := range m.Courses {
		colOf[c.ID] = i
	}
	if err := s.fill(ctx, m, rowOf, colOf, userFilter, args, now); err != nil {
		return nil, err
	}
	for i := range m.People {
		for j := range m.People[i].Cells {
			c := &m.People[i].Cells[j]
			if c.Required {
				c.decide(now)
			}
		}
	}
	m.finish(now)
	return m, nil
}

// mergeRequirement adds r to need, keeping the strictest renewal when two rules require
// the same course (a shorter period is stricter; 0, once, is the least strict).
func mergeRequirement(need []requirement, r requirement) []requirement {
	for i := range need {
		if need[i].col == r.col {
			if r.renew > 0 && (need[i].renew == 0 || r.renew < need[i].renew) {
				need[i].renew = r.renew
			}
			return need
		}
	}
	return append(need, r)
}

// sortedColumns maps each column's first-seen index to its place in title order.
func sortedColumns(titles []Course) []int {
	idx := make([]int, len(titles))
	for i := range idx {
		idx[i] = i
	}
	// Insertion sort: a handful of columns.
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && lessCourse(titles[idx[j]], titles[idx[j-1]]); j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	order := make([]int, len(titles))
	for place, old := range idx {
		order[old] = place
	}
	return order
}

func lessCourse(a, b Course) bool {
	x, y := strings.ToLower(a.Title), strings.ToLower(b.Title)
	if x != y {
		return x < y
	}
	return a.ID < b.ID
}

// decide sets a required cell's state from its completion and live bookings at now.
func (c *Cell) decide(now time.Time) {
	completion := NotBooked
	if !c.CompletedOn.IsZero() {
		if c.RenewMonths > 0 {
			c.ExpiresOn = certificate.AddMonths(c.CompletedOn, c.RenewMonths)
		}
		switch certificate.ExpiryStatus(c.ExpiresOn, now) {
		case certificate.StatusExpiring:
			completion = Expiring
		case certificate.StatusExpired:
			completion = Expired
		default:
			completion = Current
		}
	}
	switch {
	case completion == Current:
		c.State, c.SessionStart = Current, time.Time{}
	case !c.booked.IsZero():
		c.State, c.SessionStart = Booked, c.booked
	case !c.waiting.IsZero():
		c.State, c.SessionStart = Waitlisted, c.waiting
	default:
		c.State, c.SessionStart = completion, time.Time{}
	}
}

// finish sets each person's overall status.
func (m *Matrix) finish(now time.Time) {
	m.At = now
	for i := range m.People {
		p := &m.People[i]
		p.Status = NothingRequired
		for _, c := range p.Cells {
			if c.Required && (p.Status == NothingRequired || c.State.Worse(p.Status)) {
				p.Status = c.State
			}
		}
	}
}

// scan runs a query and hands each row to fn.
func (s *Service) scan(ctx context.Context, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return store.Classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return store.Classify(rows.Err())
}
