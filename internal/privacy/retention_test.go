package privacy_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/privacy"
	"github.com/traininghub/traininghub/internal/store"
)

func TestParsePeriod(t *testing.T) {
	for in, want := range map[string]privacy.Period{
		"6y": {Years: 6}, "72m": {Months: 72}, "2190d": {Days: 2190}, " 90D ": {Days: 90}, "0": {}, "off": {},
	} {
		got, err := privacy.ParsePeriod(in)
		if err != nil || got != want {
			t.Errorf("ParsePeriod(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "6", "y", "-1y", "6w", "1.5y", "101y", "six years"} {
		if _, err := privacy.ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
	if s := (privacy.Period{Years: 6}).String(); s != "6 years" {
		t.Errorf("6y reads %q", s)
	}
}

// setTime writes a stored time directly, to age a fixture by years without waiting.
func (f *fixture) setTime(t *testing.T, query string, at time.Time, args ...any) {
	t.Helper()
	if _, err := f.DB.Exec(context.Background(), query, append([]any{store.FormatTime(at)}, args...)...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestInactiveAccountsAreAnonymisedAfterTheRetentionPeriod(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	retain := privacy.Retention{Inactive: privacy.Period{Years: 6}, Email: privacy.Period{Days: 90}}
	job := privacy.New(f.DB, f.Attendance, f.Clock.Now, retain, "Test Partnership")
	// Everything so far happened in November 2026; seven years on, almost all of it is old.
	f.Clock.Set(time.Date(2033, 12, 1, 3, 30, 0, 0, time.UTC))
	quiet := f.User(t, "quiet@example.org", f.Org.ID)
	signedIn := f.User(t, "recent@example.org", f.Org.ID)
	for _, u := range []*account.User{quiet, signedIn} {
		f.setTime(t, `UPDATE users SET created_at = ? WHERE id = ?`, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), u.ID)
	}
	f.setTime(t, `UPDATE users SET last_sign_in_at = ? WHERE id = ?`, time.Date(2031, 5, 1, 0, 0, 0, 0, time.UTC), signedIn.ID)
	// Seán's future booking (made in 2026 for a session in 2026) is long past too; Olu books
	// a session next year, so Olu stays.
	future := f.Session(t, f.CourseID, 200*24*time.Hour, 5)
	f.book(t, future, f.Other)
	f.setTime(t, `UPDATE bookings SET created_at = ? WHERE user_id = ?`, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), f.Other.ID)
	f.setTime(t, `UPDATE bookings SET updated_at = ? WHERE user_id = ?`, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), f.Other.ID)

	// Until six years have passed since sign-ins were first recorded, nobody is judged.
	f.setTime(t, `UPDATE goose_db_version SET tstamp = ? WHERE id = (SELECT min(id) FROM goose_db_version WHERE version_id >= 17)`, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	if n, err := job.SweepInactive(ctx); err != nil || n != 0 {
		t.Fatalf("before the period since recording began: %d %v", n, err)
	}
	f.setTime(t, `UPDATE goose_db_version SET tstamp = ? WHERE id = (SELECT min(id) FROM goose_db_version WHERE version_id >= 17)`, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))

	n, err := job.SweepInactive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Seán and the quiet account go; the admin is the only admin, so stays although
	// inactive; the recent sign-in and Olu's future booking keep theirs.
	if n != 2 {
		t.Fatalf("anonymised %d accounts, want 2", n)
	}
	for _, u := range []*account.User{f.Sean, quiet} {
		var by any
		var ref string
		if err := f.DB.R.QueryRow(`SELECT carried_out_by, reference FROM erasures WHERE user_id = ?`, u.ID).Scan(&by, &ref); err != nil || by != nil || ref != privacy.RetentionReference {
			t.Errorf("%s: erasure by %v ref %q, %v", u.Email, by, ref, err)
		}
		if got, _ := f.Accounts.User(ctx, u.ID); got == nil || got.Name != privacy.ErasedName {
			t.Errorf("%s not anonymised: %+v", u.Email, got)
		}
	}
	for _, u := range []*account.User{f.Admin, signedIn, f.Other} {
		if got, _ := f.Accounts.User(ctx, u.ID); got == nil || got.Email != u.Email {
			t.Errorf("%s was anonymised", u.Email)
		}
	}
	if n, err := job.SweepInactive(ctx); err != nil || n != 0 {
		t.Fatalf("second run: %d %v", n, err)
	}
	// Switched off, it does nothing.
	off := privacy.New(f.DB, f.Attendance, f.Clock.Now, privacy.Retention{}, "")
	f.Clock.Set(time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC))
	if n, err := off.SweepInactive(ctx); err != nil || n != 0 {
		t.Fatalf("switched off: %d %v", n, err)
	}
}

func TestEmailContentIsDeletedAfterTheRetentionPeriod(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	job := privacy.New(f.DB, f.Attendance, f.Clock.Now, privacy.DefaultRetention, "Test Partnership")
	// No mail server in this test: the messages were kept, not sent.
	if _, err := f.DB.Exec(ctx, `UPDATE outbox SET status = 'not_sent'`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.DB.Exec(ctx, `UPDATE outbox SET status = 'sent', sent_at = created_at, subject = 'Booked: Safeguarding level 2',
		body_text = 'Dear Seán' WHERE id = (SELECT min(id) FROM outbox)`); err != nil {
		t.Fatal(err)
	}
	var total, oldID int64
	if err := f.DB.R.QueryRow(`SELECT count(*), min(id) FROM outbox`).Scan(&total, &oldID); err != nil || total < 2 {
		t.Fatalf("outbox: %d %v", total, err)
	}
	f.Clock.Advance(89 * 24 * time.Hour)
	if n, err := job.SweepEmail(ctx); err != nil || n != 0 {
		t.Fatalf("before 90 days: %d %v", n, err)
	}
	f.Clock.Advance(2 * 24 * time.Hour)
	// A message still waiting to go is left alone, whatever its age.
	if _, err := f.DB.Exec(ctx, `UPDATE outbox SET status = 'queued' WHERE id = (SELECT max(id) FROM outbox)`); err != nil {
		t.Fatal(err)
	}
	n, err := job.SweepEmail(ctx)
	if err != nil || int64(n) != total-1 {
		t.Fatalf("emptied %d of %d: %v", n, total, err)
	}
	var status, kind, to, subject, body, note, created string
	var count int
	var userID any
	if err := f.DB.R.QueryRow(`SELECT status, kind, recipient_email, subject, body_text, content_deleted_note, recipient_count,
		user_id, created_at FROM outbox WHERE id = ?`, oldID).Scan(&status, &kind, &to, &subject, &body, &note, &count, &userID, &created); err != nil {
		t.Fatal(err)
	}
	if status != "sent" || kind == "" || created == "" || to != "" || subject != "" || body != "" || userID != nil ||
		count != 1 || note != "Content deleted after 90 days" {
		t.Fatalf("after the sweep: status %q kind %q to %q subject %q body %q user %v count %d note %q",
			status, kind, to, subject, body, userID, count, note)
	}

	admin := f.signedIn(t, f.Admin.Email)
	list := f.get(t, admin, "/admin/emails")
	mustContain(t, "email log", list.Body, "Content deleted after 90 days")
	detail := f.get(t, admin, "/admin/emails/"+idText(oldID))
	mustContain(t, "message page", detail.Body, "Content deleted after 90 days", "1 person (address deleted)")
	mustNotContain(t, "message page", detail.Body, "/resend", "Text of the message", "Dear Seán")
	if r := f.post(t, admin, "/admin/emails/"+idText(oldID)+"/resend", nil); r.Status != http.StatusConflict {
		t.Fatalf("resend of an emptied message: %d", r.Status)
	}
}
