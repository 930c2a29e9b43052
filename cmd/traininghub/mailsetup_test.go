package main

import "testing"

// TestSMTPURLNoneMeansNoMailServer: --smtp-url none does what its help says (messages
// stay unsent in the email log) instead of failing as a malformed address.
func TestSMTPURLNoneMeansNoMailServer(t *testing.T) {
	for setting, want := range map[string]string{
		"":                               "",
		"none":                           "",
		" None ":                         "",
		"smtp://127.0.0.1:1025":          "smtp://127.0.0.1:1025",
		" smtps://u:p@mail.example.org ": "smtps://u:p@mail.example.org",
	} {
		if got := mailServerURL(setting); got != want {
			t.Errorf("mailServerURL(%q) = %q, want %q", setting, got, want)
		}
	}
}
