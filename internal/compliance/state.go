package compliance

import "strconv"

// State is where one person stands on one course required of them.
type State string

// The states of a cell. A completion that is current wins; otherwise a booking on a
// session still to come (or under way) says the training is in hand, so a manager need not
// chase it; otherwise the completion's state, or NotBooked when there is none.
const (
	// Current: completed, and not due for renewal within ExpiringWithinDays (or never).
	Current State = "current"
	// Expiring: completed, due for renewal within 90 days, and nothing booked.
	Expiring State = "expiring"
	// Expired: completed, renewal overdue, and nothing booked.
	Expired State = "expired"
	// Booked: a confirmed place on a session of the course that has not yet ended.
	Booked State = "booked"
	// Waitlisted: on the waiting list of such a session, with no confirmed place.
	Waitlisted State = "waitlisted"
	// NotBooked: never completed and nothing booked.
	NotBooked State = "not_booked"
	// NothingRequired is a person's overall status when no rule requires anything of
	// them; no cell has it.
	NothingRequired State = "none"
)

// States lists the cell states, best first.
var States = []State{Current, Booked, Expiring, Waitlisted, NotBooked, Expired}

// severity orders states from best to worst, for a person's overall status: expired
// (trained once, lapsed, nothing booked) is worst; then never trained and nothing booked;
// then only on a waiting list (possibly not covered now); then expiring soon with
// nothing booked; then booked; then current.
func (s State) severity() int {
	switch s {
	case Current:
		return 1
	case Booked:
		return 2
	case Expiring:
		return 3
	case Waitlisted:
		return 4
	case NotBooked:
		return 5
	case Expired:
		return 6
	}
	return 0
}

// Worse reports whether s is worse than t.
func (s State) Worse(t State) bool { return s.severity() > t.severity() }

// Label is the state in plain English.
func (s State) Label() string {
	switch s {
	case Current:
		return "Current"
	case Expiring:
		return "Expires within " + strconv.Itoa(ExpiringWithinDays) + " days"
	case Expired:
		return "Expired"
	case Booked:
		return "Booked"
	case Waitlisted:
		return "Waiting list"
	case NotBooked:
		return "Not booked"
	case NothingRequired:
		return "Nothing required"
	}
	return string(s)
}

// StatusLabel is a person's overall status in plain English.
func (s State) StatusLabel() string {
	switch s {
	case Current:
		return "Up to date"
	case Expiring:
		return "Expiring soon"
	}
	return s.Label()
}

// Tag is the colour of the state's tag on the pages: tag--green and so on.
func (s State) Tag() string {
	switch s {
	case Current:
		return "tag--green"
	case Expiring, Waitlisted:
		return "tag--yellow"
	case Expired, NotBooked:
		return "tag--red"
	case Booked:
		return "tag--blue"
	}
	return "tag--grey"
}

// Attention reports whether the state is expired or expiring: what the weekly digest lists.
func (s State) Attention() bool { return s == Expired || s == Expiring }
