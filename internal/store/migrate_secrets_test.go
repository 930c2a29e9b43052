package store_test

import (
	"context"
	"path/filepath"
	"testing"
)

// TestMigrationWithdrawsPlainSecrets: migration 16 signs everyone out (their session rows
// held plain tokens), clears plain calendar feed tokens, expires unused reset links and withdraws their queued emails, and
// blanks every reset payload, which held the link's secret in plain text.
func TestMigrationWithdrawsPlainSecrets(t *testing.T) {
	d := open(t, filepath.Join(t.TempDir(), "db.sqlite"))
	ctx := context.Background()
	if err := d.MigrateTo(ctx, 15); err != nil {
		t.Fatal(err)
	}
	const secret = "plain-secret-before-the-upgrade-0123456789ab"
	for _, q := range []string{
		`INSERT INTO organisations (id, name, type, created_at) VALUES (1, 'Police', 'police', '2026-01-01T00:00:00Z')`,
		`INSERT INTO users (id, email, name, organisation_id, password_hash, created_at, calendar_token)
			VALUES (1, 'p@example.org', 'Pat', 1, 'x', '2026-01-01T00:00:00Z', '` + secret + `')`,
		`INSERT INTO web_sessions (token, data, expiry) VALUES ('` + secret + `', x'00', julianday('now') + 1)`,
		`INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ('h', 1, '2026-01-01T00:00:00Z', '2999-01-01T00:00:00Z')`,
		`INSERT INTO outbox (kind, user_id, recipient_email, recipient_name, payload, next_attempt_at, created_at, updated_at)
			VALUES ('password_reset', 1, 'p@example.org', 'Pat', '{"reset":{"token":"` + secret + `"}}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
	} {
		if _, err := d.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var sessions, live, feeds int
	var outbox string
	if err := d.R.QueryRow(`SELECT (SELECT count(*) FROM web_sessions),
		(SELECT count(*) FROM password_resets WHERE expires_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
		(SELECT status || ' ' || payload FROM outbox),
		(SELECT count(*) FROM users WHERE calendar_token IS NOT NULL)`).Scan(&sessions, &live, &outbox, &feeds); err != nil {
		t.Fatal(err)
	}
	if sessions != 0 || live != 0 || outbox != "failed {}" || feeds != 0 {
		t.Fatalf("after migration: %d sessions, %d live reset links, outbox %q, %d calendar tokens", sessions, live, outbox, feeds)
	}
}
