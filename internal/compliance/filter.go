package compliance

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/traininghub/traininghub/internal/problem"
)

// StatusFilter picks people by the states of their required training.
type StatusFilter string

// The status filters. Each but UpToDate keeps a person when any of their required
// courses is in the state, so the counts add up the way a manager chases people.
const (
	AnyStatus     StatusFilter = ""
	NeedsAction   StatusFilter = "attention"  // expired or expiring
	OnlyExpired   StatusFilter = "expired"    // at least one expired
	OnlyExpiring  StatusFilter = "expiring"   // at least one expiring
	OnlyNotBooked StatusFilter = "not_booked" // at least one never done and not booked
	OnlyBooked    StatusFilter = "booked"     // at least one booked or on a waiting list
	UpToDate      StatusFilter = "current"    // everything required is current
)

// StatusFilters lists the filters in the order the pages offer them.
var StatusFilters = []StatusFilter{AnyStatus, NeedsAction, OnlyExpired, OnlyExpiring, OnlyNotBooked, OnlyBooked, UpToDate}

// Label is the filter in plain English.
func (f StatusFilter) Label() string {
	switch f {
	case AnyStatus:
		return "Any status"
	case NeedsAction:
		return "Expired or expiring"
	case OnlyExpired:
		return "Expired"
	case OnlyExpiring:
		return "Expiring within 90 days"
	case OnlyNotBooked:
		return "Not done and not booked"
	case OnlyBooked:
		return "Booked or on a waiting list"
	case UpToDate:
		return "Up to date"
	}
	return string(f)
}

// Match reports whether a person passes the filter.
func (f StatusFilter) Match(p Person) bool {
	switch f {
	case NeedsAction:
		return p.Has(Expired, Expiring)
	case OnlyExpired:
		return p.Has(Expired)
	case OnlyExpiring:
		return p.Has(Expiring)
	case OnlyNotBooked:
		return p.Has(NotBooked)
	case OnlyBooked:
		return p.Has(Booked, Waitlisted)
	case UpToDate:
		return p.Status == Current
	}
	return true
}

// Filter narrows the matrix's people.
type Filter struct {
	Team     string // exactly this team (ignoring case); "" any
	JobTitle string // job titles containing these words (ignoring case); "" any
	Status   StatusFilter
}

// Empty reports whether the filter keeps everyone.
func (f Filter) Empty() bool { return f.Team == "" && f.JobTitle == "" && f.Status == AnyStatus }

// ParseFilter reads a filter from query values (team, job_title, status), trimming them,
// and says which field is wrong.
func ParseFilter(team, jobTitle, status string) (Filter, error) {
	f := Filter{Team: strings.TrimSpace(team), JobTitle: strings.Join(strings.Fields(jobTitle), " "),
		Status: StatusFilter(strings.TrimSpace(status))}
	v := problem.Validation{}
	if utf8.RuneCountInString(f.Team) > 200 {
		v.Add("team", "Team must be 200 characters or fewer")
	}
	if utf8.RuneCountInString(f.JobTitle) > 200 {
		v.Add("job_title", "Job title must be 200 characters or fewer")
	}
	known := false
	for _, s := range StatusFilters {
		known = known || s == f.Status
	}
	if !known {
		v.Add("status", "Choose a status from the list")
		f.Status = AnyStatus
	}
	return f, v.Err()
}

// matchPerson applies the team and job title parts of the filter.
func (f Filter) matchPerson(p Person, jobLower string) bool {
	if f.Team != "" && !strings.EqualFold(strings.TrimSpace(p.Team), f.Team) {
		return false
	}
	return jobLower == "" || strings.Contains(strings.ToLower(p.JobTitle), jobLower)
}

// Counts are how many people have each kind of status, among those the team and job
// title filters keep (the status filter does not narrow them, so they can be used as links).
type Counts struct {
	People          int
	UpToDate        int // everything required is current
	NeedsAction     int // something expired or expiring
	Expired         int
	Expiring        int
	NotBooked       int
	Booked          int // something booked or on a waiting list
	NothingRequired int
}

// Select returns the people the filter keeps and the counts for the team and job title
// part of it.
func (m *Matrix) Select(f Filter) ([]Person, Counts) {
	var out []Person
	var n Counts
	job := strings.ToLower(f.JobTitle)
	for _, p := range m.People {
		if !f.matchPerson(p, job) {
			continue
		}
		n.People++
		switch {
		case p.Status == NothingRequired:
			n.NothingRequired++
		case p.Status == Current:
			n.UpToDate++
		}
		if p.Has(Expired, Expiring) {
			n.NeedsAction++
		}
		if p.Has(Expired) {
			n.Expired++
		}
		if p.Has(Expiring) {
			n.Expiring++
		}
		if p.Has(NotBooked) {
			n.NotBooked++
		}
		if p.Has(Booked, Waitlisted) {
			n.Booked++
		}
		if f.Status.Match(p) {
			out = append(out, p)
		}
	}
	return out, n
}

// Teams lists the distinct teams of the staff, for a filter, ignoring case and blanks.
func (m *Matrix) Teams() []string {
	seen := map[string]string{}
	for _, p := range m.People {
		t := strings.TrimSpace(p.Team)
		if t == "" {
			continue
		}
		if _, ok := seen[strings.ToLower(t)]; !ok {
			seen[strings.ToLower(t)] = t
		}
	}
	out := make([]string, 0, len(seen))
	for _, t := range seen {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}
