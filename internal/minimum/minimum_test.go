package minimum_test

import (
	"context"
	"encoding/json"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/booking"
	"github.com/traininghub/traininghub/internal/course"
	"github.com/traininghub/traininghub/internal/minimum"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/testkit"
)

// rig is a partnership with two admins (one disabled), a training partner with two
// people (one disabled), another partner, and practitioners to book places.
type rig struct {
	*testkit.Env
	bookings                 *booking.Service
	partner, other           account.Organisation
	agency                   account.Organisation
	admin, grace, olive      *account.User
	partnerCourse, ownCourse int64
	people                   int
}

func newRig(t *testing.T) *rig {
	t.Helper()
	env := testkit.New(t)
	r := &rig{Env: env, bookings: booking.NewService(env.DB, env.Clock.Now)}
	ctx := context.Background()
	r.agency = env.Org(t, "Bath Council", account.SocialCare)
	r.partner = env.Org(t, "Freedom Pathways", account.TrainingPartner)
	r.other = env.Org(t, "Other Trainers Ltd", account.TrainingPartner)
	r.admin = env.User(t, "ada@example.org", r.agency.ID, account.Admin)
	gone := env.User(t, "gone-admin@example.org", r.agency.ID, account.Admin)
	r.grace = env.User(t, "grace@freedom.example.org", r.partner.ID, account.Partner)
	left := env.User(t, "left@freedom.example.org", r.partner.ID, account.Partner)
	r.olive = env.User(t, "olive@other.example.org", r.other.ID, account.Partner)
	for _, u := range []*account.User{gone, left} {
		if err := env.Accounts.SetActive(ctx, u.ID, false); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	r.partnerCourse, err = env.Courses.CreatePartnerCourse(ctx, r.partner.ID, course.CourseInput{Title: "Modern slavery",
		Summary: "Spotting modern slavery", DurationMinutes: 120, Topics: []string{"Exploitation"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	r.ownCourse = env.Course(t, "Neglect")
	return r
}

// session schedules a session starting `in` from now with capacity places and minimum
// min, and books confirmed people onto it.
func (r *rig) session(t *testing.T, courseID int64, in time.Duration, capacity, min, confirmed int) int64 {
	t.Helper()
	ctx := context.Background()
	start := r.Clock.Now().Add(in)
	id, err := r.Courses.CreateSession(ctx, course.SessionInput{CourseID: courseID, StartsAt: start,
		EndsAt: start.Add(3 * time.Hour), Venue: "Guildhall, Bath", Capacity: capacity, MinPlaces: min})
	if err != nil {
		t.Fatal(err)
	}
	for range confirmed {
		r.people++
		u := r.User(t, "p"+string(rune('a'+r.people))+"@example.org", r.agency.ID, account.Practitioner)
		if _, err := r.bookings.Book(ctx, booking.Request{SessionID: id, UserID: u.ID}); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func (r *rig) notices() *minimum.Notices {
	return &minimum.Notices{DB: r.DB, Notice: minimum.DefaultNotice, Now: r.Clock.Now}
}

func (r *rig) queue(t *testing.T, want int) {
	t.Helper()
	n, err := r.notices().Queue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Fatalf("at %v: emailed about %d sessions, want %d", r.Clock.Now(), n, want)
	}
}

// sent is who was emailed about session id: email address and the message each got.
func (r *rig) sent(t *testing.T, id int64) map[string]minimum.Message {
	t.Helper()
	rows, err := r.DB.R.Query(`SELECT recipient_email, payload FROM outbox WHERE kind = ? AND session_id = ?`, minimum.Kind, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]minimum.Message{}
	for rows.Next() {
		var email string
		var raw []byte
		if err := rows.Scan(&email, &raw); err != nil {
			t.Fatal(err)
		}
		var p outbox.Payload
		var m minimum.Message
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(p.Data, &m); err != nil {
			t.Fatal(err)
		}
		if _, dup := out[email]; dup {
			t.Fatalf("%s was emailed twice about session %d", email, id)
		}
		out[email] = m
	}
	return out
}

func keys(m map[string]minimum.Message) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestBelowMinimumEmailsOnceAWeekBefore: a partner's session with 2 of a minimum of 4,
// ten days away, gets nothing until exactly a week before; then one email to each active
// person of the partner and each active admin, never to another partner, and never again.
func TestBelowMinimumEmailsOnceAWeekBefore(t *testing.T) {
	r := newRig(t)
	id := r.session(t, r.partnerCourse, 10*24*time.Hour, 10, 4, 2)
	start := r.Clock.Now().Add(10 * 24 * time.Hour)

	r.queue(t, 0) // ten days away: not yet
	r.Clock.Set(start.Add(-7*24*time.Hour - time.Minute))
	r.queue(t, 0)
	r.Clock.Set(start.Add(-7 * 24 * time.Hour))
	r.queue(t, 1)

	got := r.sent(t, id)
	if k := keys(got); len(k) != 2 || k[0] != "ada@example.org" || k[1] != "grace@freedom.example.org" {
		t.Fatalf("emailed %v, want the active admin and the partner's active person", k)
	}
	g, a := got["grace@freedom.example.org"], got["ada@example.org"]
	if !g.Partner || a.Partner {
		t.Errorf("partner flags: partner %v, admin %v", g.Partner, a.Partner)
	}
	if a.Confirmed != 2 || a.MinPlaces != 4 || a.Capacity != 10 || a.Waitlisted != 0 || a.CourseTitle != "Modern slavery" ||
		a.Provider != "Freedom Pathways" || !a.StartsAt.Equal(start) {
		t.Errorf("message %+v", a)
	}

	// Running again, or on a second server, or after more time, sends nothing more.
	r.queue(t, 0)
	r.Clock.Advance(2 * 24 * time.Hour)
	r.queue(t, 0)
	if n := len(r.sent(t, id)); n != 2 {
		t.Fatalf("%d emails after running again, want still 2", n)
	}

	// Raising the minimum is a new question: it is asked once more.
	s, err := r.Courses.Session(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	in := course.SessionInput{StartsAt: s.StartsAt, EndsAt: s.EndsAt, Venue: s.Venue, Capacity: s.Capacity, MinPlaces: 6,
		BookingClosesAt: s.BookingClosesAt, CancelCutoffAt: s.CancelCutoffAt}
	if err := r.Courses.UpdateSession(context.Background(), id, in, r.admin.ID); err != nil {
		t.Fatal(err)
	}
	r.queue(t, 1)
	r.queue(t, 0)
}

// TestBelowMinimumOnlyWhenDue: at or above the minimum, with no minimum, cancelled,
// already started, or further away than the notice: no email.
func TestBelowMinimumOnlyWhenDue(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	at := r.session(t, r.ownCourse, 3*24*time.Hour, 10, 3, 3)
	above := r.session(t, r.ownCourse, 3*24*time.Hour, 10, 2, 3)
	none := r.session(t, r.ownCourse, 3*24*time.Hour, 10, 0, 0)
	cancelled := r.session(t, r.ownCourse, 3*24*time.Hour, 10, 5, 1)
	if err := r.Courses.CancelSession(ctx, cancelled, "Trainer unwell", r.admin.ID); err != nil {
		t.Fatal(err)
	}
	far := r.session(t, r.ownCourse, 8*24*time.Hour, 10, 5, 1)
	started := r.session(t, r.ownCourse, time.Hour, 10, 5, 1)
	// A course taken back to draft: its dates fill from no one, so nobody is asked to.
	drafted := r.Course(t, "Withdrawn course")
	unbookable := r.session(t, drafted, 3*24*time.Hour, 10, 5, 1)
	if _, err := r.DB.Exec(ctx, `UPDATE courses SET status = 'draft' WHERE id = ?`, drafted); err != nil {
		t.Fatal(err)
	}
	r.Clock.Advance(2 * time.Hour)

	r.queue(t, 0)
	for name, id := range map[string]int64{"at": at, "above": above, "none": none, "cancelled": cancelled, "far": far,
		"started": started, "draft course": unbookable} {
		if n := len(r.sent(t, id)); n != 0 {
			t.Errorf("%s: %d emails, want none", name, n)
		}
	}
	// The far one comes due a day later; its partnership course goes to the admins only.
	r.Clock.Advance(24 * time.Hour)
	r.queue(t, 1)
	if k := keys(r.sent(t, far)); len(k) != 1 || k[0] != "ada@example.org" {
		t.Fatalf("far session emailed %v, want the admin only", k)
	}
}

// TestBelowMinimumRaceOfServers: two servers running the pass at once send one set.
func TestBelowMinimumRaceOfServers(t *testing.T) {
	r := newRig(t)
	id := r.session(t, r.partnerCourse, 2*24*time.Hour, 10, 4, 1)
	var wg sync.WaitGroup
	counts := make([]int, 4)
	for i := range counts {
		wg.Go(func() {
			n, err := r.notices().Queue(context.Background())
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		})
	}
	wg.Wait()
	total := 0
	for _, n := range counts {
		total += n
	}
	if total != 1 || len(r.sent(t, id)) != 2 {
		t.Fatalf("passes at once emailed %d times, %d messages; want 1 and 2", total, len(r.sent(t, id)))
	}
}

func TestParseNotice(t *testing.T) {
	for in, want := range map[string]outbox.Lead{"7d": {Days: 7}, " 14D ": {Days: 14}, "48h": {Hours: 48}} {
		got, on, err := minimum.ParseNotice(in)
		if err != nil || !on || got != want {
			t.Errorf("ParseNotice(%q) = %v %v %v, want %v", in, got, on, err, want)
		}
	}
	if _, on, err := minimum.ParseNotice("off"); on || err != nil {
		t.Errorf("off: on %v, %v", on, err)
	}
	for _, bad := range []string{"", "7", "7d,3d", "a week", "0d", "-1d"} {
		if _, _, err := minimum.ParseNotice(bad); err == nil {
			t.Errorf("ParseNotice(%q) accepted", bad)
		}
	}
}
