package booking_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOnlyBookingWritesBookings keeps one owner for the bookings and their history: no
// other package's code inserts bookings, changes their status, person or session, or
// writes booking_history. (Attendance marks have their own columns and history; the
// outbox moves a calendar sequence on. Test data generators are not the service.)
func TestOnlyBookingWritesBookings(t *testing.T) {
	writes := regexp.MustCompile(`(?is)INSERT\s+INTO\s+booking_history|UPDATE\s+booking_history|DELETE\s+FROM\s+booking_history|` +
		`INSERT\s+INTO\s+bookings\b|DELETE\s+FROM\s+bookings\b|UPDATE\s+bookings\s+SET\s+[^` + "`" + `]*\b(status|user_id|session_id|held|walk_in|waitlisted_at)\s*=`)
	var offenders []string
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if base := d.Name(); base == "booking" || strings.HasSuffix(base, "test") {
				return filepath.SkipDir // the owner, and test data generators
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if m := writes.Find(src); m != nil {
			offenders = append(offenders, path+": "+strings.Join(strings.Fields(string(m)), " "))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range offenders {
		t.Errorf("writes bookings outside package booking: %s", o)
	}
}
