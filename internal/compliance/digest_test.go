package compliance_test

import (
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/compliance"
	"github.com/traininghub/traininghub/internal/mail"
	"github.com/traininghub/traininghub/internal/mail/mailtest"
	"github.com/traininghub/traininghub/internal/notify"
	"github.com/traininghub/traininghub/internal/outbox"
	"github.com/traininghub/traininghub/internal/store"
)

func TestDigestWeek(t *testing.T) {
	utc := func(y int, m time.Month, d, h, min, s int) time.Time {
		return time.Date(y, m, d, h, min, s, 0, time.UTC)
	}
	cases := []struct {
		at    time.Time
		week  string
		due   bool
		until time.Time
	}{
		// Summer time: Monday 19 October 2026, 08:00 London is 07:00 UTC.
		{utc(2026, 10, 19, 6, 59, 59), "2026-W43", false, utc(2026, 10, 26, 8, 0, 0)},
		{utc(2026, 10, 19, 7, 0, 0), "2026-W43", true, utc(2026, 10, 26, 8, 0, 0)},
		// The clocks go back on Sunday 25 October; the week still ends at London midnight.
		{utc(2026, 10, 25, 23, 59, 59), "2026-W43", true, utc(2026, 10, 26, 8, 0, 0)},
		// Winter: Monday 26 October 2026, 08:00 London is 08:00 UTC.
		{utc(2026, 10, 26, 7, 0, 0), "2026-W44", false, utc(2026, 11, 2, 8, 0, 0)},
		{utc(2026, 10, 26, 7, 59, 59), "2026-W44", false, utc(2026, 11, 2, 8, 0, 0)},
		{utc(2026, 10, 26, 8, 0, 0), "2026-W44", true, utc(2026, 11, 2, 8, 0, 0)},
		// Spring: Monday 29 March 2027, the day after the clocks go forward: 07:00 UTC.
		{utc(2027, 3, 29, 6, 59, 0), "2027-W13", false, utc(2027, 4, 5, 7, 0, 0)},
		{utc(2027, 3, 29, 7, 0, 0), "2027-W13", true, utc(2027, 4, 5, 7, 0, 0)},
		// A Sunday night in London that is already Monday in UTC terms is not (BST: 23:30 UTC
		// Sunday is 00:30 Monday London, before 08:00).
		{utc(2027, 3, 28, 23, 30, 0), "2027-W13", false, utc(2027, 4, 5, 7, 0, 0)},
		// ISO weeks across the new year: 2026 has 53.
		{utc(2026, 12, 28, 8, 0, 0), "2026-W53", true, utc(2027, 1, 4, 8, 0, 0)},
		{utc(2027, 1, 3, 12, 0, 0), "2026-W53", true, utc(2027, 1, 4, 8, 0, 0)},
		{utc(2027, 1, 4, 8, 0, 0), "2027-W01", true, utc(2027, 1, 11, 8, 0, 0)},
	}
	for _, tc := range cases {
		week, due, until := compliance.DigestWeek(tc.at)
		if week != tc.week || due != tc.due || !until.Equal(tc.until) {
			t.Errorf("%v: %s due=%v until %v; want %s due=%v until %v", tc.at, week, due, until, tc.week, tc.due, tc.until)
		}
	}
}

// digestFixture: three organisations, each with a manager, on Thursday 1 October 2026.
//
//	Bath Children's Services (Mia manages): Ann's CSE expired on 1 July 2026; Ben's is current.
//	Avon and Somerset Police (Mo manages): Gus's domestic abuse expires on 22 October 2026.
//	St Mary's School (Sue manages): Tia is current. Nothing to report.
//	A disabled manager of the police (Max) gets nothing.
type digestFixture struct {
	*rig
	Mia, Mo, Sue, Max *account.User
	Ann, Gus          *account.User
	Digests           *compliance.Digests
}

func newDigestFixture(t *testing.T) *digestFixture {
	t.Helper()
	r := newRig(t)
	r.Clock.Set(time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC))
	f := &digestFixture{rig: r}
	a := r.Org(t, "Bath Children's Services", account.SocialCare)
	b := r.Org(t, "Avon and Somerset Police", account.Police)
	c := r.Org(t, "St Mary's School", account.Education)
	cse := r.course(t, "Child sexual exploitation awareness", 36)
	da := r.course(t, "Domestic abuse and its impact on children", 12)
	r.rule(t, cse, account.SocialCare, "", 0)
	r.rule(t, da, account.Police, "", 0)
	r.rule(t, cse, account.Education, "", 0)
	f.Mia = r.person(t, "Mia Manager", "Team Manager", "", a.ID, account.Manager)
	f.Mo = r.person(t, "Mo Manager", "Detective Inspector", "", b.ID, account.Manager)
	f.Sue = r.person(t, "Sue Manager", "Head teacher", "", c.ID, account.Manager)
	f.Max = r.person(t, "Max Gone", "Inspector", "", b.ID, account.Manager)
	f.Ann = r.person(t, "Ann Archer", "Social worker", "", a.ID)
	ben := r.person(t, "Ben Baker", "Social worker", "", a.ID)
	f.Gus = r.person(t, "Gus Grant", "Detective Constable", "", b.ID)
	tia := r.person(t, "Tia Teacher", "Teacher", "", c.ID)
	r.complete(t, f.Ann, cse, time.Date(2023, 7, 1, 9, 0, 0, 0, time.UTC), true)
	r.complete(t, ben, cse, time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC), true)
	r.complete(t, f.Gus, da, time.Date(2025, 10, 22, 9, 0, 0, 0, time.UTC), true)
	r.complete(t, tia, cse, time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC), true)
	// Managers are staff too: make them current, so only Ann and Gus are reported.
	r.complete(t, f.Mia, cse, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), true)
	r.complete(t, f.Mo, da, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), true)
	r.complete(t, f.Sue, cse, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), true)
	r.complete(t, f.Max, da, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), true)
	if err := r.Accounts.SetActive(ctx, f.Max.ID, false); err != nil {
		t.Fatal(err)
	}
	f.Digests = &compliance.Digests{DB: r.DB, Compliance: r.Svc, Now: r.Clock.Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return f
}

// queued lists the digests in the outbox: recipient and decoded payload, oldest first.
func (f *digestFixture) queued(t *testing.T) []queuedDigest {
	t.Helper()
	rows, err := f.DB.R.Query(`SELECT user_id, recipient_email, payload, COALESCE(expires_at, '') FROM outbox WHERE kind = ? ORDER BY id`,
		compliance.DigestKind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []queuedDigest
	for rows.Next() {
		var q queuedDigest
		var payload, expires string
		if err := rows.Scan(&q.userID, &q.email, &payload, &expires); err != nil {
			t.Fatal(err)
		}
		var p outbox.Payload
		if err := json.Unmarshal([]byte(payload), &p); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(p.Data, &q.digest); err != nil {
			t.Fatal(err)
		}
		q.expires, _ = store.ParseTime(expires)
		out = append(out, q)
	}
	return out
}

type queuedDigest struct {
	userID  int64
	email   string
	digest  compliance.Digest
	expires time.Time
}

func (f *digestFixture) step(t *testing.T, at time.Time, want int) {
	t.Helper()
	f.Clock.Set(at)
	n, err := f.Digests.Queue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Fatalf("at %v: queued %d digests, want %d", at, n, want)
	}
}

// TestDigestOnMondaysAcrossTheClockChange: one digest a week per manager with something to
// report, at 08:00 London: 07:00 UTC before the clocks go back, 08:00 UTC after.
func TestDigestOnMondaysAcrossTheClockChange(t *testing.T) {
	f := newDigestFixture(t)
	f.step(t, time.Date(2026, 10, 19, 6, 59, 59, 0, time.UTC), 0) // 07:59:59 BST
	f.step(t, time.Date(2026, 10, 19, 7, 0, 0, 0, time.UTC), 2)   // 08:00 BST: Mia and Mo
	f.step(t, time.Date(2026, 10, 19, 7, 1, 0, 0, time.UTC), 0)   // once a week
	f.step(t, time.Date(2026, 10, 21, 12, 0, 0, 0, time.UTC), 0)  // Wednesday
	f.step(t, time.Date(2026, 10, 26, 7, 0, 0, 0, time.UTC), 0)   // 07:00 GMT: not yet
	f.step(t, time.Date(2026, 10, 26, 7, 59, 59, 0, time.UTC), 0)
	f.step(t, time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC), 2) // 08:00 GMT
	f.step(t, time.Date(2026, 10, 26, 9, 0, 0, 0, time.UTC), 0)

	got := f.queued(t)
	if len(got) != 4 {
		t.Fatalf("%d digests queued, want 4", len(got))
	}
	for i, q := range got {
		d := q.digest
		week := []string{"2026-W43", "2026-W43", "2026-W44", "2026-W44"}[i]
		if d.Week != week {
			t.Errorf("digest %d: week %s, want %s", i, d.Week, week)
		}
		switch q.userID {
		case f.Mia.ID:
			// Ann only: never anyone from the police or the school.
			if d.Organisation != "Bath Children's Services" || len(d.Items) != 1 || d.Items[0].PersonID != f.Ann.ID ||
				d.Items[0].State != compliance.Expired || d.Expired != 1 || d.Expiring != 0 || d.People != 1 {
				t.Errorf("Mia's digest: %+v", d)
			}
		case f.Mo.ID:
			// Gus's training expires on 22 October: expiring in week 43, expired in week 44.
			state := map[string]compliance.State{"2026-W43": compliance.Expiring, "2026-W44": compliance.Expired}[d.Week]
			if d.Organisation != "Avon and Somerset Police" || len(d.Items) != 1 || d.Items[0].PersonID != f.Gus.ID ||
				d.Items[0].State != state || d.Items[0].Course != "Domestic abuse and its impact on children" {
				t.Errorf("Mo's digest: %+v", d)
			}
			if day := d.Items[0].ExpiresOn.Format(time.DateOnly); day != "2026-10-21" { // London midnight, BST
				t.Errorf("Gus's expiry %v", d.Items[0].ExpiresOn)
			}
		default:
			t.Errorf("digest for user %d (%s): only Mia and Mo have anything to hear", q.userID, q.email)
		}
		_, _, until := compliance.DigestWeek(time.Date(2026, 10, 19+7*(i/2), 9, 0, 0, 0, time.UTC))
		if !q.expires.Equal(until) {
			t.Errorf("digest %d expires %v, want the next Monday's %v", i, q.expires, until)
		}
	}
	// Every active manager's week is marked done, Sue's (nothing to report) included, Max's not.
	var rows int
	if err := f.DB.R.QueryRow(`SELECT count(*) FROM digests_sent`).Scan(&rows); err != nil || rows != 6 {
		t.Errorf("digests_sent rows %d (%v), want 3 managers x 2 weeks", rows, err)
	}
}

// TestDigestNothingToReport: when every manager's staff are up to date or booked, nothing
// is queued, and it stays that way for the rest of the week.
func TestDigestNothingToReport(t *testing.T) {
	f := newDigestFixture(t)
	// Ann is booked on a refresher; Gus completes his.
	start := time.Date(2026, 10, 28, 9, 0, 0, 0, time.UTC)
	var cse int64
	if err := f.DB.R.QueryRow(`SELECT id FROM courses WHERE title LIKE 'Child sexual%'`).Scan(&cse); err != nil {
		t.Fatal(err)
	}
	f.book(t, f.session(t, cse, start, 10), f.Ann)
	var da int64
	if err := f.DB.R.QueryRow(`SELECT id FROM courses WHERE title LIKE 'Domestic%'`).Scan(&da); err != nil {
		t.Fatal(err)
	}
	f.complete(t, f.Gus, da, time.Date(2026, 9, 30, 9, 0, 0, 0, time.UTC), true)
	f.step(t, time.Date(2026, 10, 19, 7, 0, 0, 0, time.UTC), 0)
	f.step(t, time.Date(2026, 10, 20, 7, 0, 0, 0, time.UTC), 0)
	if n := len(f.queued(t)); n != 0 {
		t.Fatalf("%d digests queued with nothing to report", n)
	}
}

// TestDigestOnceEvenWithTwoSchedulers: two processes (two schedulers on the same database)
// racing at 08:00 queue one digest per manager between them.
func TestDigestOnceEvenWithTwoSchedulers(t *testing.T) {
	f := newDigestFixture(t)
	f.Clock.Set(time.Date(2026, 10, 19, 7, 0, 0, 0, time.UTC))
	other := &compliance.Digests{DB: f.DB, Now: f.Clock.Now}
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i, d := range []*compliance.Digests{f.Digests, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := d.Queue(ctx)
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		}()
	}
	wg.Wait()
	if counts[0]+counts[1] != 2 || len(f.queued(t)) != 2 {
		t.Fatalf("queued %v, %d rows; want 2 in all", counts, len(f.queued(t)))
	}
}

// TestDigestIsDelivered: the outbox worker renders the digest with the real renderer and
// sends it to a real SMTP server.
func TestDigestIsDelivered(t *testing.T) {
	f := newDigestFixture(t)
	// The fixture's booking and certificate emails are not what this test is about.
	if err := f.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE outbox SET status = 'sent'`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	f.step(t, time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC), 2)
	srv := mailtest.Start(t, mailtest.Options{})
	renderer, err := notify.New(notify.Config{BaseURL: "https://training.example.org", SiteName: "Test Partnership training",
		OrganizerName: "Partnership Training", OrganizerEmail: "training@training.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	h, p, _ := net.SplitHostPort(srv.Addr())
	port, _ := strconv.Atoi(p)
	w := outbox.NewWorker(f.DB, outbox.Config{Renderer: renderer, Host: "training.example.org",
		Sender: mail.NewSMTP(mail.SMTPConfig{Host: h, Port: port, TLS: mail.TLSNone, Timeout: 5 * time.Second}),
		From:   mail.Address{Name: "Partnership Training", Email: "training@training.example.org"}, Now: f.Clock.Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := srv.WaitFor(2, 5*time.Second)
	if len(msgs) != 2 {
		t.Fatalf("%d messages delivered, want 2", len(msgs))
	}
	byRecipient := map[string]string{}
	subjects := map[string]string{}
	for _, m := range msgs {
		hdr, root := mailtest.ParseMessage(t, m.Data)
		text := root.Find("text/plain")
		if text == nil {
			t.Fatalf("no text part: %s", root.Shape())
		}
		byRecipient[m.To[0]] = string(text.Body)
		subjects[m.To[0]] = hdr.Get("Subject")
	}
	mia, mo := byRecipient[f.Mia.Email], byRecipient[f.Mo.Email]
	if subjects[f.Mia.Email] != "Staff training to renew: 1 expired" ||
		!strings.Contains(mia, "Hello Mia Manager") ||
		!strings.Contains(mia, "- Ann Archer: Child sexual exploitation awareness, expired on 1 July 2026") ||
		!strings.Contains(mia, "https://training.example.org/manager?status=attention") || strings.Contains(mia, "Gus") {
		t.Errorf("Mia's email (%q):\n%s", subjects[f.Mia.Email], mia)
	}
	if subjects[f.Mo.Email] != "Staff training to renew: 1 expired" ||
		!strings.Contains(mo, "- Gus Grant: Domestic abuse and its impact on children, expired on 22 October 2026") ||
		strings.Contains(mo, "Ann") {
		t.Errorf("Mo's email (%q):\n%s", subjects[f.Mo.Email], mo)
	}
}
