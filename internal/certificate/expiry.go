package certificate

import (
	"time"

	"github.com/traininghub/traininghub/internal/clock"
)

// Status is where a completion stands against its expiry date, as the learning record and
// the verification page show it.
type Status string

// The statuses a completion can have.
const (
	// StatusNone is training that does not expire.
	StatusNone Status = "none"
	// StatusCurrent is training still valid for more than ExpiringWithinDays days.
	StatusCurrent Status = "current"
	// StatusExpiring is training that expires within ExpiringWithinDays days: time to book
	// a refresher.
	StatusExpiring Status = "expiring"
	// StatusExpired is training whose expiry instant has passed.
	StatusExpired Status = "expired"
)

// ExpiringWithinDays is how far ahead a coming expiry starts to show as "expiring", so a
// practitioner has time to find and book a refresher session.
const ExpiringWithinDays = 90

// AddMonths is the expiry arithmetic for a validity period in calendar months. It takes
// the date of t in Europe/London, adds the months and clamps to the last day of the
// resulting month (31 January + 1 month = 28 February, or 29 in a leap year), and returns
// the start of that London day (midnight, GMT or BST as it falls) as a UTC instant.
// Returning midnight rather than t's clock time makes every expiry a whole day, whichever
// time of day the session ran and whichever side of a clock change either date lies.
// Negative months count backwards.
func AddMonths(t time.Time, months int) time.Time {
	y, m, d := t.In(clock.London).Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, clock.London)
	y, m, _ = first.Date()
	if last := daysIn(y, m); d > last {
		d = last
	}
	return time.Date(y, m, d, 0, 0, 0, 0, clock.London).UTC()
}

// daysIn is the number of days in a month.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ExpiryStatus says whether training expiring at expires is current, expiring or expired
// at now; a zero expires means it never expires (StatusNone). The expiry instant itself
// counts as expired. "Expiring" starts ExpiringWithinDays calendar days before the expiry
// in Europe/London (the same wall-clock time that many days earlier), so a clock change in
// between does not move the boundary by an hour.
func ExpiryStatus(expires, now time.Time) Status {
	switch {
	case expires.IsZero():
		return StatusNone
	case !now.Before(expires):
		return StatusExpired
	case !now.Before(expires.In(clock.London).AddDate(0, 0, -ExpiringWithinDays)):
		return StatusExpiring
	default:
		return StatusCurrent
	}
}

// Label is the status as the learning record shows it.
func (s Status) Label() string {
	switch s {
	case StatusNone:
		return "Does not expire"
	case StatusCurrent:
		return "Current"
	case StatusExpiring:
		return "Expiring soon"
	case StatusExpired:
		return "Expired"
	case "":
		return ""
	}
	return string(s)
}
