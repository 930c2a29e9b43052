package feed

import (
	"context"
	"html"
	"slices"
	"strings"

	"github.com/traininghub/traininghub/internal/course"
)

// Share is a listing someone may put on their own site or calendar.
type Share struct {
	Scope
	Title string
}

// Shares lists what there is to share: everything, then each organisation that provides
// a live course, then each live course, by name.
func (s *Service) Shares(ctx context.Context) ([]Share, error) {
	live, err := s.Courses.Catalogue(ctx, course.Search{})
	if err != nil {
		return nil, err
	}
	var providers, courses []Share
	seen := map[int64]bool{}
	for _, l := range live {
		if l.ProviderID != 0 && !seen[l.ProviderID] {
			seen[l.ProviderID] = true
			providers = append(providers, Share{Scope{ProviderID: l.ProviderID}, l.ProviderName})
		}
		courses = append(courses, Share{Scope{CourseID: l.ID}, l.Title})
	}
	byTitle := func(a, b Share) int { return strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)) }
	slices.SortFunc(providers, byTitle)
	slices.SortStableFunc(courses, byTitle)
	return append(append([]Share{{Title: s.SiteName}}, providers...), courses...), nil
}

// Embed is the address of a scope's embeddable listing.
func (k Links) Embed(s Scope) string { return k.Base + "/embed" + scopePath(s, "/sessions") }

// Feed is the address of a scope's feed; ext is "ics" or "json".
func (k Links) Feed(s Scope, ext string) string {
	return k.Base + "/feeds" + scopePath(s, "") + "/sessions." + ext
}

// scopePath is the part of an address that names the scope; all is used for everything.
func scopePath(s Scope, all string) string {
	switch {
	case s.CourseID != 0:
		return "/courses/" + id(s.CourseID)
	case s.ProviderID != 0:
		return "/providers/" + id(s.ProviderID)
	}
	return all
}

// Snippet is the HTML a partner pastes into their own page to show a listing: a frame of
// its embeddable address, with a title for screen readers. It sets no style, so it takes
// the host page's.
func Snippet(src, title string) string {
	return `<iframe src="` + html.EscapeString(src) + `" title="` + html.EscapeString(title) +
		`" width="100%" height="600" loading="lazy"></iframe>`
}
