package report

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// The hand-worked fixture. "Now" is Wednesday 25 November 2026, 10:00 (London is on GMT).
// The period asked for is 1 October 2026 to 30 November 2026 (from=2026-10-01,
// to=2026-12-01).
//
// Organisations (3, of 2 types):
//
//	A  Avon and Somerset Police  police
//	B  British Transport Police  police
//	C  Royal United Hospitals    health
//
// Courses:
//
//	K1 Child exploitation  charges £25.00 for not attending, £12.75 for cancelling late
//	K2 Domestic abuse      charges £600.00 for not attending, nothing for cancelling late
//
// Sessions (London times):
//
//	S1 K1 Wed 14 Oct 2026 09:30 (BST), capacity 10, register submitted
//	S2 K2 Wed  4 Nov 2026 09:30 (GMT), capacity 8,  register submitted
//	S3 K1 Wed 18 Nov 2026 13:00,       capacity 6,  register still open (not submitted)
//	S4 K1 Wed 21 Oct 2026 09:30, CANCELLED by the organiser        -> left out
//	S5 K1 Fri 27 Nov 2026 09:30, still to come (after now)         -> left out
//	S6 K1 Wed 30 Sep 2026 18:00, before the period, submitted      -> left out
//
// Bookings (person: status, mark):
//
//	S1: a1 confirmed attended; a2 promoted from the waiting list, attended; a3 absent;
//	    a4 confirmed but left unmarked on the submitted register; b1 partial;
//	    b2 late_cancelled; c1 absent; c2 cancelled in time; c3 waitlisted, never promoted;
//	    c4 walk-in, attended
//	S2: a1 attended; a5 absent; b1 attended; b3 absent; b4 was waitlisted and came
//	    anyway (walk-in), attended; c1 attended; c5 late_cancelled
//	S3: a1 marked attended but the register is open; c2 unmarked; b2 late_cancelled
//	S4: a1 cancelled (by the organiser); c1 late_cancelled before the session was cancelled
//	S5: a2 confirmed; b1 late_cancelled
//	S6: a3 absent; c1 attended
//
// Evaluations: S1 a1 (rating 4, useful 5), a2 (5, 5), c4 (4, 4); S2 b1 (3, 4), c1 (4, 3);
// S6 c1 (1, 1), outside the period.
//
// Worked answers (places booked = attended + partial + DNA + not recorded + late):
//
//	A: places 7 = S1 a1,a2,a3,a4 + S2 a1,a5 + S3 a1; attended 3 (a1 S1, a2 S1, a1 S2);
//	   partial 0; DNA 2 (a3 S1, a5 S2); not recorded 2 (a4 S1, a1 S3); late 0; walk-ins 0;
//	   people trained 2 (a1, a2); DNA rate 2/5 = 40.0%.   3+0+2+2+0 = 7.
//	B: places 5 = S1 b1,b2 + S2 b1,b3 + S3 b2; attended 1 (b1 S2); partial 1 (b1 S1);
//	   DNA 1 (b3); not recorded 0; late 2 (b2 S1, b2 S3); walk-ins 1 (b4);
//	   people trained 2 (b1, b4); DNA rate 1/3 = 33.3%.   1+1+1+0+2 = 5.
//	C: places 4 = S1 c1 + S2 c1,c5 + S3 c2; attended 1 (c1 S2); partial 0; DNA 1 (c1 S1);
//	   not recorded 1 (c2 S3); late 1 (c5); walk-ins 1 (c4); people trained 2 (c1, c4);
//	   DNA rate 1/2 = 50.0%.   1+0+1+1+1 = 4.
//	Police (A+B): 12, 4, 1, 3, 2, 2, 1, trained 4; DNA rate 3/8 = 37.5%.
//	Health (C):    4, 1, 0, 1, 1, 1, 1, trained 2; DNA rate 1/2 = 50.0%.
//	All:          16, 5, 1, 4, 3, 3, 2, trained 6; DNA rate 4/10 = 40.0%.
//	Sessions that took place: 3 (S1, S2, S3).
//
//	S1: capacity 10, places 7, held at start 6 (a1,a2,a3,a4,b1,c1), fill 6/10 = 60.0%;
//	    attended 2, partial 1, DNA 2, not recorded 1, late 1, walk-ins 1.
//	S2: capacity 8, places 6, held 5 (a1,a5,b1,b3,c1), fill 5/8 = 62.5%;
//	    attended 3, partial 0, DNA 2 (rate 2/5 = 40.0%), not recorded 0, late 1, walk-ins 1.
//	S3: capacity 6, places 3, held 2 (a1,c2), fill 2/6 = 33.3%;
//	    attended 0, partial 0, DNA 0, not recorded 2, late 1, walk-ins 0.
//	K1 (S1+S3): 2 sessions, capacity 16, held 8, fill 8/16 = 50.0%; places 10; attended 2;
//	    partial 1; DNA 2 (rate 2/5 = 40.0%); not recorded 3; late 2; walk-ins 1; people trained 3 (a1, a2, c4;
//	    a1 at S3 is not final); evaluations 3, rating 13/3 = 4.33 -> 4.3, useful 14/3 = 4.67 -> 4.7.
//	K2 (S2): 1 session, capacity 8, held 5, fill 62.5%; places 6; attended 3; partial 0;
//	    DNA 2 (rate 2/5 = 40.0%); not recorded 0; late 1; walk-ins 1; people trained 4 (a1, b1, c1, b4);
//	    evaluations 2, rating 7/2 = 3.5, useful 7/2 = 3.5.
//
// Charges (course amounts; S4, S5 and S6 left out; c5's late cancellation of K2 costs
// nothing, so it is no item):
//
//	A: DNA a3 S1 K1 £25.00 + a5 S2 K2 £600.00 = 62,500p; late none. Total £625.00.
//	B: DNA b3 S2 K2 £600.00; late b2 S1 K1 £12.75 + b2 S3 K1 £12.75 = 2,550p. Total 62,550p £625.50.
//	C: DNA c1 S1 K1 £25.00. Total 2,500p £25.00.
//	All: 62,500 + 62,550 + 2,500 = 127,550p = £1,275.50.
type fixture struct {
	db      *store.DB
	now     time.Time
	period  Period
	orgs    map[string]int64
	users   map[string]int64
	courses map[string]int64
	sess    map[string]int64
}

var fixtureNow = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func london(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, clock.London).UTC()
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{db: testkit.DB(t), now: fixtureNow,
		orgs: map[string]int64{}, users: map[string]int64{}, courses: map[string]int64{}, sess: map[string]int64{}}
	p, err := ParsePeriod("2026-10-01", "2026-12-01", f.now)
	if err != nil {
		t.Fatal(err)
	}
	f.period = p
	stamp := store.FormatTime(f.now.Add(-400 * 24 * time.Hour))
	err = f.db.Write(t.Context(), func(tx *sql.Tx) error {
		// exec runs q; one ending RETURNING id gives the new row's id.
		exec := func(q string, args ...any) int64 {
			var id int64
			var err error
			if strings.HasSuffix(q, "RETURNING id") {
				err = tx.QueryRow(q, args...).Scan(&id)
			} else {
				_, err = tx.Exec(q, args...)
			}
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return id
		}
		for _, o := range []struct{ key, name, typ string }{
			{"A", "Avon and Somerset Police", "police"},
			{"B", "British Transport Police", "police"},
			{"C", "Royal United Hospitals", "health"},
		} {
			f.orgs[o.key] = exec(`INSERT INTO organisations (name, type, created_at) VALUES (?, ?, ?) RETURNING id`, o.name, o.typ, stamp)
		}
		for _, u := range []struct{ key, name, org string }{
			{"a1", "Alice Archer", "A"}, {"a2", "Amir Ahmed", "A"}, {"a3", "Anna Abbott", "A"},
			{"a4", "Arthur Ash", "A"}, {"a5", "Aoife Allen", "A"},
			{"b1", "Bola Bello", "B"}, {"b2", "Ben Brown", "B"}, {"b3", "Beth Bird", "B"}, {"b4", "Bilal Baig", "B"},
			{"c1", "Cara Cole", "C"}, {"c2", "Chen Chow", "C"}, {"c3", "Ciara Conn", "C"},
			{"c4", "Colm Casey", "C"}, {"c5", "Cleo Cruz", "C"},
		} {
			f.users[u.key] = exec(`INSERT INTO users (email, name, organisation_id, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
				u.key+"@example.org", u.name, f.orgs[u.org], stamp)
		}
		f.courses["K1"] = exec(`INSERT INTO courses (title, duration_minutes, status, created_at, updated_at,
			charge_dna_pence, charge_late_pence) VALUES ('Child exploitation', 180, 'published', ?, ?, 2500, 1275) RETURNING id`, stamp, stamp)
		f.courses["K2"] = exec(`INSERT INTO courses (title, duration_minutes, status, created_at, updated_at,
			charge_dna_pence, charge_late_pence) VALUES ('Domestic abuse', 180, 'published', ?, ?, 60000, 0) RETURNING id`, stamp, stamp)
		for _, s := range []struct {
			key, course string
			start       time.Time
			capacity    int
			status      string
			register    string
		}{
			{"S1", "K1", london(2026, 10, 14, 9, 30), 10, "scheduled", "submitted"},
			{"S2", "K2", london(2026, 11, 4, 9, 30), 8, "scheduled", "submitted"},
			{"S3", "K1", london(2026, 11, 18, 13, 0), 6, "scheduled", "open"},
			{"S4", "K1", london(2026, 10, 21, 9, 30), 10, "cancelled", ""},
			{"S5", "K1", london(2026, 11, 27, 9, 30), 10, "scheduled", ""},
			{"S6", "K1", london(2026, 9, 30, 18, 0), 10, "scheduled", "submitted"},
		} {
			st := store.FormatTime(s.start)
			f.sess[s.key] = exec(`INSERT INTO course_sessions (course_id, starts_at, ends_at, capacity, booking_closes_at,
				cancel_cutoff_at, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				f.courses[s.course], st, store.FormatTime(s.start.Add(3*time.Hour)), s.capacity, st,
				store.FormatTime(s.start.Add(-48*time.Hour)), s.status, stamp, stamp)
			if s.register != "" {
				var submitted any
				if s.register == "submitted" {
					submitted = store.FormatTime(s.start.Add(4 * time.Hour))
				}
				exec(`INSERT INTO registers (session_id, status, submitted_at, updated_at) VALUES (?, ?, ?, ?)`,
					f.sess[s.key], s.register, submitted, stamp)
			}
		}
		bookings := []struct {
			sess, user, status string
			walkIn             int
			mark               string
			rating, useful     int
		}{
			{"S1", "a1", "confirmed", 0, "attended", 4, 5},
			{"S1", "a2", "confirmed", 0, "attended", 5, 5}, // promoted from the waiting list
			{"S1", "a3", "confirmed", 0, "absent", 0, 0},
			{"S1", "a4", "confirmed", 0, "", 0, 0},
			{"S1", "b1", "confirmed", 0, "partial", 0, 0},
			{"S1", "b2", "late_cancelled", 0, "", 0, 0},
			{"S1", "c1", "confirmed", 0, "absent", 0, 0},
			{"S1", "c2", "cancelled", 0, "", 0, 0},
			{"S1", "c3", "waitlisted", 0, "", 0, 0},
			{"S1", "c4", "confirmed", 1, "attended", 4, 4},
			{"S2", "a1", "confirmed", 0, "attended", 0, 0},
			{"S2", "a5", "confirmed", 0, "absent", 0, 0},
			{"S2", "b1", "confirmed", 0, "attended", 3, 4},
			{"S2", "b3", "confirmed", 0, "absent", 0, 0},
			{"S2", "b4", "confirmed", 1, "attended", 0, 0}, // waitlisted, came anyway
			{"S2", "c1", "confirmed", 0, "attended", 4, 3},
			{"S2", "c5", "late_cancelled", 0, "", 0, 0},
			{"S3", "a1", "confirmed", 0, "attended", 0, 0},
			{"S3", "c2", "confirmed", 0, "", 0, 0},
			{"S3", "b2", "late_cancelled", 0, "", 0, 0},
			{"S4", "a1", "cancelled", 0, "", 0, 0},
			{"S4", "c1", "late_cancelled", 0, "", 0, 0},
			{"S5", "a2", "confirmed", 0, "", 0, 0},
			{"S5", "b1", "late_cancelled", 0, "", 0, 0},
			{"S6", "a3", "confirmed", 0, "absent", 0, 0},
			{"S6", "c1", "confirmed", 0, "attended", 1, 1},
		}
		for _, b := range bookings {
			var mark, waitlisted any
			if b.mark != "" {
				mark = b.mark
			}
			if b.status == "waitlisted" {
				waitlisted = stamp
			}
			id := exec(`INSERT INTO bookings (session_id, user_id, status, waitlisted_at, created_at, updated_at, walk_in, attendance)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, f.sess[b.sess], f.users[b.user], b.status, waitlisted, stamp, stamp, b.walkIn, mark)
			if b.user == "a2" && b.sess == "S1" {
				exec(`INSERT INTO booking_history (booking_id, from_status, to_status, reason, at) VALUES (?, NULL, 'waitlisted', 'booked', ?)`, id, stamp)
				exec(`INSERT INTO booking_history (booking_id, from_status, to_status, reason, at) VALUES (?, 'waitlisted', 'confirmed', 'promoted', ?)`, id, stamp)
			}
			if b.rating > 0 {
				exec(`INSERT INTO evaluations (booking_id, rating, usefulness, submitted_at) VALUES (?, ?, ?, ?)`, id, b.rating, b.useful, stamp)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) service() *Service { return New(f.db, func() time.Time { return f.now }) }
