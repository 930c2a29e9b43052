package booking

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"github.com/traininghub/traininghub/internal/booking/waitlist"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/store"
)

// newUID is a booking's calendar UID: 128 random bits, no personal data. The host part
// is added when the invite is written.
func newUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// sessionState is what the engine needs to decide a booking, read inside the transaction.
type sessionState struct {
	id           int64
	status       string
	courseStatus string
	startsAt     time.Time
	closesAt     time.Time
	cutoffAt     time.Time
	capacity     int
	confirmed    int
	// anyoneWaiting: an active person is on the waiting list, so a free place is theirs,
	// not a newcomer's. (Whether, not how many: EXISTS stops at the first.)
	anyoneWaiting bool
	// mail is what a message about a booking on this session says of it, read in the
	// same query so that a new booking's email needs no second look.
	mail outbox.BookingSnapshot
}

// lockSession locks the session's row (store.LockRow) and reads what deciding a booking
// on it needs. Every change to a session's bookings starts here, or at lockedBooking, so
// two writers never decide on the same places at once.
func lockSession(ctx context.Context, tx *sql.Tx, id int64) (sessionState, error) {
	st := sessionState{id: id}
	if err := store.LockRow(ctx, tx, "course_sessions", id); err != nil {
		return st, err
	}
	var starts, ends, closes, cutoff store.Time
	err := tx.QueryRowContext(ctx, `SELECT s.status, CASE WHEN c.approval = 'approved' THEN c.status ELSE 'unapproved' END, s.starts_at, s.booking_closes_at, s.cancel_cutoff_at,
		s.capacity, s.confirmed_count,
		EXISTS (SELECT 1 FROM bookings b JOIN users u ON u.id = b.user_id AND u.active = 1
		  WHERE b.session_id = s.id AND b.status = 'waitlisted'),
		c.id, c.title, c.summary, s.ends_at, s.online, s.venue, s.online_url
		FROM course_sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = ?`, id).
		Scan(&st.status, &st.courseStatus, &starts, &closes, &cutoff, &st.capacity, &st.confirmed, &st.anyoneWaiting,
			&st.mail.CourseID, &st.mail.CourseTitle, &st.mail.CourseSummary, &ends, &st.mail.Online, &st.mail.Venue, &st.mail.OnlineURL)
	if errors.Is(err, sql.ErrNoRows) {
		return st, ErrSessionNotFound
	}
	st.startsAt, st.closesAt, st.cutoffAt = starts.T, closes.T, cutoff.T
	st.mail.SessionID, st.mail.StartsAt, st.mail.EndsAt = id, starts.T, ends.T
	return st, err
}

func (st sessionState) started(now time.Time) bool { return !now.Before(st.startsAt) }

func (st sessionState) refuseBooking(now time.Time) error {
	switch {
	case st.status == "cancelled":
		return ErrSessionCancelled
	case st.started(now):
		return ErrSessionStarted
	case !now.Before(st.closesAt):
		return ErrBookingClosed
	case st.courseStatus != "published":
		return ErrCourseNotOpen
	}
	return nil
}

func writeHistory(ctx context.Context, tx *sql.Tx, bookingID int64, from, to Status, actorID int64, reason, at string) error {
	var fromArg, actorArg any
	if from != "" {
		fromArg = from
	}
	if actorID != 0 {
		actorArg = actorID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO booking_history (booking_id, from_status, to_status, actor_id, reason, at)
		VALUES (?, ?, ?, ?, ?, ?)`, bookingID, fromArg, to, actorArg, reason, at)
	return err
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func loadBooking(ctx context.Context, q queryer, id int64) (Booking, error) {
	var b Booking
	var created, updated store.Time
	err := q.QueryRowContext(ctx, `SELECT id, session_id, user_id, status, created_at, updated_at FROM bookings WHERE id = ?`, id).
		Scan(&b.ID, &b.SessionID, &b.UserID, &b.Status, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return b, ErrBookingNotFound
	}
	b.CreatedAt, b.UpdatedAt = created.T, updated.T
	if err == nil && b.Status == Waitlisted {
		b.WaitlistPosition, err = waitlistPosition(ctx, q, id)
	}
	return b, err
}

// lockedBooking locks the booking's session, then reads the booking: read before the
// lock, its status could be changed by another writer before this one acts on it.
func lockedBooking(ctx context.Context, tx *sql.Tx, id int64) (Booking, error) {
	var sessionID int64
	err := tx.QueryRowContext(ctx, `SELECT session_id FROM bookings WHERE id = ?`, id).Scan(&sessionID)
	if errors.Is(err, sql.ErrNoRows) {
		return Booking{}, ErrBookingNotFound
	}
	if err != nil {
		return Booking{}, err
	}
	if err := store.LockRow(ctx, tx, "course_sessions", sessionID); err != nil {
		return Booking{}, err
	}
	return loadBooking(ctx, tx, id)
}

// waitlistPosition is 1 + the number of people who joined the list earlier.
func waitlistPosition(ctx context.Context, q queryer, bookingID int64) (int, error) {
	var pos int
	err := q.QueryRowContext(ctx, `SELECT `+waitlist.PositionSQL("me")+` FROM bookings me WHERE me.id = ?`,
		bookingID).Scan(&pos)
	return pos, err
}

// PromoteTx fills free places from the waiting list, earliest first, inside the caller's
// transaction. Nobody is promoted once the session has started or when it is cancelled.
func PromoteTx(ctx context.Context, tx *sql.Tx, sessionID, actorID int64, now time.Time) ([]int64, error) {
	st, err := lockSession(ctx, tx, sessionID)
	if err != nil {
		return nil, err
	}
	free := st.capacity - st.confirmed
	if st.status == "cancelled" || st.started(now) || free <= 0 || !st.anyoneWaiting {
		return nil, nil
	}
	// People whose accounts were disabled keep their place in the queue but are passed over.
	ids, err := store.QueryIDs(ctx, tx, `SELECT b.id FROM bookings b JOIN users u ON u.id = b.user_id AND u.active = 1
		WHERE b.session_id = ? AND b.status = 'waitlisted' ORDER BY b.waitlisted_at, b.id LIMIT ?`, sessionID, free)
	if err != nil {
		return nil, err
	}
	stamp := store.FormatTime(now)
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE bookings SET status = 'confirmed', updated_at = ? WHERE id = ?`, stamp, id); err != nil {
			return nil, err
		}
		if err := writeHistory(ctx, tx, id, Waitlisted, Confirmed, actorID, ReasonPromoted, stamp); err != nil {
			return nil, err
		}
		if err := outbox.EnqueueBookingTx(ctx, tx, outbox.Promoted, id, outbox.Options{}, now); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// CancelAllTx cancels every live booking of a session the organiser has cancelled and
// tells each person: a calendar cancellation for places, a note for the waiting list.
func CancelAllTx(ctx context.Context, tx *sql.Tx, sessionID, actorID int64, reason string, now time.Time) ([]Booking, error) {
	if err := store.LockRow(ctx, tx, "course_sessions", sessionID); err != nil {
		return nil, err
	}
	// A place held for manager approval (hold.go) had no invite, so it gets no calendar
	// CANCEL; the approval scheduler closes the request and tells the person.
	rows, err := tx.QueryContext(ctx, `SELECT b.id, b.user_id, b.status, `+heldSQL+` FROM bookings b
		WHERE b.session_id = ? AND b.status IN ('confirmed', 'waitlisted') ORDER BY b.id`, sessionID)
	if err != nil {
		return nil, err
	}
	var affected []Booking
	held := map[int64]bool{}
	for rows.Next() {
		b := Booking{SessionID: sessionID}
		var isHeld bool
		if err := rows.Scan(&b.ID, &b.UserID, &b.Status, &isHeld); err != nil {
			rows.Close()
			return nil, err
		}
		held[b.ID] = isHeld
		affected = append(affected, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	stamp := store.FormatTime(now)
	for _, b := range affected {
		if _, err := tx.ExecContext(ctx, `UPDATE bookings SET status = 'cancelled', updated_at = ? WHERE id = ?`, stamp, b.ID); err != nil {
			return nil, err
		}
		if err := writeHistory(ctx, tx, b.ID, b.Status, Cancelled, actorID, ReasonSessionCancelled, stamp); err != nil {
			return nil, err
		}
		if held[b.ID] {
			continue
		}
		kind, opt := outbox.SessionCancelledWaitlist, outbox.Options{ByOrganiser: true, Reason: reason}
		if b.Status == Confirmed {
			kind, opt.BumpSequence = outbox.SessionCancelled, true
		}
		if err := outbox.EnqueueBookingTx(ctx, tx, kind, b.ID, opt, now); err != nil {
			return nil, err
		}
	}
	return affected, nil
}

// NotifySessionChangedTx tells everyone holding a live booking that the session moved or
// its venue or link changed: an updated invite (same UID, higher SEQUENCE) for places, a
// note for the waiting list. changes names what changed: "time", "venue", "link".
func NotifySessionChangedTx(ctx context.Context, tx *sql.Tx, sessionID int64, changes []string, now time.Time) error {
	// Places held for manager approval (hold.go) are left out: their invite, with the
	// details of the moment, goes when a manager approves.
	rows, err := tx.QueryContext(ctx, `SELECT b.id, b.status FROM bookings b
		WHERE b.session_id = ? AND b.status IN ('confirmed', 'waitlisted') AND NOT `+heldSQL+` ORDER BY b.id`, sessionID)
	if err != nil {
		return err
	}
	type live struct {
		id     int64
		status Status
	}
	var all []live
	for rows.Next() {
		var l live
		if err := rows.Scan(&l.id, &l.status); err != nil {
			rows.Close()
			return err
		}
		all = append(all, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, l := range all {
		kind, opt := outbox.SessionChangedWaitlist, outbox.Options{ByOrganiser: true, Changes: changes}
		if l.status == Confirmed {
			kind, opt.BumpSequence = outbox.SessionChanged, true
		}
		if err := outbox.EnqueueBookingTx(ctx, tx, kind, l.id, opt, now); err != nil {
			return err
		}
	}
	return nil
}
