// Package compliancetest generates large organisations with training histories, for the
// completion matrix's benchmarks and for trying the manager pages at scale.
package compliancetest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// Options size the generated data.
type Options struct {
	Staff      int // active staff of the organisation measured
	Courses    int // courses required of all of them
	OtherStaff int // staff of a second organisation, with histories of their own, as noise
	Now        time.Time
	Seed       uint64
}

// Generated says what was made.
type Generated struct {
	OrgID      int64 // the organisation measured (children's social care)
	OtherOrgID int64
	CourseIDs  []int64
	Bookings   int
	ManagerID  int64 // a manager of OrgID
}

var teams = []string{"Children in Need", "Child Protection", "Looked After Children", "Early Help", "Fostering", "Leaving Care"}
var jobs = []string{"Social Worker", "Senior Social Worker", "Family Support Worker", "Team Manager", "Practice Manager", "Personal Adviser"}
var first = []string{"Aisha", "Ben", "Cerys", "Dylan", "Ewa", "Femi", "Gwen", "Harun", "Isla", "Jon", "Kemi", "Liam", "Maja", "Nia", "Owen", "Priya", "Rhys", "Siân", "Tomás", "Zoë"}
var last = []string{"Ahmed", "Brown", "Cole", "Davies", "Evans", "Flynn", "Griffiths", "Hughes", "Iqbal", "Jones", "Kowalski", "Lewis", "Morgan", "Nowak", "O'Brien", "Patel", "Roberts", "Smith", "Thomas", "Williams"}

// Generate writes, in one transaction, two organisations, the courses (each required of
// every children's social care worker, two of them yearly for senior staff), past sessions
// with submitted registers over four years and a few sessions to come, and for each person
// and course a history: mostly completed once or twice at random dates, some booked, some
// on a waiting list, some nothing.
func Generate(ctx context.Context, db *store.DB, o Options) (Generated, error) {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	stamp := store.FormatTime(o.Now)
	var g Generated
	err := db.Write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO organisations (name, type, created_at) VALUES (?, 'social_care', ?) RETURNING id`,
			fmt.Sprintf("Generated Children's Services %d", o.Seed), stamp).Scan(&g.OrgID)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO organisations (name, type, created_at) VALUES (?, 'social_care', ?) RETURNING id`,
			fmt.Sprintf("Generated Neighbouring Council %d", o.Seed), stamp).Scan(&g.OtherOrgID)
		if err != nil {
			return err
		}

		type sessions struct{ past, future []int64 }
		var bySession []sessions
		for c := range o.Courses {
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO courses (title, summary, duration_minutes, validity_months, status, created_at, updated_at)
				VALUES (?, 'Generated', 180, 36, 'published', ?, ?) RETURNING id`, fmt.Sprintf("Required course %02d", c+1), stamp, stamp).Scan(&id)
			if err != nil {
				return err
			}
			g.CourseIDs = append(g.CourseIDs, id)
			if _, err := tx.ExecContext(ctx, `INSERT INTO required_training (course_id, org_type, renew_months, created_at)
				VALUES (?, 'social_care', NULL, ?)`, id, stamp); err != nil {
				return err
			}
			if c < 2 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO required_training (course_id, org_type, job_title_keyword, renew_months, created_at)
					VALUES (?, NULL, 'senior', 12, ?)`, id, stamp); err != nil {
					return err
				}
			}
			var s sessions
			for i := range 48 { // one a month for four years, registers submitted
				start := o.Now.AddDate(0, -48+i, 0)
				sid, err := insertSession(ctx, tx, id, start, stamp)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO registers (session_id, status, submitted_at, updated_at)
					VALUES (?, 'submitted', ?, ?)`, sid, store.FormatTime(start.Add(4*time.Hour)), stamp); err != nil {
					return err
				}
				s.past = append(s.past, sid)
			}
			for i := range 4 {
				sid, err := insertSession(ctx, tx, id, o.Now.AddDate(0, 0, 10+14*i), stamp)
				if err != nil {
					return err
				}
				s.future = append(s.future, sid)
			}
			bySession = append(bySession, s)
		}

		user, err := tx.PrepareContext(ctx, `INSERT INTO users (email, name, job_title, team, organisation_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer user.Close()
		book, err := tx.PrepareContext(ctx, `INSERT INTO bookings (session_id, user_id, status, waitlisted_at, attendance, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer book.Close()
		for n := range o.Staff + o.OtherStaff {
			org := g.OrgID
			if n >= o.Staff {
				org = g.OtherOrgID
			}
			name := first[rng.IntN(len(first))] + " " + last[rng.IntN(len(last))]
			var uid int64
			err := user.QueryRowContext(ctx, fmt.Sprintf("person%d-%d@generated.example.org", o.Seed, n), name,
				jobs[rng.IntN(len(jobs))], teams[rng.IntN(len(teams))], org, stamp).Scan(&uid)
			if err != nil {
				return err
			}
			if n == 0 {
				g.ManagerID = uid
				if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, 'manager')`, uid); err != nil {
					return err
				}
			}
			for _, s := range bySession {
				roll := rng.IntN(100)
				if roll < 85 { // completed in the last 40 months, a quarter of them twice
					first := len(s.past) - 1 - rng.IntN(40)
					picks := []int64{s.past[first]}
					if rng.IntN(4) == 0 { // a different, later or earlier, session
						picks = append(picks, s.past[(first+1+rng.IntN(len(s.past)-1))%len(s.past)])
					}
					for _, sid := range picks {
						if _, err := book.ExecContext(ctx, sid, uid, "confirmed", nil, "attended", stamp, stamp); err != nil {
							return err
						}
						g.Bookings++
					}
				}
				switch {
				case roll%10 == 0: // one in ten also has a cancelled booking
					if _, err := book.ExecContext(ctx, s.future[rng.IntN(len(s.future))], uid, "cancelled", nil, nil, stamp, stamp); err != nil {
						return err
					}
					g.Bookings++
				case roll >= 85 && roll < 94:
					if _, err := book.ExecContext(ctx, s.future[rng.IntN(len(s.future))], uid, "confirmed", nil, nil, stamp, stamp); err != nil {
						return err
					}
					g.Bookings++
				case roll >= 94 && roll < 97:
					if _, err := book.ExecContext(ctx, s.future[rng.IntN(len(s.future))], uid, "waitlisted", stamp, nil, stamp, stamp); err != nil {
						return err
					}
					g.Bookings++
				}
			}
		}
		return nil
	})
	return g, err
}

func insertSession(ctx context.Context, tx *sql.Tx, courseID int64, start time.Time, stamp string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO course_sessions (course_id, starts_at, ends_at, venue, capacity,
		booking_closes_at, cancel_cutoff_at, created_at, updated_at) VALUES (?, ?, ?, 'Generated venue', 100000, ?, ?, ?, ?) RETURNING id`,
		courseID, store.FormatTime(start), store.FormatTime(start.Add(3*time.Hour)), store.FormatTime(start),
		store.FormatTime(start), stamp, stamp).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, nil
}
