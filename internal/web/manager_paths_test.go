package web_test

// managerPagePaths gives the manager pages and the required-training rules their
// addresses for pages_test.go. The admin signed in there may see anyone's record, so the
// fixture's practitioner will do. The admin's to-do page of overdue registers (homes)
// rides along.
func (f *fixture) managerPagePaths() map[string]string {
	return map[string]string{
		"/manager":                     "/manager",
		"/manager/people/:id":          "/manager/people/" + id(f.Pract.ID),
		"/manager/matrix.csv":          "/manager/matrix.csv",
		"/manager/people/:id/book":     "/manager/people/" + id(f.Pract.ID) + "/book",
		"/admin/required-training":     "/admin/required-training",
		"/admin/required-training/new": "/admin/required-training/new",
		"/admin/registers/overdue":     "/admin/registers/overdue",
	}
}
