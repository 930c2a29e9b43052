package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/traininghub/traininghub/internal/account"
	"github.com/traininghub/traininghub/internal/clock"
	"github.com/traininghub/traininghub/internal/secretkey"
	"github.com/traininghub/traininghub/internal/store"
)

// secretKeyFlag adds --secret-key-file; empty means traininghub.key beside the database.
func secretKeyFlag(fs *flag.FlagSet) *string {
	return fs.String("secret-key-file", "", "file holding the key that encrypts two-factor secrets (default: traininghub.key beside the database); back it up separately from the database")
}

func secretKeyPath(flagValue, dbPath string) string {
	if flagValue != "" || store.IsPostgresURL(dbPath) {
		return flagValue
	}
	return secretkey.DefaultPath(dbPath)
}

// backupAdvice is said whenever a key file is made, and in the key errors.
const backupAdvice = "Back it up separately from the database: a database backup without it cannot check two-factor codes, and one with it beside the database protects nothing."

// openSecretKey loads the key file at path, or creates it (0600, 32 random bytes) when the
// database has no secrets sealed under any key yet, and checks it against the database,
// which also encrypts two-factor secrets stored before encryption. A missing or wrong key
// for a database that has used one stops start-up with a message that says what to do.
func openSecretKey(ctx context.Context, accounts *account.Service, path, dbPath string, log *slog.Logger) error {
	if path == "" {
		return errors.New("--secret-key-file: on PostgreSQL, give the key file's path (TRAININGHUB_SECRET_KEY_FILE); " +
			"every server of the database must use the same file, so none is made beside the database")
	}
	key, err := secretkey.Load(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		inUse, err := account.SecretKeyInUse(ctx, accounts.DB)
		if err != nil {
			return err
		}
		if inUse {
			return fmt.Errorf("the secret key file %s is missing, but the database %s was started with a secret key before: its two-factor secrets are encrypted with it. "+
				"Put the key file kept with your backups there, or name it with --secret-key-file (TRAININGHUB_SECRET_KEY_FILE). "+
				"If the key is lost for good, run `traininghub secret-key replace --db %s --secret-key-file %s`: "+
				"it switches two-factor sign-in off for the accounts that use it, and they set it up again",
				path, store.SafeAddress(dbPath), store.SafeAddress(dbPath), path)
		}
		if key, err = secretkey.Create(path); err != nil {
			return err
		}
		log.Warn("created a new secret key file: it encrypts two-factor secrets and signs sign-in cookies", "path", path, "advice", backupAdvice)
	case err != nil:
		return fmt.Errorf("read the secret key file (--secret-key-file): %w", err)
	}
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
		log.Warn("the secret key file can be read by other users: make it readable by the service's user only (chmod 600)", "path", path, "mode", info.Mode().Perm().String())
	}
	n, err := accounts.UseSecretKey(ctx, key)
	if errors.Is(err, account.ErrWrongSecretKey) {
		return fmt.Errorf("the secret key file %s does not match the database %s: it is not the key its two-factor secrets were encrypted with. "+
			"Start with the key file kept with this database (--secret-key-file or TRAININGHUB_SECRET_KEY_FILE). "+
			"If that key is lost for good, run `traininghub secret-key replace --db %s --secret-key-file %s`: "+
			"it switches two-factor sign-in off for the accounts that use it, and they set it up again",
			path, store.SafeAddress(dbPath), store.SafeAddress(dbPath), path)
	}
	if err != nil {
		return fmt.Errorf("check the secret key: %w", err)
	}
	if n > 0 {
		log.Info("encrypted two-factor secrets that were stored in plain text", "count", n)
	}
	return nil
}

// secretKeyReplace makes a new key for a database whose key is lost for good. Any file at
// the key's path is kept, renamed, never deleted: it may be another database's key.
func secretKeyReplace(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("secret-key replace")
	dbPath := dbFlag(fs)
	keyFile := secretKeyFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	path := secretKeyPath(*keyFile, *dbPath)
	db, err := openAndMigrate(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	accounts := account.NewService(db, clock.System, account.NewHasher(account.DefaultHashParams, 1))
	if old, err := secretkey.Load(path); err == nil {
		if _, err := accounts.UseSecretKey(ctx, old); err == nil {
			fmt.Fprintf(stdout, "The secret key file %s already matches %s: nothing was changed.\n", path, store.SafeAddress(*dbPath))
			return nil
		}
	}
	if exists, err := secretkey.Exists(path); err != nil {
		return err
	} else if exists {
		aside := path + ".replaced-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(path, aside); err != nil {
			return fmt.Errorf("move the old key file aside: %w", err)
		}
		fmt.Fprintf(stdout, "Moved the key file that does not match to %s.\n", aside)
	}
	key, err := secretkey.Create(path)
	if err != nil {
		return err
	}
	emails, err := accounts.ReplaceSecretKey(ctx, key)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created a new secret key file %s. %s\n", path, backupAdvice)
	switch len(emails) {
	case 0:
		fmt.Fprintln(stdout, "No account had two-factor sign-in on, so nobody is affected.")
	case 1:
		fmt.Fprintln(stdout, "Two-factor sign-in was switched off for 1 account; its owner signs in with their password and sets it up again:")
	default:
		fmt.Fprintf(stdout, "Two-factor sign-in was switched off for %d accounts; they sign in with their password and set it up again:\n", len(emails))
	}
	for _, e := range emails {
		fmt.Fprintln(stdout, "  "+e)
	}
	return nil
}
