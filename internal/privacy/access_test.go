package privacy_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/traininghub/traininghub/internal/testkit"
)

func TestSubjectAccessDownloadHoldsEverythingAndNoSecret(t *testing.T) {
	f := newFixture(t)
	c := f.signedIn(t, f.Sean.Email)

	page := f.get(t, c, "/my/data")
	if page.Status != http.StatusOK {
		t.Fatalf("/my/data: %d", page.Status)
	}
	mustContain(t, "/my/data", page.Body, "Download your data", `href="/my/data.zip"`, "never contains your password")

	r := f.get(t, c, "/my/data.zip")
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("/my/data.zip: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	mustContain(t, "Content-Disposition", r.Header.Get("Content-Disposition"), "attachment", ".zip")
	files := unzip(t, r.Body)
	for _, name := range []string{"README.txt", "person.json", "bookings.json", "bookings.csv", "attendance.csv",
		"evaluations.json", "impact-answers.json", "certificates.json", "certificates/certificate-" + f.Code + ".pdf", "emails.json",
		"api-tokens.json", "join-requests.json", "account-merges.json"} {
		if _, ok := files[name]; !ok {
			t.Errorf("the download has no %s", name)
		}
	}
	if pdf := files["certificates/certificate-"+f.Code+".pdf"]; !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Errorf("certificate is not a PDF: %.20q", pdf)
	}
	var person struct {
		Name         string   `json:"name"`
		Email        string   `json:"email"`
		JobTitle     string   `json:"job_title"`
		Roles        []string `json:"roles"`
		LastSignInAt *string  `json:"last_sign_in_at"`
		Organisation struct{ Name string }
		Settings     struct {
			TwoFactorOn bool `json:"two_factor_on"`
		}
	}
	if err := json.Unmarshal(files["person.json"], &person); err != nil {
		t.Fatal(err)
	}
	if person.Name != "Seán Ó Briain" || person.Email != f.Sean.Email || person.JobTitle != "Detective Constable" ||
		person.Organisation.Name != "Bath Police" || len(person.Roles) != 1 || person.LastSignInAt == nil {
		t.Errorf("person.json: %+v", person)
	}
	var bookings []struct {
		Status  string `json:"status"`
		History []struct{ Reason, By string }
	}
	if err := json.Unmarshal(files["bookings.json"], &bookings); err != nil {
		t.Fatal(err)
	}
	if len(bookings) != 2 || len(bookings[0].History) == 0 || bookings[0].History[0].By != "you" {
		t.Errorf("bookings.json: %+v", bookings)
	}
	mustContain(t, "bookings.csv", string(files["bookings.csv"]), "Safeguarding level 2", "confirmed")
	mustContain(t, "attendance.csv", string(files["attendance.csv"]), "attended")
	mustContain(t, "evaluations.json", string(files["evaluations.json"]), "Seán found the case studies useful")
	mustContain(t, "impact-answers.json", string(files["impact-answers.json"]), "Seán now checks the sibling records",
		"A strategy meeting in Keynsham", `"confidence_before": 2`, `"confidence_now": 4`, `"examples_may_be_quoted": true`)
	mustContain(t, "certificates.json", string(files["certificates.json"]), f.Code, `"state": "valid"`)
	mustContain(t, "emails.json", string(files["emails.json"]), `"kind": "booking_confirmed"`)
	mustContain(t, "api-tokens.json", string(files["api-tokens.json"]), `"created_at"`)
	mustContain(t, "README.txt", string(files["README.txt"]), "person.json", "certificates/", "never included")

	// No secret anywhere in the download: the password, the API token, or any stored hash.
	var hash string
	if err := f.DB.R.QueryRow(`SELECT password_hash FROM users WHERE id = ?`, f.Sean.ID).Scan(&hash); err != nil || hash == "" {
		t.Fatalf("password hash: %q %v", hash, err)
	}
	var tokenHash string
	if err := f.DB.R.QueryRow(`SELECT token_hash FROM api_tokens WHERE user_id = ?`, f.Sean.ID).Scan(&tokenHash); err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		mustNotContain(t, name, string(b), testkit.Password, f.TokenValue, hash, tokenHash, "argon2id")
	}
}

func TestOnlyAdminsFetchSomeoneElsesDownload(t *testing.T) {
	f := newFixture(t)
	other := f.signedIn(t, f.Other.Email)
	path := "/admin/people/" + idText(f.Sean.ID) + "/data.zip"
	if r := f.get(t, other, path); r.Status != http.StatusForbidden {
		t.Fatalf("a practitioner fetched someone's download: %d", r.Status)
	}
	// Their own download is theirs alone.
	own := unzip(t, f.get(t, other, "/my/data.zip").Body)
	for name, b := range own {
		mustNotContain(t, name, string(b), f.Sean.Email, "Seán")
	}
	if r := f.get(t, f.Browser(t), "/my/data.zip"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Fatalf("anonymous download: %d %q", r.Status, r.Location)
	}

	admin := f.signedIn(t, f.Admin.Email)
	person := f.get(t, admin, "/admin/people/"+idText(f.Sean.ID))
	mustContain(t, "person page", person.Body, `href="`+path+`"`)
	r := f.get(t, admin, path)
	if r.Status != http.StatusOK {
		t.Fatalf("admin download: %d", r.Status)
	}
	mustContain(t, "person.json", string(unzip(t, r.Body)["person.json"]), f.Sean.Email)
	if r := f.get(t, admin, "/admin/people/999999/data.zip"); r.Status != http.StatusNotFound {
		t.Fatalf("download for nobody: %d", r.Status)
	}
}
