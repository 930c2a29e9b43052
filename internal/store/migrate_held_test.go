package store_test

import (
	"context"
	"path/filepath"
	"testing"
)

// TestMigrationMarksHeldPlaces: migration 21 turns "held for manager approval" in a
// booking's history into bookings.held, and leaves approved holds and ordinary bookings
// unheld.
func TestMigrationMarksHeldPlaces(t *testing.T) {
	d := open(t, filepath.Join(t.TempDir(), "db.sqlite"))
	ctx := context.Background()
	if err := d.MigrateTo(ctx, 20); err != nil {
		t.Fatal(err)
	}
	stamp := "'2026-01-01T00:00:00Z'"
	for _, q := range []string{
		`INSERT INTO organisations (id, name, type, created_at) VALUES (1, 'Police', 'police', ` + stamp + `)`,
		`INSERT INTO users (id, email, name, organisation_id, password_hash, created_at) VALUES
			(1, 'a@example.org', 'A', 1, 'x', ` + stamp + `), (2, 'b@example.org', 'B', 1, 'x', ` + stamp + `),
			(3, 'c@example.org', 'C', 1, 'x', ` + stamp + `), (4, 'd@example.org', 'D', 1, 'x', ` + stamp + `)`,
		`INSERT INTO courses (id, title, duration_minutes, status, created_at, updated_at) VALUES (1, 'CSE', 60, 'published', ` + stamp + `, ` + stamp + `)`,
		`INSERT INTO course_sessions (id, course_id, starts_at, ends_at, capacity, booking_closes_at, cancel_cutoff_at, created_at, updated_at)
			VALUES (1, 1, '2027-01-01T09:00:00Z', '2027-01-01T12:00:00Z', 10, '2027-01-01T09:00:00Z', '2027-01-01T09:00:00Z', ` + stamp + `, ` + stamp + `)`,
		`INSERT INTO bookings (id, session_id, user_id, status, created_at, updated_at) VALUES
			(1, 1, 1, 'confirmed', ` + stamp + `, ` + stamp + `), (2, 1, 2, 'confirmed', ` + stamp + `, ` + stamp + `),
			(3, 1, 3, 'cancelled', ` + stamp + `, ` + stamp + `), (4, 1, 4, 'confirmed', ` + stamp + `, ` + stamp + `)`,
		`INSERT INTO booking_history (booking_id, from_status, to_status, reason, at) VALUES
			(1, '', 'confirmed', 'held for manager approval', ` + stamp + `),
			(2, '', 'confirmed', 'held for manager approval', ` + stamp + `), (2, 'confirmed', 'confirmed', 'approved by manager', ` + stamp + `),
			(3, '', 'confirmed', 'held for manager approval', ` + stamp + `), (3, 'confirmed', 'cancelled', 'manager declined', ` + stamp + `),
			(4, '', 'confirmed', 'booked', ` + stamp + `)`,
	} {
		if _, err := d.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[int64]int{1: 1, 2: 0, 3: 1, 4: 0}
	for id, w := range want {
		var held int
		if err := d.R.QueryRow(`SELECT held FROM bookings WHERE id = ?`, id).Scan(&held); err != nil {
			t.Fatal(err)
		}
		if held != w {
			t.Errorf("booking %d: held %d, want %d", id, held, w)
		}
	}
}
