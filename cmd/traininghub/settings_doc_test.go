package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
)

// TestServeHelpListsSettings: `serve -h` is not an error; it names every setting with its
// environment variable, so an operator can see them without reading the docs.
func TestServeHelpListsSettings(t *testing.T) {
	fs := serveSettings(t)
	var out bytes.Buffer
	printSettings(&out, fs)
	for _, want := range []string{"--db, TRAININGHUB_DB, default data/traininghub.db", "--sync, TRAININGHUB_SYNC, default full"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve -h does not say %q:\n%s", want, out.String())
		}
	}
}

// TestOperationsDocNamesEverySetting keeps docs/operations.md true: every flag serve
// accepts is described there, so a new setting cannot ship undocumented.
func TestOperationsDocNamesEverySetting(t *testing.T) {
	doc, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	serveSettings(t).VisitAll(func(f *flag.Flag) {
		if !bytes.Contains(doc, []byte("`--"+f.Name+"`")) {
			t.Errorf("docs/operations.md does not describe `--%s` (%s)", f.Name, f.Usage)
		}
	})
}

// serveSettings returns serve's flag set, as `serve -h` reports it.
func serveSettings(t *testing.T) *flag.FlagSet {
	t.Helper()
	err := run(context.Background(), []string{"serve", "-h"}, strings.NewReader(""), io.Discard, io.Discard)
	var help helpRequested
	if !errors.As(err, &help) {
		t.Fatalf("serve -h: %v, want a help request", err)
	}
	return help.fs
}
