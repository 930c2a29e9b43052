package store

import (
	"fmt"
	"time"
)

// TimeLayout is how every time is stored: UTC, second precision, sortable as text.
const TimeLayout = "2006-01-02T15:04:05Z"

// FormatTime renders t in UTC for storage.
func FormatTime(t time.Time) string {
	return t.UTC().Format(TimeLayout)
}

// ParseTime reads a stored time back.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(TimeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// Time is a scan target for a stored time column.
type Time struct{ T time.Time }

// Scan implements sql.Scanner.
func (t *Time) Scan(src any) error {
	switch v := src.(type) {
	case string:
		p, err := ParseTime(v)
		t.T = p
		return err
	case []byte:
		p, err := ParseTime(string(v))
		t.T = p
		return err
	case nil:
		t.T = time.Time{}
		return nil
	default:
		return fmt.Errorf("cannot scan %T into store.Time", src)
	}
}
