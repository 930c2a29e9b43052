package course

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/store"
)

// Mode filters sessions by how they are delivered.
const (
	ModeAny      = ""
	ModeOnline   = "online"
	ModeInPerson = "in_person"
)

// Sort orders the catalogue.
const (
	SortDate  = ""      // next date first; courses with no dates last
	SortTitle = "title" // A to Z
)

// AreaOnline is the area of every online session: online training is a place of its own
// for someone choosing where to go.
const AreaOnline = "Online"

// Search is what a visitor asks the catalogue for; zero values mean "any".
type Search struct {
	Words     string
	Topic     string
	Month     time.Time // any instant in the wanted month (Europe/London); zero: any month
	Mode      string
	HasPlaces bool
	Area      string // an Area of the venue, compared ignoring case; AreaOnline for online
	Sort      string
}

// sessionFiltered reports whether the search narrows by session, so courses without a
// matching date drop out.
func (q Search) sessionFiltered() bool {
	return !q.Month.IsZero() || q.Mode != ModeAny || q.HasPlaces || q.Area != ""
}

// Listing is a published course with a summary of its matching upcoming sessions.
type Listing struct {
	Course
	Sessions     int
	NextStartsAt time.Time
	// PlacesLeft is the next matching date's, not a sum: a place on another date is no
	// use to someone reading "places left" beside the next date.
	PlacesLeft int
	NextOnline bool
	NextArea   string
	// Areas are the areas of the matching dates, in date order without repeats.
	Areas []string
}

// NextStartsLondon is the next matching session's start in Europe/London.
func (l Listing) NextStartsLondon() time.Time { return l.NextStartsAt.In(clock.London) }

// Catalogue lists published courses matching the search, soonest next session first and
// courses with no dates last (or by title). Callers must not modify the returned slice:
// it may be shared.
func (s *Service) Catalogue(ctx context.Context, q Search) ([]Listing, error) {
	gen, now := s.DB.Generation(), s.Now()
	if l, ok := s.cache.get(q, gen, now); ok {
		return l, nil
	}
	l, err := s.catalogue(ctx, q, now)
	if err == nil {
		s.cache.put(q, gen, now, l)
	}
	return l, err
}

// catalogue reads the matching courses, then their matching bookable dates, and joins
// the two here: the area of a venue is worked out in Go (Area), not stored.
func (s *Service) catalogue(ctx context.Context, q Search, nowTime time.Time) ([]Listing, error) {
	on := []string{"s.status = 'scheduled'", "s.starts_at > ?", "s.booking_closes_at > ?"}
	now := store.FormatTime(nowTime)
	onArgs := []any{now, now}
	if !q.Month.IsZero() {
		l := q.Month.In(clock.London)
		from, to := monthRange(l.Year(), l.Month())
		on = append(on, "s.starts_at >= ?", "s.starts_at < ?")
		onArgs = append(onArgs, store.FormatTime(from), store.FormatTime(to))
	}
	switch q.Mode {
	case ModeOnline:
		on = append(on, "s.online = 1")
	case ModeInPerson:
		on = append(on, "s.online = 0")
	}
	if q.HasPlaces {
		on = append(on, "s.confirmed_count < s.capacity")
	}
	where := []string{"c.status = 'published'", "c.approval = 'approved'"}
	var whereArgs []any
	for _, w := range searchWords(q.Words) {
		like := "%" + escapeLike(w) + "%"
		where = append(where, `(lower(c.title) LIKE ? ESCAPE '\' OR lower(c.summary) LIKE ? ESCAPE '\'
			OR lower(c.description) LIKE ? ESCAPE '\'
			OR EXISTS (SELECT 1 FROM course_topics t WHERE t.course_id = c.id AND lower(t.topic) LIKE ? ESCAPE '\'))`)
		whereArgs = append(whereArgs, like, like, like, like)
	}
	if q.Topic != "" {
		where = append(where, "EXISTS (SELECT 1 FROM course_topics t WHERE t.course_id = c.id AND t.topic = ?)")
		whereArgs = append(whereArgs, q.Topic)
	}

	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+courseColumns+`
		FROM courses c LEFT JOIN organisations p ON p.id = c.provider_organisation_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY c.title COLLATE NOCASE, c.id`, whereArgs...)
	if err != nil {
		return nil, store.Classify(err)
	}
	var out []Listing
	index := map[int64]int{}
	for rows.Next() {
		c, err := scanCourse(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		index[c.ID] = len(out)
		out = append(out, Listing{Course: c})
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, store.Classify(err)
	}
	if len(out) == 0 {
		return nil, nil
	}

	rows, err = s.DB.R.QueryContext(ctx, `SELECT s.course_id, s.starts_at, CASE WHEN s.capacity > s.confirmed_count THEN s.capacity - s.confirmed_count ELSE 0 END, s.online, s.venue
		FROM course_sessions s JOIN courses c ON c.id = s.course_id
		WHERE `+strings.Join(append(on, where...), " AND ")+` ORDER BY s.starts_at, s.id`, append(onArgs, whereArgs...)...)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		var courseID int64
		var starts store.Time
		var places int
		var online bool
		var venue string
		if err := rows.Scan(&courseID, &starts, &places, &online, &venue); err != nil {
			return nil, err
		}
		i, ok := index[courseID]
		if !ok {
			continue
		}
		area := Area(online, venue)
		if q.Area != "" && !strings.EqualFold(area, q.Area) {
			continue
		}
		l := &out[i]
		if l.Sessions == 0 {
			l.NextStartsAt, l.PlacesLeft, l.NextOnline, l.NextArea = starts.T, places, online, area
		}
		l.Sessions++
		if area != "" && !slices.ContainsFunc(l.Areas, func(a string) bool { return strings.EqualFold(a, area) }) {
			l.Areas = append(l.Areas, area)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if q.sessionFiltered() {
		out = slices.DeleteFunc(out, func(l Listing) bool { return l.Sessions == 0 })
	}
	if q.Sort != SortTitle {
		// Stable: courses with the same next start (or none) stay in title order.
		slices.SortStableFunc(out, func(a, b Listing) int {
			if (a.Sessions == 0) != (b.Sessions == 0) {
				if a.Sessions == 0 {
					return 1
				}
				return -1
			}
			return a.NextStartsAt.Compare(b.NextStartsAt)
		})
	}
	return out, nil
}

// maxSearchWords bounds the SQL a long query can build. Every word must match, so words
// past the limit are dropped (a repeat counts once), never mistaken for a match.
const maxSearchWords = 16

// searchWords splits a query into distinct lower-case words, at most maxSearchWords.
func searchWords(text string) []string {
	var words []string
	for _, w := range strings.Fields(strings.ToLower(text)) {
		if len(words) == maxSearchWords {
			break
		}
		if !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	return words
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ukPostcode matches a UK postcode at the end of an address line ("BA1 5AW", "BS311FS").
var ukPostcode = regexp.MustCompile(`(?i)\s*\b[A-Z]{1,2}[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}\s*$`)

// Area is where a session happens, as people choosing training think of it: the town of
// an in-person venue (the last part of the address, without its postcode), or AreaOnline.
// "Guildhall, High Street, Bath BA1 5AW" is "Bath". An address with no commas is its own
// area; "" means the venue says nothing usable.
func Area(online bool, venue string) string {
	if online {
		return AreaOnline
	}
	parts := strings.FieldsFunc(venue, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' })
	for i := len(parts) - 1; i >= 0; i-- {
		part := strings.Join(strings.Fields(ukPostcode.ReplaceAllString(parts[i], "")), " ")
		if part != "" {
			return part
		}
	}
	return ""
}

// WhatsOn lists the scheduled sessions of published courses that start in the given
// month (Europe/London) and have not started yet, in start order, for the month view of
// the catalogue. Sessions whose booking has closed are listed too: the page says so.
func (s *Service) WhatsOn(ctx context.Context, year int, month time.Month) ([]Session, error) {
	from, to := monthRange(year, month)
	if now := s.Now(); now.After(from) {
		from = now
	}
	return s.querySessions(ctx, `SELECT `+sessionColumns+` FROM course_sessions s JOIN courses c ON c.id = s.course_id
		WHERE c.status = 'published' AND c.approval = 'approved' AND s.status = 'scheduled'
		AND s.starts_at > ? AND s.starts_at < ? ORDER BY s.starts_at, s.id LIMIT 1000`,
		store.FormatTime(from), store.FormatTime(to))
}
