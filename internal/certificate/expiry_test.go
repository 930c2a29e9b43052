package certificate

import (
	"testing"
	"time"
)

func TestAddMonths(t *testing.T) {
	for _, tc := range []struct {
		name   string
		from   time.Time
		months int
		want   time.Time // London midnight, as an instant
	}{
		{"31 Jan + 1 is 28 Feb", london(2025, time.January, 31, 10, 0), 1, utc(2025, time.February, 28, 0, 0)},
		{"31 Jan + 1 in a leap year is 29 Feb", london(2024, time.January, 31, 10, 0), 1, utc(2024, time.February, 29, 0, 0)},
		{"31 Aug + 6 is 28 Feb", london(2025, time.August, 31, 14, 0), 6, utc(2026, time.February, 28, 0, 0)},
		{"31 Aug + 6 into a leap year is 29 Feb", london(2023, time.August, 31, 14, 0), 6, utc(2024, time.February, 29, 0, 0)},
		{"30 Nov 2025 + 36", london(2025, time.November, 30, 9, 30), 36, utc(2028, time.November, 30, 0, 0)},
		{"29 Feb + 12 is 28 Feb", london(2024, time.February, 29, 9, 0), 12, utc(2025, time.February, 28, 0, 0)},
		{"29 Feb + 48 is 29 Feb", london(2024, time.February, 29, 9, 0), 48, utc(2028, time.February, 29, 0, 0)},
		{"31 Dec + 2 crosses the year", london(2025, time.December, 31, 9, 0), 2, utc(2026, time.February, 28, 0, 0)},
		{"31 Mar + 1 is 30 Apr, in BST", london(2025, time.March, 31, 9, 0), 1, utc(2025, time.April, 29, 23, 0)},
		{"31 Mar - 1 is 28 Feb", london(2026, time.March, 31, 9, 0), -1, utc(2026, time.February, 28, 0, 0)},
		{"zero months is the start of the London day", london(2026, time.March, 30, 15, 0), 0, utc(2026, time.March, 29, 23, 0)},
		// The London date, not the UTC date, is the one that counts.
		{"00:30 BST on 1 July is July in London", utc(2026, time.June, 30, 23, 30), 1, utc(2026, time.July, 31, 23, 0)},
		{"23:30 GMT on 31 Jan is still 31 Jan", utc(2026, time.January, 31, 23, 30), 1, utc(2026, time.February, 28, 0, 0)},
		// Spring forward: 29 March 2026, 01:00 GMT becomes 02:00 BST.
		{"from GMT before the spring change", utc(2026, time.March, 29, 0, 30), 1, utc(2026, time.April, 28, 23, 0)},
		{"from BST after the spring change", utc(2026, time.March, 29, 1, 30), 1, utc(2026, time.April, 28, 23, 0)},
		{"GMT into BST", london(2025, time.November, 30, 9, 30), 4, utc(2026, time.March, 29, 23, 0)},
		{"onto the spring change day, midnight still GMT", london(2026, time.January, 29, 12, 0), 2, utc(2026, time.March, 29, 0, 0)},
		// Fall back: 26 October 2025, 02:00 BST becomes 01:00 GMT; 01:30 happens twice.
		{"first 01:30 (BST) on the autumn change day", utc(2025, time.October, 26, 0, 30), 1, utc(2025, time.November, 26, 0, 0)},
		{"second 01:30 (GMT) on the autumn change day", utc(2025, time.October, 26, 1, 30), 1, utc(2025, time.November, 26, 0, 0)},
		{"onto the autumn change day, midnight still BST", london(2025, time.September, 26, 12, 0), 1, utc(2025, time.October, 25, 23, 0)},
		{"BST into GMT", london(2025, time.July, 31, 9, 0), 3, utc(2025, time.October, 31, 0, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := AddMonths(tc.from, tc.months)
			if !got.Equal(tc.want) {
				t.Errorf("AddMonths(%s, %d) = %s (%s in London), want %s (%s in London)",
					tc.from.Format(time.RFC3339), tc.months,
					got.Format(time.RFC3339), got.In(tc.from.Location()).Format(time.RFC3339),
					tc.want.Format(time.RFC3339), tc.want.In(tc.from.Location()).Format(time.RFC3339))
			}
			if got.Location() != time.UTC {
				t.Errorf("result is in %s, want UTC", got.Location())
			}
			if l := got.In(london(2026, 1, 1, 0, 0).Location()); l.Hour() != 0 || l.Minute() != 0 {
				t.Errorf("result %s is not London midnight", l)
			}
		})
	}
}

func TestExpiryStatus(t *testing.T) {
	// 30 March 2029 starts at 23:00 UTC on the 29th (BST). 90 calendar days earlier is
	// 30 December 2028 00:00 GMT, which is 90 days less an hour earlier, because the
	// clocks go forward in between.
	expires := AddMonths(london(2026, time.March, 30, 9, 30), 36)
	if want := utc(2029, time.March, 29, 23, 0); !expires.Equal(want) {
		t.Fatalf("expiry %s, want %s", expires, want)
	}
	threshold := utc(2028, time.December, 30, 0, 0)
	for _, tc := range []struct {
		name    string
		expires time.Time
		now     time.Time
		want    Status
	}{
		{"no expiry", time.Time{}, utc(2026, time.March, 30, 0, 0), StatusNone},
		{"no expiry, far future", time.Time{}, utc(2100, time.January, 1, 0, 0), StatusNone},
		{"just issued", expires, utc(2026, time.March, 30, 12, 0), StatusCurrent},
		{"a nanosecond before 90 days out", expires, threshold.Add(-time.Nanosecond), StatusCurrent},
		{"90 x 24 hours before (still 29 Dec in London)", expires, expires.Add(-90 * 24 * time.Hour), StatusCurrent},
		{"exactly 90 days before", expires, threshold, StatusExpiring},
		{"89 days before", expires, threshold.AddDate(0, 0, 1), StatusExpiring},
		{"a nanosecond before the expiry instant", expires, expires.Add(-time.Nanosecond), StatusExpiring},
		{"the expiry instant itself", expires, expires, StatusExpired},
		{"after expiry", expires, expires.Add(time.Hour), StatusExpired},
		// Across the autumn change: 90 days before 26 January 2026 00:00 GMT is
		// 28 October 2025 00:00 GMT (the clocks went back on 26 October).
		{"autumn: exactly 90 days", utc(2026, time.January, 26, 0, 0), utc(2025, time.October, 28, 0, 0), StatusExpiring},
		{"autumn: just before", utc(2026, time.January, 26, 0, 0), utc(2025, time.October, 27, 23, 59), StatusCurrent},
	} {
		if got := ExpiryStatus(tc.expires, tc.now); got != tc.want {
			t.Errorf("%s: ExpiryStatus(%s, %s) = %q, want %q", tc.name, tc.expires, tc.now, got, tc.want)
		}
	}
}

func TestStatusLabel(t *testing.T) {
	for s, want := range map[Status]string{
		StatusNone: "Does not expire", StatusCurrent: "Current", StatusExpiring: "Expiring soon",
		StatusExpired: "Expired", "": "", "revoked": "revoked",
	} {
		if got := s.Label(); got != want {
			t.Errorf("%q.Label() = %q, want %q", s, got, want)
		}
	}
}

func TestFormatting(t *testing.T) {
	for _, tc := range []struct {
		minutes       int
		duration, cpd string
	}{
		{0, "", ""},
		{-5, "", ""},
		{1, "1 minute", "0.02 CPD hours"},
		{20, "20 minutes", "0.33 CPD hours"},
		{45, "45 minutes", "0.75 CPD hours"},
		{60, "1 hour", "1 CPD hour"},
		{61, "1 hour 1 minute", "1.02 CPD hours"},
		{90, "1 hour 30 minutes", "1.5 CPD hours"},
		{100, "1 hour 40 minutes", "1.67 CPD hours"},
		{180, "3 hours", "3 CPD hours"},
		{390, "6 hours 30 minutes", "6.5 CPD hours"},
		{1410, "23 hours 30 minutes", "23.5 CPD hours"},
		{3000, "50 hours", "50 CPD hours"},
	} {
		if got := FormatDuration(tc.minutes); got != tc.duration {
			t.Errorf("FormatDuration(%d) = %q, want %q", tc.minutes, got, tc.duration)
		}
		if got := CPDHours(tc.minutes); got != tc.cpd {
			t.Errorf("CPDHours(%d) = %q, want %q", tc.minutes, got, tc.cpd)
		}
	}
	for in, want := range map[time.Time]string{
		utc(2026, time.March, 29, 23, 30):   "30 March 2026", // BST
		utc(2026, time.January, 31, 23, 30): "31 January 2026",
		london(2026, time.March, 3, 0, 0):   "3 March 2026",
	} {
		if got := LongDate(in); got != want {
			t.Errorf("LongDate(%s) = %q, want %q", in, got, want)
		}
	}
}
