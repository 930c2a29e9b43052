package booking_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// fullSession makes a session with capacity confirmed bookings and `waiting` people on
// its waiting list, joining a second apart.
func (f *fixture) fullSession(t *testing.T, capacity, waiting int) (sid int64, confirmed, queue []booking.Booking) {
	t.Helper()
	sid = f.session(t, capacity)
	for range capacity {
		confirmed = append(confirmed, f.book(t, sid, f.person(t)))
	}
	for range waiting {
		f.Clock.Advance(time.Second)
		b := f.book(t, sid, f.person(t))
		if b.Status != booking.Waitlisted {
			t.Fatalf("expected waitlisted, got %s", b.Status)
		}
		queue = append(queue, b)
	}
	return sid, confirmed, queue
}

func (f *fixture) wantPromoted(t *testing.T, b booking.Booking, actor string) {
	t.Helper()
	if s := f.status(t, b.ID); s != booking.Confirmed {
		t.Errorf("booking %d = %s, want confirmed (promoted)", b.ID, s)
		return
	}
	h, err := f.Svc.History(context.Background(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 {
		t.Fatalf("history of promoted booking %d = %+v", b.ID, h)
	}
	p := h[1]
	if p.From != booking.Waitlisted || p.To != booking.Confirmed || p.Reason != booking.ReasonPromoted ||
		p.ActorName != actor || !p.At.Equal(f.Clock.Now()) {
		t.Errorf("promotion history of %d = %+v", b.ID, p)
	}
}

func (f *fixture) wantWaiting(t *testing.T, b booking.Booking, pos int) {
	t.Helper()
	got, err := f.Svc.Booking(context.Background(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != booking.Waitlisted || got.WaitlistPosition != pos {
		t.Errorf("booking %d = %s position %d, want waitlisted position %d", b.ID, got.Status, got.WaitlistPosition, pos)
	}
}

func TestCancelPromotesEarliestWaiting(t *testing.T) {
	for _, late := range []bool{false, true} {
		name := "before cut-off"
		if late {
			name = "after cut-off"
		}
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			sid, confirmed, queue := f.fullSession(t, 2, 3)
			if late {
				f.Clock.Advance(6 * 24 * time.Hour)
			}
			before := f.counts(t, sid)
			leaver := confirmed[1]
			got := f.cancel(t, leaver)
			if want := map[bool]booking.Status{false: booking.Cancelled, true: booking.LateCancelled}[late]; got.Status != want {
				t.Errorf("cancel = %s, want %s", got.Status, want)
			}
			// The person cancelling is recorded as the one whose action promoted.
			leaverName := "Person person002@example.org"
			f.wantPromoted(t, queue[0], leaverName)
			f.wantWaiting(t, queue[1], 1)
			f.wantWaiting(t, queue[2], 2)
			after := f.counts(t, sid)
			if after.Confirmed != 2 || after.ConfirmedCount != 2 || after.Waitlisted != 2 ||
				after.History != before.History+2 || after.Bookings != before.Bookings {
				t.Errorf("counts %+v -> %+v", before, after)
			}
			f.checkInvariants(t)
		})
	}
}

func TestCancellingWaitingPlaceDoesNotPromote(t *testing.T) {
	f := newFixture(t)
	sid, _, queue := f.fullSession(t, 2, 3)
	before := f.counts(t, sid)
	f.cancel(t, queue[0])
	f.wantWaiting(t, queue[1], 1)
	f.wantWaiting(t, queue[2], 2)
	after := f.counts(t, sid)
	if after.Confirmed != 2 || after.Waitlisted != 2 || after.History != before.History+1 {
		t.Errorf("counts %+v -> %+v", before, after)
	}
	f.checkInvariants(t)
}

func TestCancelWithEmptyQueueFreesPlace(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sid, confirmed, _ := f.fullSession(t, 2, 0)
	f.cancel(t, confirmed[0])
	sess, err := f.Courses.Session(ctx, sid)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Confirmed != 1 || sess.PlacesLeft() != 1 {
		t.Errorf("confirmed %d places left %d", sess.Confirmed, sess.PlacesLeft())
	}
	// The freed place is bookable at once.
	if b := f.book(t, sid, f.person(t)); b.Status != booking.Confirmed {
		t.Errorf("booking the freed place = %s", b.Status)
	}
	f.checkInvariants(t)
}

// Promotion happens in the cancelling transaction: if promoting fails, the cancellation
// is rolled back with it rather than leaving a free place and a queue.
func TestCancelAndPromotionAreOneTransaction(t *testing.T) {
	f := newFixture(t)
	sid, confirmed, queue := f.fullSession(t, 1, 1)
	refuse := `CREATE TRIGGER test_fail_promotion BEFORE INSERT ON booking_history
		WHEN NEW.reason = 'promoted from waiting list' BEGIN SELECT RAISE(ABORT, 'promotion refused by test'); END`
	if f.DB.Dialect() == store.Postgres {
		refuse = `CREATE TRIGGER test_fail_promotion BEFORE INSERT ON booking_history FOR EACH ROW
			WHEN (NEW.reason = 'promoted from waiting list') EXECUTE FUNCTION refuse_change()`
	}
	if _, err := f.DB.Exec(context.Background(), refuse); err != nil {
		t.Fatal(err)
	}
	before := f.counts(t, sid)
	if _, err := f.Svc.Cancel(context.Background(), booking.CancelRequest{BookingID: confirmed[0].ID, ActorID: confirmed[0].UserID}); err == nil {
		t.Fatal("cancel succeeded although promotion failed")
	}
	if after := f.counts(t, sid); after != before {
		t.Errorf("failed cancel changed counts: %+v -> %+v", before, after)
	}
	if s := f.status(t, confirmed[0].ID); s != booking.Confirmed {
		t.Errorf("cancelled booking = %s after rollback", s)
	}
	f.wantWaiting(t, queue[0], 1)
	drop := `DROP TRIGGER test_fail_promotion`
	if f.DB.Dialect() == store.Postgres {
		drop += ` ON booking_history`
	}
	if _, err := f.DB.Exec(context.Background(), drop); err != nil {
		t.Fatal(err)
	}
	f.cancel(t, confirmed[0])
	f.wantPromoted(t, queue[0], "Person person001@example.org")
	f.checkInvariants(t)
}

func TestNoPromotionOnceStarted(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sid, _, queue := f.fullSession(t, 2, 2)
	// Free two places behind the engine's back, then let the session start.
	if _, err := f.DB.Exec(context.Background(), `UPDATE course_sessions SET capacity = 4 WHERE id = ?`, sid); err != nil {
		t.Fatal(err)
	}
	sess, err := f.Courses.Session(ctx, sid)
	if err != nil {
		t.Fatal(err)
	}
	promote := func() []int64 {
		var ids []int64
		err := f.DB.Write(ctx, func(tx *sql.Tx) error {
			var err error
			ids, err = booking.PromoteTx(ctx, tx, sid, f.admin.ID, f.Clock.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	f.Clock.Set(sess.StartsAt)
	before := f.counts(t, sid)
	if ids := promote(); len(ids) != 0 {
		t.Errorf("promoted %v at the start time", ids)
	}
	f.Clock.Set(sess.StartsAt.Add(time.Hour))
	if ids := promote(); len(ids) != 0 {
		t.Errorf("promoted %v during the session", ids)
	}
	if after := f.counts(t, sid); after != before {
		t.Errorf("counts %+v -> %+v", before, after)
	}
	// A second before the start it still promotes, earliest first.
	f.Clock.Set(sess.StartsAt.Add(-time.Second))
	if ids := promote(); !slices.Equal(ids, []int64{queue[0].ID, queue[1].ID}) {
		t.Errorf("promoted %v, want %v", ids, []int64{queue[0].ID, queue[1].ID})
	}
	f.wantPromoted(t, queue[0], f.admin.Name)
	f.wantPromoted(t, queue[1], f.admin.Name)
	f.checkInvariants(t)
}

func TestNoPromotionOnCancelledSession(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sid, _, _ := f.fullSession(t, 1, 0)
	// A cancelled session with a (hand-made) waiting booking and a free place.
	if _, err := f.DB.Exec(context.Background(), `UPDATE course_sessions SET status = 'cancelled', capacity = 3 WHERE id = ?`, sid); err != nil {
		t.Fatal(err)
	}
	u := f.person(t)
	if _, err := f.DB.Exec(context.Background(), `INSERT INTO bookings (session_id, user_id, status, waitlisted_at, created_at, updated_at)
		VALUES (?, ?, 'waitlisted', ?, ?, ?)`, sid, u.ID, "2026-11-25T10:00:00Z", "2026-11-25T10:00:00Z", "2026-11-25T10:00:00Z"); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	err := f.DB.Write(ctx, func(tx *sql.Tx) error {
		var err error
		ids, err = booking.PromoteTx(ctx, tx, sid, f.admin.ID, f.Clock.Now())
		return err
	})
	if err != nil || len(ids) != 0 {
		t.Errorf("PromoteTx on a cancelled session = %v, %v", ids, err)
	}
}

func TestRaisingCapacityPromotesInOrder(t *testing.T) {
	tests := []struct {
		name        string
		from, to    int
		waiting     int
		promoted    int
		stillQueued int
	}{
		{"by one", 2, 3, 4, 1, 3},
		{"by three", 2, 5, 4, 3, 1},
		{"beyond the queue", 2, 10, 4, 4, 0},
		{"unchanged", 2, 2, 4, 0, 4},
		{"no queue", 2, 6, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			sid, _, queue := f.fullSession(t, tc.from, tc.waiting)
			f.Clock.Advance(time.Minute)
			sess, err := f.Courses.Session(ctx, sid)
			if err != nil {
				t.Fatal(err)
			}
			before := f.counts(t, sid)
			in := sessionInputOf(sess)
			in.Capacity = tc.to
			if err := f.Courses.UpdateSession(ctx, sid, in, f.admin.ID); err != nil {
				t.Fatal(err)
			}
			for i, b := range queue {
				if i < tc.promoted {
					f.wantPromoted(t, b, f.admin.Name)
				} else {
					f.wantWaiting(t, b, i-tc.promoted+1)
				}
			}
			after := f.counts(t, sid)
			if after.Confirmed != tc.from+tc.promoted || after.ConfirmedCount != after.Confirmed ||
				after.Waitlisted != tc.stillQueued || after.History != before.History+tc.promoted {
				t.Errorf("counts %+v -> %+v", before, after)
			}
			sess, err = f.Courses.Session(ctx, sid)
			if err != nil {
				t.Fatal(err)
			}
			if sess.Capacity != tc.to || sess.PlacesLeft() != max(0, tc.to-tc.from-tc.waiting) {
				t.Errorf("capacity %d places left %d", sess.Capacity, sess.PlacesLeft())
			}
			f.checkInvariants(t)
		})
	}
}

func TestLoweringCapacity(t *testing.T) {
	tests := []struct {
		name    string
		to      int
		wantErr bool
	}{
		{"below confirmed", 2, true},
		{"to zero", 0, true},
		{"to exactly confirmed", 3, false},
		{"between confirmed and old capacity", 4, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			sid := f.session(t, 5)
			for range 3 {
				f.book(t, sid, f.person(t))
			}
			sess, err := f.Courses.Session(ctx, sid)
			if err != nil {
				t.Fatal(err)
			}
			before := f.counts(t, sid)
			in := sessionInputOf(sess)
			in.Capacity = tc.to
			in.Venue = "Somewhere else" // must not be saved when refused
			err = f.Courses.UpdateSession(ctx, sid, in, f.admin.ID)
			after, _ := f.Courses.Session(ctx, sid)
			if !tc.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				if after.Capacity != tc.to || after.Venue != "Somewhere else" {
					t.Errorf("capacity %d venue %q", after.Capacity, after.Venue)
				}
				return
			}
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Status != 422 || pe.Fields["capacity"] == "" {
				t.Fatalf("error = %v, want a validation error on capacity", err)
			}
			if after.Capacity != 5 || after.Venue != sess.Venue {
				t.Errorf("refused update saved capacity %d venue %q", after.Capacity, after.Venue)
			}
			if c := f.counts(t, sid); c != before {
				t.Errorf("counts %+v -> %+v", before, c)
			}
		})
	}
}

// The CHECK on confirmed_count is the last line of defence: even SQL that bypasses the
// engine cannot confirm more people than there are places.
func TestConfirmedCountCheckBackstop(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sid, _, queue := f.fullSession(t, 2, 1)
	extra := f.person(t)
	stamp := store.FormatTime(f.Clock.Now())
	attempts := []struct {
		name  string
		query string
		args  []any
	}{
		{"insert a confirmed booking", `INSERT INTO bookings (session_id, user_id, status, created_at, updated_at)
			VALUES (?, ?, 'confirmed', ?, ?)`, []any{sid, extra.ID, stamp, stamp}},
		{"confirm a waiting booking", `UPDATE bookings SET status = 'confirmed' WHERE id = ?`, []any{queue[0].ID}},
		{"lower capacity below confirmed", `UPDATE course_sessions SET capacity = 1 WHERE id = ?`, []any{sid}},
		{"fake the count", `UPDATE course_sessions SET confirmed_count = 3 WHERE id = ?`, []any{sid}},
		{"a second live booking for one person", `INSERT INTO bookings (session_id, user_id, status, waitlisted_at, created_at, updated_at)
			VALUES (?, ?, 'waitlisted', ?, ?, ?)`, []any{sid, queue[0].UserID, stamp, stamp, stamp}},
	}
	for _, a := range attempts {
		t.Run(a.name, func(t *testing.T) {
			before := f.counts(t, sid)
			err := f.DB.Write(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, a.query, a.args...)
				return err
			})
			if !store.IsConstraint(err) {
				t.Fatalf("error = %v, want a constraint violation", err)
			}
			if after := f.counts(t, sid); after != before {
				t.Errorf("counts %+v -> %+v", before, after)
			}
		})
	}
	f.checkInvariants(t)
}

func TestBookingHistoryIsAppendOnly(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	b := f.book(t, f.session(t, 2), f.person(t))
	f.cancel(t, b)
	for _, q := range []string{
		`UPDATE booking_history SET reason = 'rewritten' WHERE booking_id = ?`,
		`UPDATE booking_history SET to_status = 'confirmed' WHERE booking_id = ?`,
		`DELETE FROM booking_history WHERE booking_id = ?`,
	} {
		err := f.DB.Write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, q, b.ID)
			return err
		})
		if err == nil {
			t.Errorf("%s succeeded", q)
		}
	}
	h, err := f.Svc.History(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[0].Reason != booking.ReasonBooked || h[1].To != booking.Cancelled {
		t.Errorf("history after tampering = %+v", h)
	}
	// Nor can a booking with history be deleted out from under it.
	err = f.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM bookings WHERE id = ?`, b.ID)
		return err
	})
	if err == nil {
		t.Error("deleting a booking with history succeeded")
	}
}

// sessionInputOf copies a session into the input an edit form would send back.
func sessionInputOf(s course.Session) course.SessionInput {
	return course.SessionInput{
		CourseID: s.CourseID, StartsAt: s.StartsAt, EndsAt: s.EndsAt, Online: s.Online, Venue: s.Venue,
		OnlineURL: s.OnlineURL, Capacity: s.Capacity, BookingClosesAt: s.BookingClosesAt, CancelCutoffAt: s.CancelCutoffAt,
	}
}

// TestPromotionPassesOverDisabledAccounts: someone whose account was disabled while on the
// waiting list is not given a place; the next active person is.
func TestPromotionPassesOverDisabledAccounts(t *testing.T) {
	env := testkit.New(t)
	svc := booking.NewService(env.DB, env.Clock.Now)
	org := env.Org(t, "Bath and North East Somerset Council", "other")
	sid := env.Session(t, env.Course(t, "Early help assessment"), 72*time.Hour, 1)
	ctx := context.Background()
	holder := env.User(t, "holder@example.org", org.ID)
	gone := env.User(t, "gone@example.org", org.ID)
	next := env.User(t, "next@example.org", org.ID)
	var ids []int64
	for _, u := range []int64{holder.ID, gone.ID, next.ID} {
		res, err := svc.Book(ctx, booking.Request{SessionID: sid, UserID: u})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.Booking.ID)
	}
	if err := env.Accounts.SetActive(ctx, gone.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Cancel(ctx, booking.CancelRequest{BookingID: ids[0], ActorID: holder.ID}); err != nil {
		t.Fatal(err)
	}
	for i, want := range []booking.Status{booking.Cancelled, booking.Waitlisted, booking.Confirmed} {
		b, err := svc.Booking(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if b.Status != want {
			t.Errorf("booking %d: %s, want %s", i, b.Status, want)
		}
	}
}
