// Command traininghub runs the partnership's training booking service and its admin tasks.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `traininghub: training booking and learning records for a safeguarding children partnership

Usage:
  traininghub serve [--addr :8080] [--db data/traininghub.db] [--secret-key-file data/traininghub.key] [--base-url URL] [--demo]
  traininghub migrate [--db PATH]
  traininghub user add --email E --name N --org "Org name" --role R [--role R2] [--job-title T] [--db PATH]
  traininghub user disable --email E [--db PATH]
  traininghub user enable --email E [--db PATH]
  traininghub token add --email E [--name N] [--expires 90d] [--db PATH]
  traininghub token list [--email E] [--db PATH]
  traininghub token revoke --id N [--db PATH]
  traininghub secret-key replace [--db PATH] [--secret-key-file PATH]   (only when the key is lost for good)
  traininghub backup [--db PATH] [--force] FILE   (a checked copy, safe while serve runs)
  traininghub copy --from data/traininghub.db --to postgres://USER:PASSWORD@HOST:5432/DB   (a whole partnership, ids kept, counts checked)
  traininghub healthcheck [--addr :8080]

Every flag can also be set in the environment as TRAININGHUB_<NAME>, e.g. TRAININGHUB_DB.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if help, ok := errors.AsType[helpRequested](err); ok {
		printSettings(os.Stdout, help.fs)
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "traininghub:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch cmd, rest := args[0], args[1:]; {
	case cmd == "serve":
		return serve(ctx, rest, stdout, stderr)
	case cmd == "migrate":
		return migrate(ctx, rest, stdout)
	case cmd == "copy":
		return copyCmd(ctx, rest, stdout)
	case cmd == "user" && len(rest) > 0 && rest[0] == "add":
		return userAdd(ctx, rest[1:], stdin, stdout)
	case cmd == "user" && len(rest) > 0 && (rest[0] == "disable" || rest[0] == "enable"):
		return userSetActive(ctx, rest[1:], rest[0] == "enable", stdout)
	case cmd == "token" && len(rest) > 0 && rest[0] == "add":
		return tokenAdd(ctx, rest[1:], stdout)
	case cmd == "token" && len(rest) > 0 && rest[0] == "list":
		return tokenList(ctx, rest[1:], stdout)
	case cmd == "token" && len(rest) > 0 && rest[0] == "revoke":
		return tokenRevoke(ctx, rest[1:], stdout)
	case cmd == "secret-key" && len(rest) > 0 && rest[0] == "replace":
		return secretKeyReplace(ctx, rest[1:], stdout)
	case cmd == "backup":
		return backupCmd(ctx, rest, stdout)
	case cmd == "healthcheck":
		return healthcheck(ctx, rest)
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}
