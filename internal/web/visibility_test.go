package web_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
)

// TestOneVisibilityRuleForPagesAndAPI: a partner's course the partnership has not yet
// approved is hidden from the public and from other partners on the course page, the
// booking page and the API alike, and shown to admins and to the partner that runs it.
func TestOneVisibilityRuleForPagesAndAPI(t *testing.T) {
	f := newFixture(t)
	charity := f.Org(t, "Freedom Pathways", account.Voluntary)
	other := f.Org(t, "Another Charity", account.Voluntary)
	partner := f.User(t, "sam@freedom.example.org", charity.ID, account.Partner)
	stranger := f.User(t, "kim@another.example.org", other.ID, account.Partner)
	courseID := f.Course(t, "Modern slavery awareness", "Exploitation")
	sessionID := f.Session(t, courseID, 10*24*time.Hour, 20)
	if _, err := f.DB.Exec(context.Background(), `UPDATE courses SET provider_organisation_id = ?, approval = 'pending' WHERE id = ?`,
		charity.ID, courseID); err != nil {
		t.Fatal(err)
	}
	pages := []string{"/courses/" + id(courseID), "/sessions/" + id(sessionID) + "/book"}
	api := []string{"/api/v1/courses/" + id(courseID), "/api/v1/sessions/" + id(sessionID)}
	for _, who := range []struct {
		name string
		user *account.User // nil: nobody signed in
		want int
	}{
		{"a practitioner", f.Pract, http.StatusNotFound},
		{"another partner", stranger, http.StatusNotFound},
		{"the partner that runs it", partner, http.StatusOK},
		{"an admin", f.Admin, http.StatusOK},
		{"nobody signed in", nil, http.StatusNotFound},
	} {
		browser, token := f.Browser(t), ""
		if who.user != nil {
			browser, token = f.signedIn(t, who.user.Email), f.Token(t, who.user)
		}
		for _, p := range pages {
			want := who.want
			if who.user == nil && p != pages[0] {
				want = http.StatusSeeOther // booking asks who you are first
			}
			if r := f.get(t, browser, p); r.Status != want {
				t.Errorf("%s: page %s = %d, want %d", who.name, p, r.Status, want)
			}
		}
		for _, p := range api {
			req, _ := http.NewRequest(http.MethodGet, f.URL+p, nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			if r := do(t, http.DefaultClient, req); r.Status != who.want {
				t.Errorf("%s: API %s = %d, want %d", who.name, p, r.Status, who.want)
			}
		}
	}
}
