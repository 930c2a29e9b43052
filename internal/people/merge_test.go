package people_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/people"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/testkit"
)

type rig struct {
	*testkit.Env
	Bookings         *booking.Service
	People           *people.Service
	Admin, Keep, Dup *account.User
	Other            *account.User
}

func newRig(t *testing.T) *rig {
	t.Helper()
	env := testkit.New(t)
	org := env.Org(t, "Bath Police", account.Police)
	r := &rig{Env: env, Bookings: booking.NewService(env.DB, env.Clock.Now),
		People: people.NewService(env.DB, env.Accounts, env.Clock.Now)}
	r.Admin = env.User(t, "ada@example.org", org.ID, account.Admin)
	r.Keep = env.User(t, "sam.smith@example.org", org.ID, account.Practitioner)
	r.Dup = env.User(t, "sam@example.org", org.ID, account.Practitioner)
	r.Other = env.User(t, "other@example.org", org.ID, account.Practitioner)
	return r
}

func (r *rig) book(t *testing.T, sessionID int64, u *account.User) booking.Booking {
	t.Helper()
	res, err := r.Bookings.Book(context.Background(), booking.Request{SessionID: sessionID, UserID: u.ID, ActorID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	return res.Booking
}

func (r *rig) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if err := r.DB.Write(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(q, args...)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func (r *rig) status(t *testing.T, bookingID int64) (string, int64) {
	t.Helper()
	var s string
	var user int64
	if err := r.DB.R.QueryRow(`SELECT status, user_id FROM bookings WHERE id = ?`, bookingID).Scan(&s, &user); err != nil {
		t.Fatal(err)
	}
	return s, user
}

// countsRight checks confirmed_count against the bookings themselves.
func (r *rig) countsRight(t *testing.T) {
	t.Helper()
	rows, err := r.DB.R.Query(`SELECT s.id, s.confirmed_count,
		(SELECT count(*) FROM bookings b WHERE b.session_id = s.id AND b.status = 'confirmed' AND b.walk_in = 0)
		FROM course_sessions s`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var stored, real int
		if err := rows.Scan(&id, &stored, &real); err != nil {
			t.Fatal(err)
		}
		if stored != real {
			t.Errorf("session %d: confirmed_count %d, but %d confirmed bookings", id, stored, real)
		}
	}
}

func TestMergeMovesBookingsAndSettlesClashes(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	course := r.Course(t, "Safeguarding level 2")
	// Both booked on a two-place session; Other waits.
	both := r.Session(t, course, 7*24*time.Hour, 2)
	keepBoth, dupBoth := r.book(t, both, r.Keep), r.book(t, both, r.Dup)
	waiting := r.book(t, both, r.Other)
	// The duplicate has the place, the kept account only a waiting-list spot.
	one := r.Session(t, course, 8*24*time.Hour, 1)
	dupPlace, keepWait := r.book(t, one, r.Dup), r.book(t, one, r.Keep)
	if keepWait.Status != booking.Waitlisted || waiting.Status != booking.Waitlisted {
		t.Fatalf("setup: %s %s", keepWait.Status, waiting.Status)
	}
	// The duplicate alone, attended, with an evaluation and a certificate.
	past := r.Session(t, course, 9*24*time.Hour, 5)
	dupOnly := r.book(t, past, r.Dup)
	r.exec(t, `UPDATE bookings SET attendance = 'attended' WHERE id = ?`, dupOnly.ID)
	r.exec(t, `INSERT INTO evaluations (booking_id, rating, usefulness, submitted_at) VALUES (?, 5, 5, '2026-11-25T10:00:00Z')`, dupOnly.ID)
	r.exec(t, `INSERT INTO certificates (code, booking_id, user_id, course_id, session_id, person_name, organisation,
		course_title, completed_on, duration_minutes, issued_at) VALUES ('ABC', ?, ?, ?, ?, 'Sam', 'Bath Police', 'S2', '2026-12-04', 180, '2026-12-04T10:00:00Z')`,
		dupOnly.ID, r.Dup.ID, course, past)
	r.exec(t, `INSERT INTO session_trainers (session_id, user_id) VALUES (?, ?)`, past, r.Dup.ID)
	r.exec(t, `UPDATE users SET team = 'Child protection' WHERE id = ?`, r.Dup.ID)
	tok, err := r.Accounts.CreateToken(ctx, r.Dup.ID)
	if err != nil {
		t.Fatal(err)
	}

	plan, err := r.People.Plan(ctx, r.Admin.ID, r.Keep.ID, r.Dup.ID)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Bookings != 3 || plan.Confirmed != 3 || plan.Attendance != 1 || plan.Evaluations != 1 ||
		plan.Certificates != 1 || plan.TrainerSessions != 1 || plan.APITokens != 1 || len(plan.Clashes) != 2 ||
		plan.Team != "Child protection" {
		t.Errorf("plan %+v", plan.Summary)
	}
	// The plan changed nothing.
	if s, u := r.status(t, dupBoth.ID); s != "confirmed" || u != r.Dup.ID {
		t.Fatalf("plan changed a booking: %s %d", s, u)
	}

	rec, err := r.People.Merge(ctx, r.Admin.ID, r.Keep.ID, r.Dup.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Same session, both booked: the kept account's place stays, the duplicate's is
	// cancelled, and the freed place goes to Other.
	if s, _ := r.status(t, keepBoth.ID); s != "confirmed" {
		t.Errorf("kept place: %s", s)
	}
	if s, u := r.status(t, dupBoth.ID); s != "cancelled" || u != r.Keep.ID {
		t.Errorf("duplicate's clashing place: %s, user %d", s, u)
	}
	if s, _ := r.status(t, waiting.ID); s != "confirmed" {
		t.Errorf("waiting list not promoted into the freed place: %s", s)
	}
	// Place beats waiting list, whoever held it.
	if s, u := r.status(t, dupPlace.ID); s != "confirmed" || u != r.Keep.ID {
		t.Errorf("duplicate's place: %s, user %d", s, u)
	}
	if s, _ := r.status(t, keepWait.ID); s != "cancelled" {
		t.Errorf("kept account's waiting-list spot: %s", s)
	}
	r.countsRight(t)

	// Everything else followed.
	list, err := r.Bookings.ForUser(ctx, r.Keep.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 5 {
		t.Errorf("kept account has %d bookings, want 5", len(list))
	}
	hist, err := r.Bookings.History(ctx, dupOnly.ID)
	if err != nil || len(hist) == 0 {
		t.Errorf("history of a moved booking: %v %v", hist, err)
	}
	var certUser, trainer, left int64
	_ = r.DB.R.QueryRow(`SELECT user_id FROM certificates WHERE code = 'ABC'`).Scan(&certUser)
	_ = r.DB.R.QueryRow(`SELECT count(*) FROM session_trainers WHERE user_id = ?`, r.Keep.ID).Scan(&trainer)
	_ = r.DB.R.QueryRow(`SELECT count(*) FROM bookings WHERE user_id = ?`, r.Dup.ID).Scan(&left)
	if certUser != r.Keep.ID || trainer != 1 || left != 0 {
		t.Errorf("certificate user %d, trainer rows %d, bookings left on duplicate %d", certUser, trainer, left)
	}
	keep, _ := r.Accounts.User(ctx, r.Keep.ID)
	dup, _ := r.Accounts.User(ctx, r.Dup.ID)
	if !keep.Active || keep.Team != "Child protection" || dup.Active {
		t.Errorf("after merge: kept %+v, duplicate active %v", keep, dup.Active)
	}
	if _, err := r.Accounts.UserByToken(ctx, tok); err == nil {
		t.Error("the duplicate's API token still works")
	}
	// Recorded, and shown for the kept person.
	merges, err := r.People.Merges(ctx, r.Keep.ID)
	if err != nil || len(merges) != 1 {
		t.Fatalf("merges %v %v", merges, err)
	}
	m := merges[0]
	if m.ID != rec.ID || m.MergedID != r.Dup.ID || m.MergedEmail != "sam@example.org" || m.ActorName != r.Admin.Name ||
		m.Summary.Bookings != 3 || len(m.Summary.Clashes) != 2 || !m.At.Equal(testkit.Start) {
		t.Errorf("record %+v", m)
	}
	if into, ok, err := r.People.MergedInto(ctx, r.Dup.ID); err != nil || !ok || into.KeptID != r.Keep.ID {
		t.Errorf("merged into: %+v %v %v", into, ok, err)
	}
	// Once is enough.
	if _, err := r.People.Merge(ctx, r.Admin.ID, r.Keep.ID, r.Dup.ID); err == nil {
		t.Error("merged the same account twice")
	}
}

func TestMergeDuplicateWinsByAttendanceAndQueue(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	course := r.Course(t, "Safeguarding level 2")
	full := r.Session(t, course, 7*24*time.Hour, 1)
	r.book(t, full, r.Other)
	keepWait, dupWait := r.book(t, full, r.Keep), r.book(t, full, r.Dup) // the kept account joined the list first
	marked := r.Session(t, course, 8*24*time.Hour, 5)
	keepPlace, dupPlace := r.book(t, marked, r.Keep), r.book(t, marked, r.Dup)
	r.exec(t, `UPDATE bookings SET attendance = 'attended' WHERE id = ?`, dupPlace.ID)
	if _, err := r.People.Merge(ctx, r.Admin.ID, r.Keep.ID, r.Dup.ID); err != nil {
		t.Fatal(err)
	}
	if s, _ := r.status(t, keepWait.ID); s != "waitlisted" {
		t.Errorf("earlier waiting-list spot: %s", s)
	}
	if s, _ := r.status(t, dupWait.ID); s != "cancelled" {
		t.Errorf("later waiting-list spot: %s", s)
	}
	if s, _ := r.status(t, dupPlace.ID); s != "confirmed" {
		t.Errorf("place with attendance marked: %s", s)
	}
	if s, _ := r.status(t, keepPlace.ID); s != "cancelled" {
		t.Errorf("unmarked place: %s", s)
	}
	r.countsRight(t)
	if n := r.session(t, marked); n != 1 {
		t.Errorf("confirmed_count %d, want 1", n)
	}
}

func (r *rig) session(t *testing.T, id int64) int {
	t.Helper()
	var n int
	if err := r.DB.R.QueryRow(`SELECT confirmed_count FROM course_sessions WHERE id = ?`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// snapshot is every row a merge could touch, to prove a refusal changed nothing.
func (r *rig) snapshot(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id || ':' || user_id || ':' || status FROM bookings ORDER BY id`,
		`SELECT id || ':' || active || ':' || team FROM users ORDER BY id`,
		`SELECT id || ':' || confirmed_count FROM course_sessions ORDER BY id`,
		`SELECT count(*) FROM booking_history`,
		`SELECT count(*) FROM account_merges`,
		`SELECT count(*) FROM api_tokens`,
	} {
		rows, err := r.DB.R.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			_ = rows.Scan(&s)
			b.WriteString(s + ";")
		}
		rows.Close()
	}
	return b.String()
}

func TestMergeRefusesBadInputAndChangesNothing(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	course := r.Course(t, "Safeguarding level 2")
	s := r.Session(t, course, 7*24*time.Hour, 2)
	r.book(t, s, r.Keep)
	r.book(t, s, r.Dup)
	if _, err := r.Accounts.CreateToken(ctx, r.Dup.ID); err != nil {
		t.Fatal(err)
	}
	disabled := r.User(t, "gone@example.org", r.Keep.OrganisationID, account.Practitioner)
	if err := r.Accounts.SetActive(ctx, disabled.ID, false); err != nil {
		t.Fatal(err)
	}
	before := r.snapshot(t)
	for _, c := range []struct {
		name              string
		actor, keep, dup  int64
		field, wantInText string
	}{
		{"same account twice", r.Admin.ID, r.Keep.ID, r.Keep.ID, people.FieldDuplicate, "two different accounts"},
		{"unknown duplicate", r.Admin.ID, r.Keep.ID, 99999, people.FieldDuplicate, "no account"},
		{"unknown account to keep", r.Admin.ID, 99999, r.Dup.ID, people.FieldKeep, "no account"},
		{"into a disabled account", r.Admin.ID, disabled.ID, r.Dup.ID, people.FieldKeep, "disabled"},
		{"merging away yourself", r.Admin.ID, r.Keep.ID, r.Admin.ID, people.FieldDuplicate, "signed in with"},
	} {
		_, planErr := r.People.Plan(ctx, c.actor, c.keep, c.dup)
		_, err := r.People.Merge(ctx, c.actor, c.keep, c.dup)
		for _, e := range []error{planErr, err} {
			var pe *problem.Error
			if !errors.As(e, &pe) || pe.Status != 422 || !strings.Contains(pe.Fields[c.field], c.wantInText) {
				t.Errorf("%s: %v (%+v)", c.name, e, pe)
			}
		}
	}
	if after := r.snapshot(t); after != before {
		t.Errorf("a refused merge changed something:\n%s\n%s", before, after)
	}
}

func TestMergeSettlesApprovalRequests(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	course := r.Course(t, "Safeguarding level 3")
	request := func(session int64, u *account.User, bookingID any, token string) int64 {
		t.Helper()
		var id int64
		err := r.DB.Write(ctx, func(tx *sql.Tx) error {
			return tx.QueryRow(`INSERT INTO approval_requests (session_id, user_id, booking_id, status, token_hash, created_at)
				VALUES (?, ?, ?, 'pending', ?, '2026-11-25T10:00:00Z') RETURNING id`, session, u.ID, bookingID, token).Scan(&id)
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	reqStatus := func(id int64) (string, int64) {
		var s string
		var user int64
		if err := r.DB.R.QueryRow(`SELECT status, user_id FROM approval_requests WHERE id = ?`, id).Scan(&s, &user); err != nil {
			t.Fatal(err)
		}
		return s, user
	}
	// The kept account holds a place pending approval; the duplicate has a real place.
	held := r.Session(t, course, 7*24*time.Hour, 3)
	keepHeld, dupReal := r.book(t, held, r.Keep), r.book(t, held, r.Dup)
	heldReq := request(held, r.Keep, keepHeld.ID, "t1")
	// Both accounts wait for approval on another session, only the duplicate holding a place.
	pair := r.Session(t, course, 8*24*time.Hour, 3)
	dupHold := r.book(t, pair, r.Dup)
	dupPairReq := request(pair, r.Dup, dupHold.ID, "t2")
	keepPairReq := request(pair, r.Keep, nil, "t3")

	if _, err := r.People.Merge(ctx, r.Admin.ID, r.Keep.ID, r.Dup.ID); err != nil {
		t.Fatal(err)
	}
	if s, _ := r.status(t, dupReal.ID); s != "confirmed" {
		t.Errorf("a real place lost to a held one: %s", s)
	}
	if s, _ := r.status(t, keepHeld.ID); s != "cancelled" {
		t.Errorf("held place: %s", s)
	}
	if s, _ := reqStatus(heldReq); s != "withdrawn" {
		t.Errorf("request for the cancelled held place: %s", s)
	}
	if s, u := reqStatus(dupPairReq); s != "pending" || u != r.Keep.ID {
		t.Errorf("the request holding a place: %s, user %d", s, u)
	}
	if s, _ := reqStatus(keepPairReq); s != "withdrawn" {
		t.Errorf("the request without a place: %s", s)
	}
	var pending int
	_ = r.DB.R.QueryRow(`SELECT count(*) FROM approval_requests WHERE user_id = ? AND status = 'pending'`, r.Keep.ID).Scan(&pending)
	if pending != 1 {
		t.Errorf("%d pending requests on the kept account, want 1", pending)
	}
	r.countsRight(t)
}
