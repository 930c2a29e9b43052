package store_test

import (
	"context"
	"path/filepath"
	"testing"
)

// TestMigrationMovesMarksToTheirOwnHistory: migration 23 moves attendance marks out of
// booking_history into attendance_history, keeping who, when and from what, leaves
// booking states where they were, and both tables stay append-only.
func TestMigrationMovesMarksToTheirOwnHistory(t *testing.T) {
	d := open(t, filepath.Join(t.TempDir(), "db.sqlite"))
	ctx := context.Background()
	if err := d.MigrateTo(ctx, 22); err != nil {
		t.Fatal(err)
	}
	stamp := "'2026-01-01T00:00:00Z'"
	for _, q := range []string{
		`INSERT INTO organisations (id, name, type, created_at) VALUES (1, 'Police', 'police', ` + stamp + `)`,
		`INSERT INTO users (id, email, name, organisation_id, password_hash, created_at) VALUES
			(1, 'a@example.org', 'A', 1, 'x', ` + stamp + `), (2, 'trainer@example.org', 'T', 1, 'x', ` + stamp + `)`,
		`INSERT INTO courses (id, title, duration_minutes, status, created_at, updated_at) VALUES (1, 'CSE', 60, 'published', ` + stamp + `, ` + stamp + `)`,
		`INSERT INTO course_sessions (id, course_id, starts_at, ends_at, capacity, booking_closes_at, cancel_cutoff_at, created_at, updated_at)
			VALUES (1, 1, '2027-01-01T09:00:00Z', '2027-01-01T12:00:00Z', 10, '2027-01-01T09:00:00Z', '2027-01-01T09:00:00Z', ` + stamp + `, ` + stamp + `)`,
		`INSERT INTO bookings (id, session_id, user_id, status, created_at, updated_at, attendance) VALUES
			(1, 1, 1, 'confirmed', ` + stamp + `, ` + stamp + `, 'absent')`,
		`INSERT INTO booking_history (booking_id, from_status, to_status, actor_id, reason, at) VALUES
			(1, NULL, 'waitlisted', 1, 'joined waiting list', '2026-12-01T10:00:00Z'),
			(1, 'waitlisted', 'confirmed', NULL, 'promoted from waiting list', '2026-12-02T10:00:00Z'),
			(1, NULL, 'attended', 2, 'attendance recorded', '2027-01-01T12:05:00Z'),
			(1, 'attended', 'absent', 2, 'attendance recorded', '2027-01-01T12:06:00Z')`,
	} {
		if _, err := d.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var states, marks int
	if err := d.R.QueryRow(`SELECT count(*) FROM booking_history WHERE to_status IN ('waitlisted', 'confirmed')`).Scan(&states); err != nil {
		t.Fatal(err)
	}
	if err := d.R.QueryRow(`SELECT count(*) FROM booking_history`).Scan(&marks); err != nil {
		t.Fatal(err)
	}
	if states != 2 || marks != 2 {
		t.Errorf("booking_history holds %d rows, %d of them states; want the 2 states only", marks, states)
	}
	rows, err := d.R.Query(`SELECT COALESCE(from_mark, '-'), to_mark, actor_id, at FROM attendance_history WHERE booking_id = 1 ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var from, to, at string
		var actor int64
		if err := rows.Scan(&from, &to, &actor, &at); err != nil {
			t.Fatal(err)
		}
		got = append(got, from+">"+to+" by "+string(rune('0'+actor))+" at "+at)
	}
	rows.Close()
	want := []string{"->attended by 2 at 2027-01-01T12:05:00Z", "attended>absent by 2 at 2027-01-01T12:06:00Z"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("attendance_history = %q, want %q", got, want)
	}
	for _, q := range []string{`DELETE FROM booking_history`, `UPDATE attendance_history SET to_mark = 'attended'`, `DELETE FROM attendance_history`} {
		if _, err := d.Exec(ctx, q); err == nil {
			t.Errorf("%s was allowed: the history must stay append-only", q)
		}
	}
}
