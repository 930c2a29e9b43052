package main

import (
	"testing"

	"github.com/traininghub/traininghub/internal/privacy"
)

func TestRetentionSettings(t *testing.T) {
	fs := newFlags("serve")
	r := retentionFlags(fs)
	if err := parse(fs, nil); err != nil {
		t.Fatal(err)
	}
	if *r != privacy.DefaultRetention || r.Inactive.String() != "6 years" || r.Email.String() != "90 days" {
		t.Fatalf("defaults: %+v", *r)
	}

	t.Setenv("TRAININGHUB_RETAIN_INACTIVE", "72m")
	fs = newFlags("serve")
	r = retentionFlags(fs)
	if err := parse(fs, []string{"--retain-email", "off"}); err != nil {
		t.Fatal(err)
	}
	if r.Inactive != (privacy.Period{Months: 72}) || !r.Email.Off() {
		t.Fatalf("from the environment and the command line: %+v", *r)
	}

	t.Setenv("TRAININGHUB_RETAIN_INACTIVE", "six years")
	fs = newFlags("serve")
	retentionFlags(fs)
	if err := parse(fs, nil); err == nil {
		t.Fatal("a bad period was accepted")
	}
}
