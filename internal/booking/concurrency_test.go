package booking_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/store"
)

// insertPeople adds n active practitioners straight into the database (no password
// hashing), returning their ids.
func (f *fixture) insertPeople(t *testing.T, n int) []int64 {
	t.Helper()
	ids := make([]int64, n)
	stamp := store.FormatTime(f.Clock.Now())
	for i := range ids {
		var err error
		ids[i], err = f.DB.Insert(context.Background(), `INSERT INTO users (email, name, organisation_id, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			fmt.Sprintf("racer%03d@example.org", i), fmt.Sprintf("Racer %03d", i), f.OrgID, stamp)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.DB.Exec(context.Background(), `INSERT INTO user_roles (user_id, role) VALUES (?, ?)`, ids[i], account.Practitioner); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

func TestConcurrentBookingNeverOverbooks(t *testing.T) {
	const (
		people   = 200
		capacity = 10
	)
	f := newFixture(t)
	ctx := context.Background()
	sid := f.session(t, capacity)
	ids := f.insertPeople(t, people)

	results := make([]booking.Result, people)
	errs := make([]error, people)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			<-start
			results[i], errs[i] = f.Svc.Book(ctx, booking.Request{SessionID: sid, UserID: id,
				IdempotencyKey: fmt.Sprintf("click-%d", i)})
		})
	}
	close(start)
	wg.Wait()

	confirmed, waitlisted := 0, 0
	positions := map[int]int{}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("booking %d: %v", i, err)
		}
		b := results[i].Booking
		switch b.Status {
		case booking.Confirmed:
			confirmed++
			if b.WaitlistPosition != 0 {
				t.Errorf("confirmed booking %d has position %d", b.ID, b.WaitlistPosition)
			}
		case booking.Waitlisted:
			waitlisted++
			positions[b.WaitlistPosition]++
		default:
			t.Errorf("booking %d has status %s", b.ID, b.Status)
		}
	}
	if confirmed != capacity || waitlisted != people-capacity {
		t.Fatalf("%d confirmed and %d waitlisted, want %d and %d", confirmed, waitlisted, capacity, people-capacity)
	}
	for p := 1; p <= people-capacity; p++ {
		if positions[p] != 1 {
			t.Errorf("waiting-list position %d handed out %d times", p, positions[p])
		}
	}
	if len(positions) != people-capacity {
		t.Errorf("%d distinct positions, want %d", len(positions), people-capacity)
	}

	c := f.counts(t, sid)
	want := counts{Bookings: people, History: people, Keys: people, Confirmed: capacity,
		Waitlisted: people - capacity, ConfirmedCount: capacity}
	if c != want {
		t.Errorf("counts = %+v, want %+v", c, want)
	}
	var historyConfirmed, historyWaitlisted int
	if err := f.DB.R.QueryRow(`SELECT
		(SELECT count(*) FROM booking_history WHERE to_status = 'confirmed' AND from_status IS NULL AND reason = ?),
		(SELECT count(*) FROM booking_history WHERE to_status = 'waitlisted' AND from_status IS NULL AND reason = ?)`,
		booking.ReasonBooked, booking.ReasonWaitlisted).Scan(&historyConfirmed, &historyWaitlisted); err != nil {
		t.Fatal(err)
	}
	if historyConfirmed != capacity || historyWaitlisted != people-capacity {
		t.Errorf("history: %d booked, %d joined the list", historyConfirmed, historyWaitlisted)
	}
	// The register shows the queue in the order positions were handed out.
	list, err := f.Svc.ForSession(ctx, sid)
	if err != nil {
		t.Fatal(err)
	}
	next := 1
	for _, e := range list {
		if e.Status == booking.Waitlisted {
			if e.WaitlistPosition != next {
				t.Fatalf("register lists position %d where %d was expected", e.WaitlistPosition, next)
			}
			next++
		}
	}
	f.checkInvariants(t)

	// Replaying every request (a double submit storm) changes nothing.
	var replayWG sync.WaitGroup
	for i, id := range ids {
		replayWG.Go(func() {
			res, err := f.Svc.Book(ctx, booking.Request{SessionID: sid, UserID: id, IdempotencyKey: fmt.Sprintf("click-%d", i)})
			if err != nil || !res.Replayed || res.Booking.ID != results[i].Booking.ID {
				t.Errorf("replay %d = %+v, %v", i, res, err)
			}
		})
	}
	replayWG.Wait()
	if again := f.counts(t, sid); again != want {
		t.Errorf("after replays counts = %+v, want %+v", again, want)
	}
}

// Cancellations racing with bookings: whatever the interleaving, the invariants hold and
// every freed place went to the queue.
func TestConcurrentBookAndCancel(t *testing.T) {
	const capacity = 5
	f := newFixture(t)
	ctx := context.Background()
	sid := f.session(t, capacity)
	first := f.insertPeople(t, 60)

	// Thirty people already booked (5 confirmed, 25 waiting).
	var held []booking.Booking
	for _, id := range first[:30] {
		res, err := f.Svc.Book(ctx, booking.Request{SessionID: sid, UserID: id})
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, res.Booking)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, 60)
	// Half of them cancel while thirty newcomers book.
	for i, b := range held {
		if i%2 == 1 {
			continue
		}
		wg.Go(func() {
			<-start
			if _, err := f.Svc.Cancel(ctx, booking.CancelRequest{BookingID: b.ID, ActorID: b.UserID}); err != nil {
				errs <- fmt.Errorf("cancel %d: %w", b.ID, err)
			}
		})
	}
	for _, id := range first[30:] {
		wg.Go(func() {
			<-start
			if _, err := f.Svc.Book(ctx, booking.Request{SessionID: sid, UserID: id}); err != nil {
				errs <- fmt.Errorf("book for %d: %w", id, err)
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	c := f.counts(t, sid)
	if c.Confirmed != capacity || c.ConfirmedCount != capacity || c.Waitlisted != 60-15-capacity {
		t.Errorf("counts = %+v", c)
	}
	// 60 bookings, 15 cancellations, and one promotion per confirmed place given up.
	var cancelledConfirmed, promotions int
	if err := f.DB.R.QueryRow(`SELECT
		(SELECT count(*) FROM booking_history WHERE from_status = 'confirmed' AND to_status = 'cancelled'),
		(SELECT count(*) FROM booking_history WHERE reason = ?)`, booking.ReasonPromoted).
		Scan(&cancelledConfirmed, &promotions); err != nil {
		t.Fatal(err)
	}
	if promotions != cancelledConfirmed {
		t.Errorf("%d confirmed places given up but %d promotions", cancelledConfirmed, promotions)
	}
	if c.History != 60+15+promotions {
		t.Errorf("%d history rows, want %d", c.History, 60+15+promotions)
	}
	f.checkInvariants(t)
}

// Two separate database handles on one database (as two processes would be) rely on the
// database's own locks (BEGIN IMMEDIATE and the busy timeout on SQLite, FOR UPDATE on
// PostgreSQL) rather than on Go's connection pool. Busy refusals are allowed, but never
// an overbooking or a silent loss.
func TestConcurrentBookingAcrossTwoHandles(t *testing.T) {
	const capacity = 10
	f := newFixture(t)
	ctx := context.Background()
	sid := f.session(t, capacity)
	ids := f.insertPeople(t, 80)

	other, err := store.Open(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	services := []*booking.Service{f.Svc, booking.NewService(other, f.Clock.Now)}

	var wg sync.WaitGroup
	var mu sync.Mutex
	made, busy := 0, 0
	start := make(chan struct{})
	for i, id := range ids {
		wg.Go(func() {
			<-start
			_, err := services[i%2].Book(ctx, booking.Request{SessionID: sid, UserID: id})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				made++
			case errors.Is(err, store.ErrBusy):
				busy++
			default:
				t.Errorf("book for %d: %v", id, err)
			}
		})
	}
	close(start)
	wg.Wait()
	c := f.counts(t, sid)
	if c.Bookings != made || c.History != made {
		t.Errorf("%d bookings reported made but %d rows and %d history rows", made, c.Bookings, c.History)
	}
	if made+busy != len(ids) {
		t.Errorf("made %d + busy %d != %d", made, busy, len(ids))
	}
	if want := min(made, capacity); c.Confirmed != want || c.ConfirmedCount != want {
		t.Errorf("counts = %+v, want %d confirmed", c, want)
	}
	t.Logf("%d made, %d busy", made, busy)
	f.checkInvariants(t)
}

// Each booking reads the clock a second later than the one before, while many wait for
// the same session: the waiting list's order must still be the order in which bookings
// took the session's lock, so everyone is told a different position, 1 to n. (Read
// before the lock, a later clock could queue in front of an earlier decision.)
func TestWaitlistPositionsFollowTheLockNotTheClock(t *testing.T) {
	f := newFixture(t)
	sid := f.session(t, 1)
	ids := f.insertPeople(t, 40)
	var tick atomic.Int64
	stepping := booking.NewService(f.DB, func() time.Time {
		return f.Clock.Now().Add(time.Duration(tick.Add(1)) * time.Second)
	})
	positions := make(chan int, len(ids))
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			res, err := stepping.Book(context.Background(), booking.Request{SessionID: sid, UserID: id, ActorID: id})
			if err != nil {
				t.Error(err)
				return
			}
			if res.Booking.Status == booking.Waitlisted {
				positions <- res.Booking.WaitlistPosition
			}
		})
	}
	wg.Wait()
	close(positions)
	var got []int
	for p := range positions {
		got = append(got, p)
	}
	slices.Sort(got)
	for i, p := range got {
		if p != i+1 {
			t.Fatalf("positions told: %v, want 1 to %d once each", got, len(ids)-1)
		}
	}
	if len(got) != len(ids)-1 {
		t.Fatalf("%d waiting, want %d", len(got), len(ids)-1)
	}
}
