package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/traininghub/traininghub/internal/problem"
	"github.com/traininghub/traininghub/internal/testkit"
)

const tooCommon = "That password is too common: choose one that is harder to guess"

// TestDenyListedPasswordsRefusedAtRegistrationResetAndChange: a password from the shipped
// list is refused wherever a password is chosen, and changes nothing.
func TestDenyListedPasswordsRefusedAtRegistrationResetAndChange(t *testing.T) {
	f := newFixture(t)

	// Registration.
	c := f.Browser(t)
	users := f.count(t, "users")
	r := f.post(t, c, "/register", url.Values{"name": {"Sam Jones"}, "email": {"sam@example.org"},
		"job_title": {"School nurse"}, "organisation_id": {id(f.Police.ID)},
		"password": {"liverpool"}, "password_confirm": {"liverpool"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("registration with a common password: %d, want 422", r.Status)
	}
	mustContain(t, r.Body, tooCommon)
	if got := f.count(t, "users"); got != users {
		t.Errorf("an account was created with a common password (%d users, was %d)", got, users)
	}

	// Reset through an emailed link: refused, and the link still works for a good one.
	token := f.requestReset(t, f.Pract)
	r = f.post(t, c, "/password/reset/"+token, newPassword("Sunshine1", "Sunshine1"))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("reset to a common password: %d, want 422", r.Status)
	}
	mustContain(t, r.Body, tooCommon)
	if r := f.post(t, f.Browser(t), "/login", login("pat@example.org", "Sunshine1", "")); r.Status == http.StatusSeeOther {
		t.Fatal("the common password was set by the reset")
	}
	if r := f.post(t, c, "/password/reset/"+token, newPassword("a walk by the avon", "a walk by the avon")); r.Status != http.StatusSeeOther {
		t.Fatalf("the link stopped working after a refused password: %d", r.Status)
	}

	// Change (the account service every change goes through).
	err := f.Accounts.SetPassword(context.Background(), f.Admin.ID, "trustno1")
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Fields["password"] != tooCommon {
		t.Fatalf("SetPassword with a common password: %v, want the too-common message", err)
	}
	if r := f.post(t, f.Browser(t), "/login", login("ada@example.org", testkit.Password, "")); r.Status != http.StatusSeeOther {
		t.Errorf("the old password stopped working after a refused change: %d", r.Status)
	}
}
