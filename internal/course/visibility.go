package course

import "github.com/traininghub/traininghub/internal/account"

// Viewer is who is looking at a course or a session, as far as the visibility rule
// cares.
type Viewer struct {
	Admin        bool
	PartnerOrgID int64 // the organisation of a signed-in partner; 0 otherwise
}

// ViewerOf is the Viewer for a signed-in person, or for nobody when u is nil.
func ViewerOf(u *account.User) Viewer {
	v := Viewer{Admin: u.IsAdmin()}
	if u.IsPartner() {
		v.PartnerOrgID = u.OrganisationID
	}
	return v
}

// mayView is the one visibility rule, for pages and the API alike: a live course and its
// sessions are for everyone; one that is not live (a draft, archived, or a partner's
// course the partnership has not approved) only for admins and for the partner
// organisation that provides it.
func mayView(v Viewer, live bool, providerID int64) bool {
	return live || v.Admin || (v.PartnerOrgID != 0 && providerID == v.PartnerOrgID)
}

// VisibleTo applies the visibility rule to a course.
func (c Course) VisibleTo(v Viewer) bool { return mayView(v, c.Live(), c.ProviderID) }

// VisibleTo applies the visibility rule to a session: its CourseStatus is already
// Published only when the course is live (sessionColumns folds in the approval).
func (s Session) VisibleTo(v Viewer) bool {
	return mayView(v, s.CourseStatus == Published, s.ProviderID)
}
