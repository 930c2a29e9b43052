package course

import (
	"context"
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

// Search is what a visitor asks the catalogue for; zero values mean "any".
type Search struct {
	Words     string
	Topic     string
	Month     time.Time // any instant in the wanted month (Europe/London); zero: any month
	Mode      string
	HasPlaces bool
}

// sessionFiltered reports whether the search narrows by session, so courses without a
// matching date drop out.
func (q Search) sessionFiltered() bool { return !q.Month.IsZero() || q.Mode != ModeAny || q.HasPlaces }

// Listing is a published course with a summary of its matching upcoming sessions.
type Listing struct {
	Course
	Sessions     int
	NextStartsAt time.Time
	PlacesLeft   int
}

// NextStartsLondon is the next matching session's start in Europe/London.
func (l Listing) NextStartsLondon() time.Time { return l.NextStartsAt.In(clock.London) }

// Catalogue lists published courses matching the search, soonest next session first and
// courses with no dates last. Callers must not modify the returned slice: it may be shared.
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

func (s *Service) catalogue(ctx context.Context, q Search, nowTime time.Time) ([]Listing, error) {
	on := []string{"s.course_id = c.id", "s.status = 'scheduled'", "s.starts_at > ?", "s.booking_closes_at > ?"}
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
	query := `SELECT ` + courseColumns + `, count(s.id), COALESCE(min(s.starts_at), ''),
		COALESCE(sum(s.capacity - s.confirmed_count), 0)
		FROM courses c LEFT JOIN organisations p ON p.id = c.provider_organisation_id
		LEFT JOIN course_sessions s ON ` + strings.Join(on, " AND ") + `
		WHERE ` + strings.Join(where, " AND ") + ` GROUP BY c.id`
	if q.sessionFiltered() {
		query += ` HAVING count(s.id) > 0`
	}
	query += ` ORDER BY min(s.starts_at) IS NULL, min(s.starts_at), c.title COLLATE NOCASE`
	rows, err := s.DB.R.QueryContext(ctx, query, append(onArgs, whereArgs...)...)
	if err != nil {
		return nil, store.Classify(err)
	}
	defer rows.Close()
	var out []Listing
	for rows.Next() {
		var l Listing
		var topics, next string
		if err := rows.Scan(&l.ID, &l.Title, &l.Summary, &l.Description, &l.Audience, &l.DurationMinutes,
			&l.ProviderID, &l.ProviderName, &l.ValidityMonths, &l.Status, &l.RequiresEvaluation, &l.Approval,
			&l.ApprovalNote, &l.ManagerApproval, &l.ApprovalHoldDays, &l.ChargeDNAPence, &l.ChargeLatePence, &topics,
			&l.Sessions, &next, &l.PlacesLeft); err != nil {
			return nil, err
		}
		if topics != "" {
			l.Topics = strings.Split(topics, topicSeparator)
		}
		if next != "" {
			if l.NextStartsAt, err = store.ParseTime(next); err != nil {
				return nil, err
			}
		}
		out = append(out, l)
	}
	return out, rows.Err()
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
