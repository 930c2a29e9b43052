package web_test

// feedPagePaths gives the public feeds (feeds.go) and the embeddable listings (embed.go)
// addresses in the fixture: its course, and the provider of the newest live partner
// course when partnerPageData made one (else the fixture's organisation, which answers
// "not found").
func (f *fixture) feedPagePaths() map[string]string {
	provider := f.Police.ID
	_ = f.DB.R.QueryRow(`SELECT provider_organisation_id FROM courses WHERE provider_organisation_id IS NOT NULL
		AND approval = 'approved' AND status = 'published' ORDER BY id DESC LIMIT 1`).Scan(&provider)
	c, p := "/feeds/courses/"+id(f.CourseID), "/feeds/providers/"+id(provider)
	return map[string]string{
		"/feeds/sessions.ics":                "/feeds/sessions.ics",
		"/feeds/sessions.json":               "/feeds/sessions.json",
		"/feeds/courses/:id/sessions.ics":    c + "/sessions.ics",
		"/feeds/courses/:id/sessions.json":   c + "/sessions.json",
		"/feeds/providers/:id/sessions.ics":  p + "/sessions.ics",
		"/feeds/providers/:id/sessions.json": p + "/sessions.json",
		"/embed/sessions":                    "/embed/sessions",
		"/embed/courses/:id":                 "/embed/courses/" + id(f.CourseID),
		"/embed/providers/:id":               "/embed/providers/" + id(provider),
		"/admin/sharing":                     "/admin/sharing",
	}
}
