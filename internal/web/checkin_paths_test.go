package web_test

// checkInPagePaths gives the attendee's check-in pages (checkin_pages.go) addresses in
// the fixture: its session, with a code of the right shape (the page changes nothing, so
// any code renders).
func (f *fixture) checkInPagePaths() map[string]string {
	s := "/check-in/" + id(f.SessionID)
	return map[string]string{
		"/check-in":                "/check-in",
		"/check-in/:session":       s,
		"/check-in/:session/:code": s + "/123456",
	}
}
