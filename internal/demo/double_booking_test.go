package demo

import (
	"testing"

	"github.com/traininghub/traininghub/internal/store"
	"github.com/traininghub/traininghub/internal/testkit"
)

// Nobody in the demo holds live places (confirmed or waiting) on two upcoming dates of the
// same course: the booking pages warn about that, and a demo full of it would look broken.
func TestSeedBooksNobodyOntoTwoDatesOfACourse(t *testing.T) {
	env := testkit.New(t)
	seed(t, env)
	rows, err := env.DB.R.Query(`SELECT u.email, c.title, count(*) FROM bookings b
		JOIN course_sessions s ON s.id = b.session_id JOIN courses c ON c.id = s.course_id JOIN users u ON u.id = b.user_id
		WHERE b.status IN ('confirmed', 'waitlisted') AND s.status = 'scheduled' AND s.ends_at > ?
		GROUP BY u.id, c.id HAVING count(*) > 1`, store.FormatTime(env.Clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var email, title string
		var n int
		if err := rows.Scan(&email, &title, &n); err != nil {
			t.Fatal(err)
		}
		t.Errorf("%s holds %d dates of %q", email, n, title)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var live int
	if err := env.DB.R.QueryRow(`SELECT count(*) FROM bookings b JOIN course_sessions s ON s.id = b.session_id
		WHERE b.status IN ('confirmed', 'waitlisted') AND s.ends_at > ?`, store.FormatTime(env.Clock.Now())).Scan(&live); err != nil {
		t.Fatal(err)
	}
	if live < 100 {
		t.Errorf("only %d live bookings: the check above proves little", live)
	}
}
