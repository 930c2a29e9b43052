package report

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Service reads the figures from the reader pool, never holding up bookings.
type Service struct {
	DB  *store.DB
	Now clock.Clock
	// MinOrgResponses overrides the package's MinOrgResponses (tests of the figures).
	MinOrgResponses int
}

// New wires a Service.
func New(db *store.DB, now clock.Clock) *Service { return &Service{DB: db, Now: now} }

// Counts are the attendance figures for one group of bookings; see the package
// documentation for what each one means.
type Counts struct {
	PlacesBooked  int
	Attended      int
	Partial       int
	DNA           int
	NotRecorded   int
	LateCancelled int
	WalkIns       int
	PeopleTrained int
}

// DNARate is did not attend / (attended + partly attended + did not attend).
func (c Counts) DNARate() Rate {
	return Rate{Num: int64(c.DNA), Den: int64(c.Attended + c.Partial + c.DNA)}
}

// HeldAtStart is the places still held when the session started (late cancellations
// gave theirs up).
func (c Counts) HeldAtStart() int { return c.PlacesBooked - c.LateCancelled }

// Add sums o into c. PeopleTrained adds up correctly only across groups that share no
// person (organisations, types, sessions of different people).
func (c *Counts) Add(o Counts) {
	c.PlacesBooked += o.PlacesBooked
	c.Attended += o.Attended
	c.Partial += o.Partial
	c.DNA += o.DNA
	c.NotRecorded += o.NotRecorded
	c.LateCancelled += o.LateCancelled
	c.WalkIns += o.WalkIns
	c.PeopleTrained += o.PeopleTrained
}

// OrgRow is one organisation's figures.
type OrgRow struct {
	ID   int64
	Name string
	Type account.OrgType
	Counts
}

// TypeRow is the figures for every organisation of one type.
type TypeRow struct {
	Type          account.OrgType
	Organisations int
	Counts
}

// Label is the type in plain English.
func (t TypeRow) Label() string { return t.Type.Label() }

// Attendance is the whole attendance report for a period.
type Attendance struct {
	Period Period
	// AsOf is when the figures were read: sessions after it have not taken place.
	AsOf time.Time
	// SessionsHeld counts the sessions that took place in the period.
	SessionsHeld int
	Totals       Counts
	ByType       []TypeRow // every type, in the usual order, zeros included
	ByOrg        []OrgRow  // every organisation, by name, zeros included
	Courses      []CourseRow
	Sessions     []SessionRow
}

// bounds are the stored-time strings that select sessions that took place in p: started
// on or after p's start, and before both p's end and now.
func bounds(p Period, now time.Time) (from, to string) {
	end := p.End()
	if now.Before(end) {
		end = now
	}
	if end.Before(p.Start()) {
		end = p.Start()
	}
	return store.FormatTime(p.Start()), store.FormatTime(end)
}

// heldSessions is the filter every query shares; it expects the session as s and binds
// the two bounds.
const heldSessions = `s.status = 'scheduled' AND s.starts_at >= ? AND s.starts_at < ?`

// countColumns compute Counts over bookings b (confirmed or late-cancelled) at a session
// whose register is r (LEFT JOINed). Order matches scanCounts.
const countColumns = `
	COUNT(*) FILTER (WHERE b.walk_in = 0),
	COUNT(*) FILTER (WHERE b.walk_in = 0 AND b.status = 'confirmed' AND r.status = 'submitted' AND b.attendance = 'attended'),
	COUNT(*) FILTER (WHERE b.walk_in = 0 AND b.status = 'confirmed' AND r.status = 'submitted' AND b.attendance = 'partial'),
	COUNT(*) FILTER (WHERE b.walk_in = 0 AND b.status = 'confirmed' AND r.status = 'submitted' AND b.attendance = 'absent'),
	COUNT(*) FILTER (WHERE b.walk_in = 0 AND b.status = 'confirmed' AND (r.status IS DISTINCT FROM 'submitted' OR b.attendance IS NULL)),
	COUNT(*) FILTER (WHERE b.walk_in = 0 AND b.status = 'late_cancelled'),
	COUNT(*) FILTER (WHERE b.walk_in = 1 AND b.status = 'confirmed' AND r.status = 'submitted' AND b.attendance IN ('attended', 'partial')),
	COUNT(DISTINCT CASE WHEN b.status = 'confirmed' AND r.status = 'submitted' AND b.attendance = 'attended' THEN b.user_id END)`

func countTargets(c *Counts) []any {
	return []any{&c.PlacesBooked, &c.Attended, &c.Partial, &c.DNA, &c.NotRecorded, &c.LateCancelled, &c.WalkIns, &c.PeopleTrained}
}

// Attendance reads the attendance report for p. All its queries run in one read
// transaction, so the figures agree with each other even while bookings go on.
func (s *Service) Attendance(ctx context.Context, p Period) (*Attendance, error) {
	now := s.Now()
	out := &Attendance{Period: p, AsOf: now}
	from, to := bounds(p, now)
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := out.loadOrgs(ctx, tx, from, to); err != nil {
			return err
		}
		return out.loadCourses(ctx, tx, from, to)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// read runs fn in a read-only transaction on the reader pool: one snapshot of the data.
func (s *Service) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.DB.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return store.Classify(err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	return store.Classify(fn(tx))
}

func (a *Attendance) loadOrgs(ctx context.Context, tx *sql.Tx, from, to string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, name, type FROM organisations`)
	if err != nil {
		return err
	}
	byID := map[int64]int{}
	for rows.Next() {
		var o OrgRow
		if err := rows.Scan(&o.ID, &o.Name, &o.Type); err != nil {
			rows.Close()
			return err
		}
		byID[o.ID] = len(a.ByOrg)
		a.ByOrg = append(a.ByOrg, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = tx.QueryContext(ctx, `SELECT u.organisation_id, `+countColumns+`
		FROM course_sessions s
		JOIN bookings b ON b.session_id = s.id AND b.status IN ('confirmed', 'late_cancelled')
		JOIN users u ON u.id = b.user_id
		LEFT JOIN registers r ON r.session_id = s.id
		WHERE `+heldSessions+`
		GROUP BY u.organisation_id`, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var orgID int64
		var c Counts
		if err := rows.Scan(append([]any{&orgID}, countTargets(&c)...)...); err != nil {
			return err
		}
		if i, ok := byID[orgID]; ok {
			a.ByOrg[i].Counts = c
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}

	sort.SliceStable(a.ByOrg, func(i, j int) bool {
		return strings.ToLower(a.ByOrg[i].Name) < strings.ToLower(a.ByOrg[j].Name)
	})
	known := map[account.OrgType]int{}
	for _, t := range account.OrgTypes {
		known[t] = len(a.ByType)
		a.ByType = append(a.ByType, TypeRow{Type: t})
	}
	for _, o := range a.ByOrg {
		i, ok := known[o.Type]
		if !ok { // the schema allows only the known types; never drop figures if that changes
			i = len(a.ByType)
			known[o.Type] = i
			a.ByType = append(a.ByType, TypeRow{Type: o.Type})
		}
		a.ByType[i].Organisations++
		a.ByType[i].Add(o.Counts)
		a.Totals.Add(o.Counts)
	}
	return nil
}
