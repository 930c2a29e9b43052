// Package reporttest generates a year of realistic training data for the report
// benchmarks: organisations of every type, people, courses with charges, sessions with
// bookings in every state, registers and evaluations. It writes plain SQL in one
// transaction, so 100,000 bookings take seconds, not minutes.
package reporttest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Stats says what was generated.
type Stats struct {
	Organisations, People, Courses, Sessions, Bookings, Evaluations int
}

// orgTypes with how many organisations of each a county partnership might have.
var orgTypes = []struct {
	typ string
	n   int
}{
	{"police", 3}, {"health", 12}, {"education", 30}, {"social_care", 6},
	{"voluntary", 14}, {"training_partner", 3}, {"other", 2},
}

// Generate fills db with about `bookings` bookings on sessions over the year before now
// (and a few still to come), deterministically for a given seed.
func Generate(ctx context.Context, db *store.DB, now time.Time, bookings int, seed uint64) (Stats, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var st Stats
	stamp := store.FormatTime(now.AddDate(-2, 0, 0))
	err := db.Write(ctx, func(tx *sql.Tx) error {
		var orgIDs []int64
		for _, t := range orgTypes {
			for i := 0; i < t.n; i++ {
				var id int64
				err := tx.QueryRowContext(ctx, `INSERT INTO organisations (name, type, created_at) VALUES (?, ?, ?) RETURNING id`,
					fmt.Sprintf("%s organisation %02d", t.typ, i+1), t.typ, stamp).Scan(&id)
				if err != nil {
					return err
				}
				orgIDs = append(orgIDs, id)
			}
		}
		st.Organisations = len(orgIDs)

		people := max(bookings/16, 200)
		insUser, err := tx.PrepareContext(ctx, `INSERT INTO users (email, name, job_title, organisation_id, created_at) VALUES (?, ?, 'Practitioner', ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer insUser.Close()
		userIDs := make([]int64, 0, people)
		for i := 0; i < people; i++ {
			// Bigger agencies (the first of each type) have more staff: pick twice, keep the smaller index.
			o := min(rng.IntN(len(orgIDs)), rng.IntN(len(orgIDs)))
			var id int64
			err := insUser.QueryRowContext(ctx, fmt.Sprintf("person%06d@example.org", i), fmt.Sprintf("Person %06d", i), orgIDs[o], stamp).Scan(&id)
			if err != nil {
				return err
			}
			userIDs = append(userIDs, id)
		}
		st.People = people

		const courses = 24
		courseIDs := make([]int64, 0, courses)
		for i := 0; i < courses; i++ {
			dna, late := 0, 0
			if i%2 == 0 {
				dna = 2500 + 500*(i%6)
			}
			if i%3 == 0 {
				late = 1250
			}
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO courses (title, duration_minutes, status, created_at, updated_at,
				charge_dna_pence, charge_late_pence) VALUES (?, 180, 'published', ?, ?, ?, ?) RETURNING id`,
				fmt.Sprintf("Course %02d: safeguarding topic", i+1), stamp, stamp, dna, late).Scan(&id)
			if err != nil {
				return err
			}
			courseIDs = append(courseIDs, id)
		}
		st.Courses = courses

		insSession, err := tx.PrepareContext(ctx, `INSERT INTO course_sessions (course_id, starts_at, ends_at, capacity,
			booking_closes_at, cancel_cutoff_at, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer insSession.Close()
		insRegister, err := tx.PrepareContext(ctx, `INSERT INTO registers (session_id, status, submitted_at, updated_at) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer insRegister.Close()
		insBooking, err := tx.PrepareContext(ctx, `INSERT INTO bookings (session_id, user_id, status, waitlisted_at, created_at,
			updated_at, walk_in, attendance) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer insBooking.Close()
		insEval, err := tx.PrepareContext(ctx, `INSERT INTO evaluations (booking_id, rating, usefulness, submitted_at) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer insEval.Close()

		today := now.In(clock.London)
		for st.Bookings < bookings {
			// A weekday morning or afternoon in the last year; one in fifty still to come.
			day := today.AddDate(0, 0, -rng.IntN(365))
			if rng.IntN(50) == 0 {
				day = today.AddDate(0, 0, 1+rng.IntN(60))
			}
			for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
				day = day.AddDate(0, 0, -1)
			}
			hour, minute := 9, 30
			if rng.IntN(2) == 0 {
				hour, minute = 13, 30
			}
			start := time.Date(day.Year(), day.Month(), day.Day(), hour, minute, 0, 0, clock.London).UTC()
			capacity := 16 + rng.IntN(45)
			status := "scheduled"
			if rng.IntN(25) == 0 {
				status = "cancelled"
			}
			s := store.FormatTime(start)
			var sessionID int64
			err := insSession.QueryRowContext(ctx, courseIDs[rng.IntN(courses)], s, store.FormatTime(start.Add(3*time.Hour)),
				capacity, s, store.FormatTime(start.Add(-48*time.Hour)), status, stamp, stamp).Scan(&sessionID)
			if err != nil {
				return err
			}
			st.Sessions++
			past := start.Before(now)
			submitted := past && status == "scheduled" && rng.IntN(20) != 0
			if past && status == "scheduled" {
				reg, at := "open", any(nil)
				if submitted {
					reg, at = "submitted", store.FormatTime(start.Add(4*time.Hour))
				}
				if _, err := insRegister.ExecContext(ctx, sessionID, reg, at, stamp); err != nil {
					return err
				}
			}

			// Who: distinct people for this session.
			confirmed := capacity * (50 + rng.IntN(51)) / 100
			waiting, cancelled, late, walkIns := 0, rng.IntN(5), rng.IntN(4), rng.IntN(3)
			if confirmed == capacity {
				waiting = rng.IntN(6)
			}
			n := confirmed + waiting + cancelled + late + walkIns
			seen := make(map[int64]bool, n)
			pick := func() int64 {
				for {
					u := userIDs[rng.IntN(len(userIDs))]
					if !seen[u] {
						seen[u] = true
						return u
					}
				}
			}
			book := func(status string, walkIn int, mark any, waitlisted any) (int64, error) {
				var id int64
				err := insBooking.QueryRowContext(ctx, sessionID, pick(), status, waitlisted, stamp, stamp, walkIn, mark).Scan(&id)
				if err != nil {
					return 0, err
				}
				st.Bookings++
				return id, nil
			}
			if status == "cancelled" { // the organiser cancelled everyone
				for i := 0; i < confirmed+late; i++ {
					if _, err := book("cancelled", 0, nil, nil); err != nil {
						return err
					}
				}
				continue
			}
			for i := 0; i < confirmed+walkIns; i++ {
				walkIn := 0
				if i >= confirmed {
					walkIn = 1
				}
				var mark any
				if past {
					switch r := rng.IntN(100); {
					case walkIn == 1 || r < 82:
						mark = "attended"
					case r < 86:
						mark = "partial"
					case r < 97:
						mark = "absent"
					default: // left unmarked
					}
				}
				id, err := book("confirmed", walkIn, mark, nil)
				if err != nil {
					return err
				}
				if submitted && mark == "attended" && rng.IntN(100) < 35 {
					if _, err := insEval.ExecContext(ctx, id, 2+rng.IntN(4), 1+rng.IntN(5), stamp); err != nil {
						return err
					}
					st.Evaluations++
				}
			}
			for i := 0; i < waiting; i++ {
				if _, err := book("waitlisted", 0, nil, stamp); err != nil {
					return err
				}
			}
			for i := 0; i < cancelled; i++ {
				if _, err := book("cancelled", 0, nil, nil); err != nil {
					return err
				}
			}
			for i := 0; i < late; i++ {
				if _, err := book("late_cancelled", 0, nil, nil); err != nil {
					return err
				}
			}
		}
		return nil
	})
	// No ANALYZE: the service never runs one, so the benchmarks see the query plans a
	// real database gets.
	return st, err
}
