package attendance

import (
	"sort"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/traininghub/traininghub/internal/meetingreport"
)

// Matched is a person on the register beside what the meeting's report says of them.
type Matched struct {
	Entry Entry
	// By says how they were found in the report: "email", "name", or "" when they were
	// not in it at all.
	By       string
	Minutes  int
	Proposed Mark // "" when only a possible match was found: the trainer chooses
	// Possible is someone in the report with this person's name but another email: maybe
	// them on another account, maybe someone else. Nothing is proposed for them.
	Possible *Unmatched
}

// Unmatched is someone in the report who is on no one's booking: the trainer, a guest
// who did not book, or someone whose name is shared by two people on the register.
type Unmatched struct {
	Name    string
	Email   string
	Role    string
	Minutes int
	Reason  string
}

// Reasons someone in a report was not matched.
const (
	NotBooked    = "No place on this session under this email or name"
	NameIsShared = "More than one person on the register has this name"
	OtherEmail   = "Same name as someone on the register, but a different email: check and mark them yourself"
	IsTrainer    = "A trainer of this session"
)

// MatchReport pairs the people in a report with the register's entries: by email first,
// then by name, ignoring case and accents ("Zoë" is "zoe"), and "Surname, First name"
// as well. A name that fits more than one entry matches none, and a name whose report
// email differs from the booking's is only shown as possible, so no one is marked on a
// guess. Several rows for one entry (a laptop and a phone) add up without counting
// overlaps twice. Everyone on the register gets a proposed mark; those not in the report
// are proposed as not attending.
func MatchReport(entries []Entry, people []meetingreport.Attendee, start, end time.Time, rule OnlineRule) ([]Matched, []Unmatched) {
	byEmail := map[string]int{}
	byName := map[string][]int{}
	for i, e := range entries {
		byEmail[strings.ToLower(strings.TrimSpace(e.Email))] = i
		key := foldName(e.Name)
		byName[key] = append(byName[key], i)
	}
	spans := make([][]meetingreport.Span, len(entries))
	reported := make([]time.Duration, len(entries))
	found := make([]string, len(entries))
	possible := make([]*Unmatched, len(entries))
	var unmatched []Unmatched
	for _, p := range people {
		i, by, reason := matchOne(p, byEmail, byName)
		if by == "name" && p.Email != "" && !strings.EqualFold(p.Email, entries[i].Email) {
			by, reason = "", OtherEmail
			if possible[i] == nil {
				possible[i] = &Unmatched{Name: p.Name, Email: p.Email, Role: p.Role, Minutes: minutes(p.TimeIn(start, end)), Reason: reason}
			}
		}
		if by == "" {
			unmatched = append(unmatched, Unmatched{Name: p.Name, Email: p.Email, Role: p.Role,
				Minutes: minutes(p.TimeIn(start, end)), Reason: reason})
			continue
		}
		spans[i] = append(spans[i], p.Spans...)
		reported[i] += p.Reported
		if found[i] != "email" {
			found[i] = by
		}
	}
	length := end.Sub(start)
	out := make([]Matched, len(entries))
	for i, e := range entries {
		in := meetingreport.Attendee{Spans: spans[i], Reported: reported[i]}.TimeIn(start, end)
		out[i] = Matched{Entry: e, By: found[i], Minutes: minutes(in), Proposed: rule.Propose(in, length)}
		if found[i] == "" && possible[i] != nil {
			out[i].Proposed, out[i].Possible = "", possible[i]
		}
	}
	sort.SliceStable(unmatched, func(a, b int) bool { return unmatched[a].Minutes > unmatched[b].Minutes })
	return out, unmatched
}

func matchOne(p meetingreport.Attendee, byEmail map[string]int, byName map[string][]int) (int, string, string) {
	if p.Email != "" {
		if i, ok := byEmail[strings.ToLower(p.Email)]; ok {
			return i, "email", ""
		}
	}
	reason := NotBooked
	for _, name := range []string{p.Name, p.OtherName} {
		for _, key := range nameKeys(name) {
			switch hits := byName[key]; len(hits) {
			case 0:
			case 1:
				return hits[0], "name", ""
			default:
				reason = NameIsShared
			}
		}
	}
	return 0, "", reason
}

// nameKeys are the ways a report may write a name: as it is, and "Reid, Marcus" turned
// round to "Marcus Reid".
func nameKeys(name string) []string {
	if strings.TrimSpace(name) == "" {
		return nil
	}
	keys := []string{foldName(name)}
	if last, first, ok := strings.Cut(name, ","); ok {
		keys = append(keys, foldName(first+" "+last))
	}
	return keys
}

// foldName reduces a name to what matching compares: lower case, accents removed, and
// anything but letters and digits turned into single spaces ("O'Brien" is "o brien").
func foldName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}

// minutes rounds down: a trainer is never told someone stayed longer than they did.
func minutes(d time.Duration) int { return int(d / time.Minute) }
