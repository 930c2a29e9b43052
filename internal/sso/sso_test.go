package sso

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestOffWithoutIssuer(t *testing.T) {
	if c := New(Config{Issuer: "  ", ClientID: "a"}); c.Enabled() {
		t.Error("enabled with no issuer")
	}
	if c := New(Config{Issuer: "https://accounts.google.com"}); !c.Enabled() {
		t.Error("not enabled with an issuer")
	}
}

func TestVerifiedClaim(t *testing.T) {
	for raw, want := range map[string]bool{
		`true`: true, `"true"`: true, `"TRUE"`: true,
		`false`: false, `"false"`: false, `1`: false, `"yes"`: false, `null`: false, ``: false,
	} {
		if got := verified(json.RawMessage(raw)); got != want {
			t.Errorf("verified(%s) = %v, want %v", raw, got, want)
		}
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"  Sam   Jones ":       "Sam Jones",
		"Sam\nJones\t(Police)": "Sam Jones (Police)",
		"Seán Ó Briain":        "Seán Ó Briain",
		"\x00\r\n":             "",
	} {
		if got := CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
	long := CleanName(strings.Repeat("é", 250))
	if n := len([]rune(long)); n != 200 {
		t.Errorf("long name kept %d characters, want 200", n)
	}
}

func TestFlowsDiffer(t *testing.T) {
	a, b := NewFlow(), NewFlow()
	if a.State == b.State || a.Nonce == b.Nonce || a.Verifier == b.Verifier || len(a.State) < 43 || len(a.Verifier) < 43 {
		t.Errorf("flows not fresh and long enough: %+v %+v", a, b)
	}
	if !SameState(a.State, a.State) || SameState(a.State, b.State) || SameState("", "") {
		t.Error("SameState wrong")
	}
}
