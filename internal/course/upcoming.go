package course

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/traininghub/traininghub/internal/store"
)

// Listed reports whether a session belongs in the public listings of upcoming dates
// (feeds, the embeddable listing, the data for search engines): visible to someone who
// has not signed in (the zero Viewer), whoever fetches it, because those listings are
// cached and copied onto other sites; scheduled; and not started. Booking may have
// closed: the listings say so beside the date.
func (s Session) Listed(now time.Time) bool {
	return s.VisibleTo(Viewer{}) && s.Status == Scheduled && now.Before(s.StartsAt)
}

// UpcomingFilter narrows Upcoming to one course or one provider organisation; the zero
// value lists everything.
type UpcomingFilter struct {
	CourseID   int64
	ProviderID int64
}

// maxUpcoming bounds a listing: a partnership runs hundreds of dates a year, not more.
const maxUpcoming = 1000

// Upcoming lists the sessions that are Listed now, soonest first. The query narrows to
// live courses for speed; Listed has the last word, so the rule stays in one place.
func (s *Service) Upcoming(ctx context.Context, f UpcomingFilter) ([]Session, error) {
	now := s.Now()
	where := []string{"c.status = 'published'", "c.approval = 'approved'", "s.status = 'scheduled'", "s.starts_at > ?"}
	args := []any{store.FormatTime(now)}
	if f.CourseID != 0 {
		where = append(where, "s.course_id = ?")
		args = append(args, f.CourseID)
	}
	if f.ProviderID != 0 {
		where = append(where, "c.provider_organisation_id = ?")
		args = append(args, f.ProviderID)
	}
	out, err := s.querySessions(ctx, `SELECT `+sessionColumns+` FROM course_sessions s JOIN courses c ON c.id = s.course_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY s.starts_at, s.id LIMIT ?`, append(args, maxUpcoming)...)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(out, func(x Session) bool { return !x.Listed(now) }), nil
}
