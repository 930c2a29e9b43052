package web_test

// privacyPagePaths gives the UK GDPR pages (privacy_pages.go) addresses in the fixture.
func (f *fixture) privacyPagePaths() map[string]string {
	return map[string]string{
		"/privacy":                   "/privacy",
		"/my/data":                   "/my/data",
		"/my/data.zip":               "/my/data.zip",
		"/admin/people/:id/data.zip": "/admin/people/" + id(f.Pract.ID) + "/data.zip",
		"/admin/people/:id/erase":    "/admin/people/" + id(f.Pract.ID) + "/erase",
		"/admin/erasures":            "/admin/erasures",
		"/admin/privacy":             "/admin/privacy",
		"/admin/audit":               "/admin/audit",
		"/admin/audit.csv":           "/admin/audit.csv",
	}
}
