package account_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/testkit"
)

// TestSessionTokensAreStoredHashed: the session cookie's token never reaches the
// database, yet the session is found, replaced and deleted by it.
func TestSessionTokensAreStoredHashed(t *testing.T) {
	env := testkit.New(t)
	st := account.SessionStore{DB: env.DB}
	const token = "c2Vzc2lvbi10b2tlbi1mb3ItdGhlLXRlc3Qtb25seS0xMjM0NQ"
	if err := st.Commit(token, []byte("signed in"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if found := testkit.PlainTextSecrets(t, env.DB, token); len(found) > 0 {
		t.Fatalf("the session token is stored in plain text in %v", found)
	}
	data, ok, err := st.Find(token)
	if err != nil || !ok || string(data) != "signed in" {
		t.Fatalf("Find = %q, %v, %v", data, ok, err)
	}
	if _, ok, _ := st.Find(token + "x"); ok {
		t.Fatal("another token found the session")
	}
	if err := st.Commit(token, []byte("changed"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := env.DB.R.QueryRowContext(context.Background(), `SELECT count(*) FROM web_sessions`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d session rows after a second commit (%v), want 1", n, err)
	}
	if err := st.Delete(token); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := st.Find(token); ok {
		t.Fatal("a deleted session was found")
	}
}

// TestNamesAreNormalisedAndChecked: a name typed with combining accents is stored in NFC,
// so it matches the same name typed with precomposed letters; a name with a direction
// override is refused.
func TestNamesAreNormalisedAndChecked(t *testing.T) {
	env := testkit.New(t)
	org := env.Org(t, "Avon and Somerset Police", account.Police)
	u, err := env.Accounts.CreateUser(context.Background(), account.NewUser{Email: "sean@example.org",
		Name: "Sea\u0301n O\u0301 Briain", OrganisationID: org.ID, Password: testkit.Password})
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Se\u00e1n \u00d3 Briain" {
		t.Errorf("stored name %q, want NFC", u.Name)
	}
	_, err = env.Accounts.CreateUser(context.Background(), account.NewUser{Email: "ann@example.org",
		Name: "Ann\u202egpj.exe", OrganisationID: org.ID, Password: testkit.Password})
	if err == nil || !strings.Contains(err.Error(), "validation") {
		t.Fatalf("a name with a right-to-left override: %v, want refused", err)
	}
}
