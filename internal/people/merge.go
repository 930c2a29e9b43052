package people

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
)

// Clash is a session both accounts hold a live place on (booked or waiting). The person
// can hold one, so the stronger is kept and the other cancelled.
type Clash struct {
	SessionID   int64     `json:"session_id"`
	CourseTitle string    `json:"course_title"`
	StartsAt    time.Time `json:"starts_at"`
	KeptID      int64     `json:"kept_booking_id"`      // the booking that stays live
	KeptStatus  string    `json:"kept_status"`          // confirmed or waitlisted
	KeptFrom    string    `json:"kept_from"`            // "kept" or "duplicate": whose it was
	CancelID    int64     `json:"cancelled_booking_id"` // the booking cancelled
	CancelWas   string    `json:"cancelled_status"`
	freesPlace  bool      // the cancelled booking held a counted place
}

// Summary is what a merge moves (or would move), as the confirmation page shows it and
// the merge record keeps it.
type Summary struct {
	Bookings         int     `json:"bookings"`            // every booking of the duplicate
	Confirmed        int     `json:"confirmed"`           // of them, live places
	Waitlisted       int     `json:"waitlisted"`          // of them, waiting-list places
	History          int     `json:"history"`             // booking history entries that go with them
	Attendance       int     `json:"attendance"`          // bookings with attendance marked
	Evaluations      int     `json:"evaluations"`         // evaluations submitted
	Certificates     int     `json:"certificates"`        // certificates, valid or revoked
	ApprovalRequests int     `json:"approvals"`           // manager approval requests
	TrainerSessions  int     `json:"trainer"`             // sessions the duplicate trains on
	APITokens        int     `json:"api_tokens"`          // revoked, not moved
	SessionsEnded    int     `json:"sessions_out"`        // sign-in sessions ended (known after the merge)
	Team             string  `json:"team,omitempty"`      // copied to the kept account, which had none
	JobTitle         string  `json:"job_title,omitempty"` // likewise
	Clashes          []Clash `json:"clashes,omitempty"`
	Withdrawn        []int64 `json:"withdrawn,omitempty"` // approval requests withdrawn because of clashes
}

// Plan is a merge the admin is about to confirm.
type Plan struct {
	Keep      *account.User
	Duplicate *account.User
	Summary
}

// Field names of the merge form, for error messages.
const (
	FieldKeep      = "keep"
	FieldDuplicate = "duplicate"
)

// Plan works out what merging duplicate into keep would do, changing nothing; bad choices
// come back as a validation error naming the field to put right.
func (s *Service) Plan(ctx context.Context, actorID, keepID, dupID int64) (Plan, error) {
	if err := check(ctx, s.DB.R, actorID, keepID, dupID); err != nil {
		return Plan{}, err
	}
	p := Plan{}
	var err error
	if p.Keep, err = s.Accounts.User(ctx, keepID); err != nil {
		return Plan{}, err
	}
	if p.Duplicate, err = s.Accounts.User(ctx, dupID); err != nil {
		return Plan{}, err
	}
	p.Summary, err = summarise(ctx, s.DB.R, keepID, dupID)
	return p, err
}

// check refuses merges that make no sense, before anything changes.
func check(ctx context.Context, q querier, actorID, keepID, dupID int64) error {
	v := problem.Validation{}
	type acct struct {
		found, active bool
		mergedInto    int64
	}
	load := func(id int64) (acct, error) {
		var a acct
		if id <= 0 {
			return a, nil
		}
		err := q.QueryRowContext(ctx, `SELECT u.active, COALESCE((SELECT kept_user_id FROM account_merges WHERE merged_user_id = u.id), 0)
			FROM users u WHERE u.id = ?`, id).Scan(&a.active, &a.mergedInto)
		if errors.Is(err, sql.ErrNoRows) {
			return a, nil
		}
		a.found = err == nil
		return a, err
	}
	keep, err := load(keepID)
	if err != nil {
		return err
	}
	dup, err := load(dupID)
	if err != nil {
		return err
	}
	switch {
	case !keep.found:
		v.Add(FieldKeep, "There is no account with that number to keep")
	case !keep.active:
		v.Add(FieldKeep, "The account to keep is disabled. Enable it first, or keep the other account instead")
	}
	switch {
	case !dup.found:
		v.Add(FieldDuplicate, "There is no account with that number to merge")
	case dupID == keepID:
		v.Add(FieldDuplicate, "Choose two different accounts: an account cannot be merged into itself")
	case dup.mergedInto != 0:
		v.Add(FieldDuplicate, "This account was already merged into account "+strconv.FormatInt(dup.mergedInto, 10))
	case dupID == actorID:
		v.Add(FieldDuplicate, "You cannot merge away the account you are signed in with. Ask another admin to do it")
	}
	return v.Err()
}

// summarise counts what the duplicate has and settles each clash.
func summarise(ctx context.Context, q querier, keepID, dupID int64) (Summary, error) {
	var s Summary
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM bookings WHERE user_id = ?1),
		(SELECT count(*) FROM bookings WHERE user_id = ?1 AND status = 'confirmed'),
		(SELECT count(*) FROM bookings WHERE user_id = ?1 AND status = 'waitlisted'),
		(SELECT count(*) FROM booking_history h JOIN bookings b ON b.id = h.booking_id WHERE b.user_id = ?1)
		  + (SELECT count(*) FROM attendance_history a JOIN bookings b ON b.id = a.booking_id WHERE b.user_id = ?1),
		(SELECT count(*) FROM bookings WHERE user_id = ?1 AND attendance IS NOT NULL),
		(SELECT count(*) FROM evaluations e JOIN bookings b ON b.id = e.booking_id WHERE b.user_id = ?1),
		(SELECT count(*) FROM certificates WHERE user_id = ?1),
		(SELECT count(*) FROM approval_requests WHERE user_id = ?1),
		(SELECT count(*) FROM session_trainers WHERE user_id = ?1),
		(SELECT count(*) FROM api_tokens WHERE user_id = ?1),
		(SELECT CASE WHEN k.team = '' THEN d.team ELSE '' END FROM users k, users d WHERE k.id = ?2 AND d.id = ?1),
		(SELECT CASE WHEN k.job_title = '' THEN d.job_title ELSE '' END FROM users k, users d WHERE k.id = ?2 AND d.id = ?1)`,
		dupID, keepID).Scan(&s.Bookings, &s.Confirmed, &s.Waitlisted, &s.History, &s.Attendance, &s.Evaluations,
		&s.Certificates, &s.ApprovalRequests, &s.TrainerSessions, &s.APITokens, &s.Team, &s.JobTitle)
	if err != nil {
		return s, err
	}
	s.Clashes, err = clashes(ctx, q, keepID, dupID)
	return s, err
}

// liveBooking is one side of a clash.
type liveBooking struct {
	id           int64
	status       string
	walkIn       bool
	marked       bool // attendance recorded
	held         bool // a place held while a manager decides: not yet the person's for certain
	waitlistedAt string
}

// stronger reports whether a should be kept over b: a place over a waiting-list spot;
// then one whose attendance is marked (the register is the record); then a place that is
// the person's over one held for a manager's approval; then a counted place over a
// walk-in; then the earlier place in the queue. A tie keeps b, the kept account's.
func stronger(a, b liveBooking) bool {
	if (a.status == "confirmed") != (b.status == "confirmed") {
		return a.status == "confirmed"
	}
	if a.marked != b.marked {
		return a.marked
	}
	if a.held != b.held {
		return !a.held
	}
	if a.walkIn != b.walkIn {
		return !a.walkIn
	}
	if a.status == "waitlisted" && a.waitlistedAt != b.waitlistedAt {
		return a.waitlistedAt != "" && (b.waitlistedAt == "" || a.waitlistedAt < b.waitlistedAt)
	}
	return false
}

// liveHoldSQL, completed with a booking id and ")", is whether that booking is live.
const liveHoldSQL = `EXISTS (SELECT 1 FROM bookings hb WHERE hb.status = 'confirmed' AND hb.id = `

// heldSQL, completed with a booking id and ")", is whether that booking is a place held
// for a pending approval request.
const heldSQL = `EXISTS (SELECT 1 FROM approval_requests a WHERE a.status = 'pending' AND a.booking_id = `

func clashes(ctx context.Context, q querier, keepID, dupID int64) ([]Clash, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.session_id, c.title, s.starts_at,
		d.id, d.status, d.walk_in, d.attendance IS NOT NULL, `+heldSQL+`d.id), COALESCE(d.waitlisted_at, ''),
		k.id, k.status, k.walk_in, k.attendance IS NOT NULL, `+heldSQL+`k.id), COALESCE(k.waitlisted_at, '')
		FROM bookings d
		JOIN bookings k ON k.session_id = d.session_id AND k.user_id = ? AND k.status IN ('confirmed', 'waitlisted')
		JOIN course_sessions s ON s.id = d.session_id JOIN courses c ON c.id = s.course_id
		WHERE d.user_id = ? AND d.status IN ('confirmed', 'waitlisted')
		ORDER BY s.starts_at, d.id`, keepID, dupID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Clash
	for rows.Next() {
		var c Clash
		var starts store.Time
		var d, k liveBooking
		if err := rows.Scan(&c.SessionID, &c.CourseTitle, &starts,
			&d.id, &d.status, &d.walkIn, &d.marked, &d.held, &d.waitlistedAt,
			&k.id, &k.status, &k.walkIn, &k.marked, &k.held, &k.waitlistedAt); err != nil {
			return nil, err
		}
		c.StartsAt = starts.T
		win, lose, from := k, d, "kept"
		if stronger(d, k) {
			win, lose, from = d, k, "duplicate"
		}
		c.KeptID, c.KeptStatus, c.KeptFrom = win.id, win.status, from
		c.CancelID, c.CancelWas = lose.id, lose.status
		c.freesPlace = lose.status == "confirmed" && !lose.walkIn
		out = append(out, c)
	}
	return out, rows.Err()
}

// Record is a merge as it was done, shown on the kept person's page.
type Record struct {
	ID          int64
	KeptID      int64
	MergedID    int64
	MergedName  string
	MergedEmail string
	ActorID     int64
	ActorName   string
	At          time.Time
	Summary     Summary
}

// Merge moves everything the duplicate account holds onto the kept one, in one
// BEGIN IMMEDIATE transaction: bookings (with their history, attendance, evaluations and
// reminders), waiting-list places, certificates, approval requests and trainer
// assignments. Where both accounts hold a live place on one session the stronger is kept
// and the other cancelled, through the bookings' status so the confirmed_count triggers
// stay right, and a freed place goes to the waiting list. The duplicate is then disabled
// (its sessions, tokens, calendar feed and links ended), not deleted, and the merge is
// recorded. Any refusal or failure changes nothing.
func (s *Service) Merge(ctx context.Context, actorID, keepID, dupID int64) (Record, error) {
	var rec Record
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		if err := check(ctx, tx, actorID, keepID, dupID); err != nil {
			return err
		}
		sum, err := summarise(ctx, tx, keepID, dupID)
		if err != nil {
			return err
		}
		now := s.Now()
		stamp := store.FormatTime(now)
		var actor any
		if actorID != 0 {
			actor = actorID
		}
		// 1. Settle clashes while each booking still belongs to its own account, so the
		// one-live-booking index never sees two.
		var losers []int64
		free := map[int64]bool{}
		for _, c := range sum.Clashes {
			if err := booking.CancelForMergeTx(ctx, tx, c.CancelID, booking.Status(c.CancelWas), actorID, now); err != nil {
				return err
			}
			losers = append(losers, c.CancelID)
			if c.freesPlace {
				free[c.SessionID] = true
			}
		}
		// 2. Approval requests: one waiting for a place that was just cancelled is
		// withdrawn; where both accounts still wait on one session, the duplicate's goes,
		// unless only it holds a place meanwhile.
		withdraw := func(query string, args ...any) error {
			ids, err := store.QueryIDs(ctx, tx, query, args...)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if _, err := tx.ExecContext(ctx, `UPDATE approval_requests SET status = 'withdrawn', decided_by = ?,
					decided_at = ?, reason = 'accounts merged' WHERE id = ? AND status = 'pending'`, actor, stamp, id); err != nil {
					return err
				}
				sum.Withdrawn = append(sum.Withdrawn, id)
			}
			return nil
		}
		for _, id := range losers {
			if err := withdraw(`SELECT id FROM approval_requests WHERE booking_id = ? AND status = 'pending'`, id); err != nil {
				return err
			}
		}
		if err := withdraw(`SELECT CASE WHEN `+liveHoldSQL+`d.booking_id) AND NOT `+liveHoldSQL+`k.booking_id)
			THEN k.id ELSE d.id END
			FROM approval_requests d JOIN approval_requests k
			ON k.session_id = d.session_id AND k.user_id = ? AND k.status = 'pending'
			WHERE d.user_id = ? AND d.status = 'pending'`, keepID, dupID); err != nil {
			return err
		}
		// 3. Move what belongs to the person.
		if err := booking.MovePersonTx(ctx, tx, dupID, keepID, now); err != nil {
			return err
		}
		for _, m := range []struct {
			query string
			args  []any
		}{
			{`UPDATE certificates SET user_id = ? WHERE user_id = ?`, []any{keepID, dupID}},
			{`UPDATE approval_requests SET user_id = ? WHERE user_id = ?`, []any{keepID, dupID}},
			{`INSERT INTO session_trainers (session_id, user_id) SELECT session_id, ? FROM session_trainers WHERE user_id = ? ON CONFLICT DO NOTHING`,
				[]any{keepID, dupID}},
			{`DELETE FROM session_trainers WHERE user_id = ?`, []any{dupID}},
			// Idempotency keys only replay a double submit; the duplicate will submit nothing more.
			{`DELETE FROM idempotency_keys WHERE user_id = ?`, []any{dupID}},
			{`UPDATE users SET team = (SELECT team FROM users WHERE id = ?) WHERE id = ? AND team = ''`, []any{dupID, keepID}},
			{`UPDATE users SET job_title = (SELECT job_title FROM users WHERE id = ?) WHERE id = ? AND job_title = ''`, []any{dupID, keepID}},
		} {
			if _, err := tx.ExecContext(ctx, m.query, m.args...); err != nil {
				return err
			}
		}
		// 4. The duplicate is switched off, with every way in.
		ended, err := s.Accounts.DisableTx(ctx, tx, dupID)
		if err != nil {
			return err
		}
		sum.SessionsEnded = ended.Sessions
		// 5. A place given up in a clash goes to the waiting list, as any cancellation.
		for _, c := range sum.Clashes {
			if free[c.SessionID] {
				delete(free, c.SessionID)
				if _, err := booking.PromoteTx(ctx, tx, c.SessionID, actorID, now); err != nil {
					return err
				}
			}
		}
		// 6. The record.
		var name, email string
		if err := tx.QueryRowContext(ctx, `SELECT name, email FROM users WHERE id = ?`, dupID).Scan(&name, &email); err != nil {
			return err
		}
		js, err := json.Marshal(sum)
		if err != nil {
			return err
		}
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO account_merges (kept_user_id, merged_user_id, merged_name, merged_email,
			actor_id, summary, at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, keepID, dupID, name, email, actor, string(js), stamp).Scan(&id)
		if err != nil {
			return err
		}
		rec = Record{ID: id, KeptID: keepID, MergedID: dupID, MergedName: name, MergedEmail: email,
			ActorID: actorID, At: now.UTC().Truncate(time.Second), Summary: sum}
		return err
	})
	return rec, err
}

// Merges lists the accounts merged into userID, newest first.
func (s *Service) Merges(ctx context.Context, userID int64) ([]Record, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT m.id, m.kept_user_id, m.merged_user_id, m.merged_name, m.merged_email,
		COALESCE(m.actor_id, 0), COALESCE(a.name, ''), m.at, m.summary
		FROM account_merges m LEFT JOIN users a ON a.id = m.actor_id
		WHERE m.kept_user_id = ? ORDER BY m.id DESC`, userID)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r Record
		var at store.Time
		var js string
		if err := rows.Scan(&r.ID, &r.KeptID, &r.MergedID, &r.MergedName, &r.MergedEmail, &r.ActorID, &r.ActorName,
			&at, &js); err != nil {
			return nil, err
		}
		r.At = at.T
		if err := json.Unmarshal([]byte(js), &r.Summary); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MergedInto returns the merge that took userID away, if any, for the duplicate's page.
func (s *Service) MergedInto(ctx context.Context, userID int64) (Record, bool, error) {
	var r Record
	var at store.Time
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, kept_user_id, merged_user_id, at FROM account_merges WHERE merged_user_id = ?`,
		userID).Scan(&r.ID, &r.KeptID, &r.MergedID, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, store.Classify(err)
	}
	r.At = at.T
	return r, true, nil
}
