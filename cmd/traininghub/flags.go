package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// newFlags makes a flag set whose defaults come from TRAININGHUB_<NAME> variables, so the
// same settings work from a container's environment.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse applies the environment first and the command line second, and refuses
// arguments that are not flags.
func parse(fs *flag.FlagSet, args []string) error {
	if err := parseAllowingArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// parseOneFile is parse for a command that takes one file name, before or after its
// flags (`backup --db x FILE` and `backup FILE --db x`).
func parseOneFile(fs *flag.FlagSet, args []string, example string) (string, error) {
	if err := parseAllowingArgs(fs, args); err != nil {
		return "", err
	}
	var files []string
	for fs.NArg() > 0 {
		files = append(files, fs.Arg(0))
		if err := parseArgs(fs, fs.Args()[1:]); err != nil {
			return "", err
		}
	}
	if len(files) != 1 {
		return "", fmt.Errorf("%s: give one file name, e.g. %s", fs.Name(), example)
	}
	return files[0], nil
}

// parseAllowingArgs applies the environment, then the command line, leaving arguments
// that are not flags in fs.Args().
func parseAllowingArgs(fs *flag.FlagSet, args []string) error {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		key := "TRAININGHUB_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(key); ok && envErr == nil {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("%s: %w", key, err)
			}
		}
	})
	if envErr != nil {
		return envErr
	}
	return parseArgs(fs, args)
}

func parseArgs(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return helpRequested{fs}
		}
		return fmt.Errorf("%s: %w", fs.Name(), err)
	}
	return nil
}

// dbFlag is every command's --db: a SQLite file (the default), or the address of a
// PostgreSQL database shared by several servers.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", defaultDB, "SQLite database file, or a PostgreSQL address: postgres://user:password@host:5432/traininghub")
}

// multi collects a repeatable flag such as --role.
type multi []string

func (m *multi) String() string { return strings.Join(*m, ",") }

func (m *multi) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*m = append(*m, part)
		}
	}
	return nil
}

const defaultDB = "data/traininghub.db"

// helpRequested is returned when a command is given -h or --help: run prints the
// command's settings instead of an error.
type helpRequested struct{ fs *flag.FlagSet }

func (h helpRequested) Error() string { return h.fs.Name() + ": help requested" }

// printSettings lists a command's flags with their environment names and defaults.
func printSettings(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "traininghub %s settings (flag, environment variable, default):\n\n", fs.Name())
	fs.VisitAll(func(f *flag.Flag) {
		env := "TRAININGHUB_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		def := f.DefValue
		if def == "" {
			def = "(none)"
		}
		fmt.Fprintf(w, "  --%s, %s, default %s\n      %s\n", f.Name, env, def, f.Usage)
	})
}
